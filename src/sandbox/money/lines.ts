/**
 * Line and document arithmetic as Xero does it (docs/xero.md#money-and-rounding): unit amounts at 2 dp unless unitdp=4,
 * quantities at 4 dp, tax per line rounded half-up to 2 dp and summed, Exclusive / Inclusive / NoTax,
 * TaxAmount overrides, discounts only where the document allows them.
 */
import { Dec, ZERO, parseAmount, round2 } from './decimal';
import type { LineAmountTypes } from '../state/types';
import { MSG } from '../rules/messages';

export interface LineInputMoney {
  Quantity?: unknown;
  UnitAmount?: unknown;
  LineAmount?: unknown;
  DiscountRate?: unknown;
  DiscountAmount?: unknown;
  TaxAmount?: unknown;
}

export interface LineMoney {
  quantity: Dec;
  unitAmount: Dec;
  lineAmount: Dec;
  taxAmount: Dec;
  discount: Dec;
  discountRate: Dec | null;
  discountAmount: Dec | null;
  /** Quantity × unit amount − discount before rounding the line: what tells a 0.004 line from a zero line. */
  exact: Dec;
  /** The same from the amounts as sent, before the unit amount was rounded to 2 (or 4) dp. */
  rawExact: Dec;
}

export interface LineOptions {
  unitdp: 2 | 4;
  lineAmountTypes: LineAmountTypes;
  ratePercent: Dec;
  allowDiscount: boolean;
}

type Parsed = Record<keyof LineInputMoney, Dec | null>;

function parseAll(input: LineInputMoney, errors: string[]): Parsed {
  const out = {} as Parsed;
  for (const k of ['Quantity', 'UnitAmount', 'LineAmount', 'DiscountRate', 'DiscountAmount', 'TaxAmount'] as const) {
    const v = parseAmount(input[k]);
    if (v === 'invalid') errors.push(MSG.numberInvalid(k, String(input[k])));
    out[k] = v === 'invalid' ? null : v;
  }
  return out;
}

export function lineMoney(input: LineInputMoney, o: LineOptions, errors: string[]): LineMoney {
  const p = parseAll(input, errors);
  let quantity = p.Quantity?.toDecimalPlaces(4) ?? null;
  let unit = p.UnitAmount?.toDecimalPlaces(o.unitdp) ?? null;
  if (quantity === null) quantity = unit !== null && p.LineAmount && !unit.isZero() ? p.LineAmount.div(unit).toDecimalPlaces(4) : new Dec(1);
  if (quantity.isNegative()) errors.push(MSG.negativeQuantity(quantity.toFixed(4)));
  if (unit === null) unit = p.LineAmount && !quantity.isZero() ? p.LineAmount.div(quantity).toDecimalPlaces(o.unitdp) : ZERO;
  const gross = quantity.mul(unit);
  const discountRate = o.allowDiscount ? p.DiscountRate : null;
  const discountAmount = o.allowDiscount && !discountRate ? p.DiscountAmount : null;
  const discount = discountRate ? gross.mul(discountRate).div(100) : (discountAmount ?? ZERO);
  const exact = gross.sub(discount);
  const rawGross = p.Quantity && p.UnitAmount ? p.Quantity.mul(p.UnitAmount) : gross;
  const rawExact = discountRate ? rawGross.mul(new Dec(100).sub(discountRate)).div(100) : rawGross.sub(discountAmount ?? ZERO);
  const lineAmount = round2(exact);
  const taxAmount = lineTax(lineAmount, p.TaxAmount, o);
  return { quantity, unitAmount: unit, lineAmount, taxAmount, discount: round2(discount), discountRate, discountAmount, exact, rawExact };
}

function lineTax(lineAmount: Dec, override: Dec | null, o: LineOptions): Dec {
  if (o.lineAmountTypes === 'NoTax') return ZERO;
  if (override) return round2(override);
  const r = o.ratePercent.div(100);
  if (o.lineAmountTypes === 'Inclusive') return round2(lineAmount.mul(r).div(r.add(1)));
  return round2(lineAmount.mul(r));
}

/** A value that is not zero but rounds to 0.00: Xero refuses such lines. */
export function belowHalfCent(exact: Dec): boolean {
  return !exact.isZero() && exact.abs().lt('0.005');
}

export interface DocTotals {
  subTotal: Dec;
  totalTax: Dec;
  total: Dec;
  totalDiscount: Dec;
}

export function documentTotals(lines: LineMoney[], lat: LineAmountTypes): DocTotals {
  let subTotal = ZERO;
  let totalTax = ZERO;
  let totalDiscount = ZERO;
  for (const l of lines) {
    subTotal = subTotal.add(lat === 'Inclusive' ? l.lineAmount.sub(l.taxAmount) : l.lineAmount);
    totalTax = totalTax.add(l.taxAmount);
    totalDiscount = totalDiscount.add(l.discount);
  }
  return { subTotal, totalTax, total: subTotal.add(totalTax), totalDiscount };
}
