/**
 * The money functions as they were before issue 19 (src/domain/money.ts at 22de1c7), kept as the
 * reference the faster ones are checked against (test/domain/money.property.test.ts). Not memoised.
 */
import { Decimal } from 'decimal.js';
import type { ItemDocument, ItemLine } from '../../src/domain/document-schemas.ts';

export type DecimalLike = Decimal | string | number;

export type AmountsAre = ItemDocument['amountsAre'];

/** Half-up to `dp` places (away from zero at .5, as Xero: 2.165 → 2.17, -2.165 → -2.17). */
export function roundHalfUp(v: DecimalLike, dp: number): Decimal {
  return new Decimal(v).toDecimalPlaces(dp, Decimal.ROUND_HALF_UP);
}

/** A money string with exactly two decimals. */
export function money(v: DecimalLike): string {
  return roundHalfUp(v, 2).toFixed(2);
}

/**
 * Whether Xero applies a line's DiscountRate for this kind. It does on sales invoices (ACCREC) only:
 * bills and both kinds of credit note ignore it (docs/sandbox.md, money rules), so there the discount
 * is folded into the unit amount instead.
 */
export function xeroAppliesDiscount(kind: ItemDocument['kind']): boolean {
  return kind === 'sales_invoice';
}

/**
 * The values a line is sent to Xero with. Xero rejects negative quantities, so a negative quantity is
 * sent as a positive one with the unit price negated (same line amount). Where Xero ignores discounts
 * the discount is folded into the unit amount (see foldedUnit).
 */
export interface XeroLineValues {
  quantity: string;
  unitAmount: string;
  discountRate: string | null;
}

export function xeroLineValues(line: ItemLine, discounts: boolean, unitdp: 2 | 4): XeroLineValues {
  return computeLineValues(line, discounts, unitdp);
}

function computeLineValues(line: ItemLine, discounts: boolean, unitdp: 2 | 4): XeroLineValues {
  let qty = roundHalfUp(line.quantity, 4);
  let unit = new Decimal(line.unitPrice);
  if (qty.isNegative()) {
    qty = qty.negated();
    unit = unit.negated();
  }
  const rate = new Decimal(line.discountRate ?? 0);
  const folded = !discounts && !rate.isZero();
  return {
    quantity: qty.toFixed(),
    unitAmount: folded ? foldedUnit(qty, unit, rate, unitdp).toFixed() : roundHalfUp(unit, unitdp).toFixed(),
    discountRate: discounts && !rate.isZero() ? rate.toFixed() : null,
  };
}

/**
 * A unit amount (at `unitdp` places) that carries the discount: of the amounts nearest to
 * unit × (1 − rate/100), the one whose quantity × unit rounds to the same line amount as the
 * discounted line would (Xero rounds unit amounts first, so the plainly rounded unit can be a cent
 * out on the line). When no nearby amount gets there (large quantities at 2 dp), the nearest one.
 */
function foldedUnit(qty: Decimal, unit: Decimal, rate: Decimal, unitdp: 2 | 4): Decimal {
  const exactUnit = unit.times(new Decimal(100).minus(rate)).dividedBy(100);
  const nearest = roundHalfUp(exactUnit, unitdp);
  // What Xero makes of the same line with DiscountRate on a sales invoice.
  const target = roundHalfUp(qty.times(roundHalfUp(unit, unitdp)).times(new Decimal(100).minus(rate)).dividedBy(100), 2);
  const step = new Decimal(10).pow(-unitdp);
  for (let k = 0; k <= 5; k += 1) {
    for (const candidate of k === 0 ? [nearest] : [nearest.plus(step.times(k)), nearest.minus(step.times(k))]) {
      if (roundHalfUp(qty.times(candidate), 2).equals(target)) return candidate;
    }
  }
  return nearest;
}

/** Exact (unrounded) line value: what the source meant, used to spot values below 0.005. */
export function exactLineValue(line: ItemLine): Decimal {
  const rate = new Decimal(line.discountRate ?? 0);
  return new Decimal(line.quantity).times(line.unitPrice).times(new Decimal(100).minus(rate)).dividedBy(100);
}

/** Xero's LineAmount: quantity × unit × (1 − discount/100), rounded to 2 dp. */
export function lineAmount(v: XeroLineValues): Decimal {
  const rate = new Decimal(v.discountRate ?? 0);
  return roundHalfUp(new Decimal(v.quantity).times(v.unitAmount).times(new Decimal(100).minus(rate)).dividedBy(100), 2);
}

/** Tax on one line, rounded half-up to 2 dp. `ratePercent` e.g. 15 for 15 %. */
export function lineTax(amount: DecimalLike, ratePercent: DecimalLike, amountsAre: AmountsAre): Decimal {
  const a = new Decimal(amount);
  const r = new Decimal(ratePercent);
  if (amountsAre === 'no_tax' || r.isZero()) return new Decimal(0);
  // Inclusive: the line amount already contains the tax; tax = amount × r / (100 + r).
  const tax = amountsAre === 'inclusive' ? a.times(r).dividedBy(r.plus(100)) : a.times(r).dividedBy(100);
  return roundHalfUp(tax, 2);
}

export interface Totals {
  subTotal: string;
  totalTax: string;
  total: string;
}

export interface LineMoney {
  lineAmount: string;
  taxAmount: string;
}

/** Sums per-line amounts and taxes into Xero's document totals. */
export function totalsOf(lines: readonly LineMoney[], amountsAre: AmountsAre): Totals {
  const amounts = lines.reduce((s, l) => s.plus(l.lineAmount), new Decimal(0));
  const tax = lines.reduce((s, l) => s.plus(l.taxAmount), new Decimal(0));
  const subTotal = amountsAre === 'inclusive' ? amounts.minus(tax) : amounts;
  return { subTotal: money(subTotal), totalTax: money(tax), total: money(subTotal.plus(tax)) };
}

export interface TotalsOptions {
  unitdp?: 2 | 4;
  /** Line indexes to leave out (dropped by the rounding policy). */
  skip?: ReadonlySet<number>;
}

/**
 * Xero's SubTotal, TotalTax and Total for an invoice-like document. `taxRateOf` gives the percent rate
 * of a line (after tax mapping); it is not called for `no_tax` documents.
 */
export function documentTotals(doc: ItemDocument, taxRateOf: (line: ItemLine, index: number) => DecimalLike, opts: TotalsOptions = {}): Totals {
  const discounts = xeroAppliesDiscount(doc.kind);
  const lines: LineMoney[] = [];
  doc.lines.forEach((line, i) => {
    if (opts.skip?.has(i)) return;
    const amount = lineAmount(xeroLineValues(line, discounts, opts.unitdp ?? 4));
    const tax = doc.amountsAre === 'no_tax' ? new Decimal(0) : lineTax(amount, taxRateOf(line, i), doc.amountsAre);
    lines.push({ lineAmount: amount.toFixed(2), taxAmount: tax.toFixed(2) });
  });
  return totalsOf(lines, doc.amountsAre);
}

/** Journal debits (positive) and credits (negative) after rounding each line to 2 dp. */
export function journalSums(amounts: readonly DecimalLike[]): { debits: string; credits: string; net: string } {
  let debits = new Decimal(0);
  let credits = new Decimal(0);
  for (const a of amounts) {
    const r = roundHalfUp(a, 2);
    if (r.isNegative()) credits = credits.plus(r);
    else debits = debits.plus(r);
  }
  return { debits: debits.toFixed(2), credits: credits.toFixed(2), net: debits.plus(credits).toFixed(2) };
}

/** A value that is not zero but rounds to 0.00 at 2 dp: Xero rejects it ("Account must be valid"). */
export function isBelowHalfCent(v: DecimalLike): boolean {
  const d = new Decimal(v);
  return !d.isZero() && d.abs().lt('0.005');
}

/** The tax rate of a Xero TaxType as a Decimal percent (EffectiveRate may come as number or string). */
export function ratePercent(effectiveRate: number | string | undefined): Decimal {
  return new Decimal(effectiveRate ?? 0);
}
