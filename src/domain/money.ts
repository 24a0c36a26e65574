/**
 * Money the way Xero computes it (docs/xero.md#money-and-rounding), with decimal.js and never floats:
 * unit amounts rounded to 2 dp (4 with unitdp=4) and quantities to 4 dp first; line amount =
 * quantity × unit × (1 − discount/100) rounded to 2 dp; tax per line rounded half-up to 2 dp, then summed.
 * The common line (plain decimals, within decimal.js's 20 digits) is worked out in exact integer cents
 * instead (money-exact.ts), with the same results; anything else goes through decimal.js as before.
 */
import { Decimal } from 'decimal.js';
import type { ItemDocument, ItemLine } from './document-schemas.ts';
import { centsText, fixedOf, fixedText, lineAmountCents, lineTaxCents, roundScaled, sumFits } from './money-exact.ts';

export type DecimalLike = Decimal | string | number;

export type AmountsAre = ItemDocument['amountsAre'];

// Decimals are immutable: these are shared rather than built again for every line.
const ZERO = new Decimal(0);
const HUNDRED = new Decimal(100);

function toDecimal(v: DecimalLike): Decimal {
  return v instanceof Decimal ? v : new Decimal(v);
}

/** A discount rate as given (absent: none), as `new Decimal(rate ?? 0)`. */
function rateOf(rate: string | null | undefined): Decimal {
  const r = rate ?? 0;
  return r === 0 ? ZERO : new Decimal(r);
}

/** Half-up to `dp` places (away from zero at .5, as Xero: 2.165 → 2.17, -2.165 → -2.17). */
export function roundHalfUp(v: DecimalLike, dp: number): Decimal {
  return toDecimal(v).toDecimalPlaces(dp, Decimal.ROUND_HALF_UP);
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

/** xeroLineValues of lines already worked out: pre-validation, the expected totals and the payload all ask for the same line. */
const lineValuesMemo = new WeakMap<ItemLine, Map<string, Readonly<XeroLineValues>>>();

export function xeroLineValues(line: ItemLine, discounts: boolean, unitdp: 2 | 4): Readonly<XeroLineValues> {
  const key = `${discounts}:${unitdp}`;
  let memo = lineValuesMemo.get(line);
  const known = memo?.get(key);
  if (known) return known;
  const values = Object.freeze(computeLineValues(line, discounts, unitdp));
  if (!memo) lineValuesMemo.set(line, (memo = new Map()));
  memo.set(key, values);
  return values;
}

function computeLineValues(line: ItemLine, discounts: boolean, unitdp: 2 | 4): XeroLineValues {
  return exactLineValues(line, discounts, unitdp) ?? decimalLineValues(line, discounts, unitdp);
}

/**
 * decimalLineValues by rounding the digits as integers (rounding and negation are exact in decimal.js
 * too); undefined for a folded discount or a value that is not a plain decimal string.
 */
function exactLineValues(line: ItemLine, discounts: boolean, unitdp: 2 | 4): XeroLineValues | undefined {
  if (typeof line.quantity !== 'string' || typeof line.unitPrice !== 'string') return undefined;
  const q = fixedOf(line.quantity);
  const u = fixedOf(line.unitPrice);
  const r = fixedOf(line.discountRate ?? '0');
  if (!q || !u || !r) return undefined;
  const discounted = r.n !== 0n;
  if (!discounts && discounted) return undefined;
  // decimal.js keeps the sign of a value that rounds to zero (and of "-0"): it is negative when written so.
  const negative = line.quantity.startsWith('-');
  const qty = roundScaled(q.n, q.s, 4);
  const unit = negative ? -u.n : u.n;
  return {
    quantity: fixedText({ n: negative ? -qty : qty, s: 4 }),
    unitAmount: fixedText({ n: roundScaled(unit, u.s, unitdp), s: unitdp }),
    discountRate: discounted ? fixedText(r) : null,
  };
}

function decimalLineValues(line: ItemLine, discounts: boolean, unitdp: 2 | 4): XeroLineValues {
  let qty = roundHalfUp(line.quantity, 4);
  let unit = new Decimal(line.unitPrice);
  if (qty.isNegative()) {
    qty = qty.negated();
    unit = unit.negated();
  }
  const rate = rateOf(line.discountRate);
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
  const exactUnit = unit.times(HUNDRED.minus(rate)).dividedBy(HUNDRED);
  const nearest = roundHalfUp(exactUnit, unitdp);
  // What Xero makes of the same line with DiscountRate on a sales invoice.
  const target = roundHalfUp(qty.times(roundHalfUp(unit, unitdp)).times(HUNDRED.minus(rate)).dividedBy(HUNDRED), 2);
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
  const rate = rateOf(line.discountRate);
  return new Decimal(line.quantity).times(line.unitPrice).times(HUNDRED.minus(rate)).dividedBy(HUNDRED);
}

/** lineAmount of the (frozen) values xeroLineValues gives: pre-validation and the expected totals ask for the same line. */
const lineAmountMemo = new WeakMap<XeroLineValues, Decimal>();

/** Xero's LineAmount: quantity × unit × (1 − discount/100), rounded to 2 dp. */
export function lineAmount(v: XeroLineValues): Decimal {
  const known = lineAmountMemo.get(v);
  if (known) return known;
  const rate = rateOf(v.discountRate);
  const amount = roundHalfUp(new Decimal(v.quantity).times(v.unitAmount).times(HUNDRED.minus(rate)).dividedBy(HUNDRED), 2);
  // Only values that cannot change afterwards are remembered.
  if (Object.isFrozen(v)) lineAmountMemo.set(v, amount);
  return amount;
}

/** lineAmount in cents by exact integer arithmetic (money-exact.ts), remembered for frozen values; undefined: ask decimal.js. */
const lineCentsMemo = new WeakMap<XeroLineValues, bigint | null>();

function lineCents(v: XeroLineValues): bigint | undefined {
  const known = lineCentsMemo.get(v);
  if (known !== undefined) return known ?? undefined;
  const cents = lineAmountCents(v.quantity, v.unitAmount, v.discountRate);
  if (Object.isFrozen(v)) lineCentsMemo.set(v, cents ?? null);
  return cents;
}

/** lineAmount(v).isZero(), without a Decimal when the exact path can tell. */
export function lineAmountIsZero(v: XeroLineValues): boolean {
  const cents = lineCents(v);
  return cents === undefined ? lineAmount(v).isZero() : cents === 0n;
}

/** Tax on one line, rounded half-up to 2 dp. `ratePercent` e.g. 15 for 15 %. */
export function lineTax(amount: DecimalLike, ratePercent: DecimalLike, amountsAre: AmountsAre): Decimal {
  const a = toDecimal(amount);
  const r = toDecimal(ratePercent);
  if (amountsAre === 'no_tax' || r.isZero()) return ZERO;
  // Inclusive: the line amount already contains the tax; tax = amount × r / (100 + r).
  const tax = amountsAre === 'inclusive' ? a.times(r).dividedBy(r.plus(HUNDRED)) : a.times(r).dividedBy(HUNDRED);
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
  const amounts = lines.reduce((s, l) => s.plus(l.lineAmount), ZERO);
  const tax = lines.reduce((s, l) => s.plus(l.taxAmount), ZERO);
  return totalsOfSums(amounts, tax, amountsAre);
}

function totalsOfSums(amounts: Decimal, tax: Decimal, amountsAre: AmountsAre): Totals {
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
  return exactTotals(doc, taxRateOf, opts) ?? decimalTotals(doc, taxRateOf, opts);
}

/** documentTotals in integer cents (money-exact.ts); undefined when a value or a bound needs decimal.js. */
function exactTotals(doc: ItemDocument, taxRateOf: (line: ItemLine, index: number) => DecimalLike, opts: TotalsOptions): Totals | undefined {
  const discounts = xeroAppliesDiscount(doc.kind);
  const unitdp = opts.unitdp ?? 4;
  let amounts = 0n;
  let tax = 0n;
  let absAmounts = 0n;
  let absTax = 0n;
  for (let i = 0; i < doc.lines.length; i += 1) {
    if (opts.skip?.has(i)) continue;
    const line = doc.lines[i] as ItemLine;
    const cents = lineCents(xeroLineValues(line, discounts, unitdp));
    if (cents === undefined) return undefined;
    amounts += cents;
    absAmounts += cents < 0n ? -cents : cents;
    if (doc.amountsAre === 'no_tax') continue;
    const rate = fixedOf(taxRateOf(line, i));
    if (!rate) return undefined;
    const t = lineTaxCents(cents, rate, doc.amountsAre === 'inclusive');
    if (t === undefined) return undefined;
    tax += t;
    absTax += t < 0n ? -t : t;
  }
  // Every partial sum, the sub-total and the total stay within these bounds.
  if (!sumFits(absAmounts + 2n * absTax)) return undefined;
  const subTotal = doc.amountsAre === 'inclusive' ? amounts - tax : amounts;
  return { subTotal: centsText(subTotal), totalTax: centsText(tax), total: centsText(subTotal + tax) };
}

function decimalTotals(doc: ItemDocument, taxRateOf: (line: ItemLine, index: number) => DecimalLike, opts: TotalsOptions): Totals {
  const discounts = xeroAppliesDiscount(doc.kind);
  // Summed as Decimals: each amount and tax is already at 2 dp, so this is totalsOf of their 2-dp strings.
  let amounts = ZERO;
  let tax = ZERO;
  doc.lines.forEach((line, i) => {
    if (opts.skip?.has(i)) return;
    const amount = lineAmount(xeroLineValues(line, discounts, opts.unitdp ?? 4));
    amounts = amounts.plus(amount);
    if (doc.amountsAre !== 'no_tax') tax = tax.plus(lineTax(amount, taxRateOf(line, i), doc.amountsAre));
  });
  return totalsOfSums(amounts, tax, doc.amountsAre);
}

/** Journal debits (positive) and credits (negative) after rounding each line to 2 dp. */
export function journalSums(amounts: readonly DecimalLike[]): { debits: string; credits: string; net: string } {
  let debits = ZERO;
  let credits = ZERO;
  for (const a of amounts) {
    const r = roundHalfUp(a, 2);
    if (r.isNegative()) credits = credits.plus(r);
    else debits = debits.plus(r);
  }
  return { debits: debits.toFixed(2), credits: credits.toFixed(2), net: debits.plus(credits).toFixed(2) };
}

/** A value that is not zero but rounds to 0.00 at 2 dp: Xero rejects it ("Account must be valid"). */
export function isBelowHalfCent(v: DecimalLike): boolean {
  const d = toDecimal(v);
  return !d.isZero() && d.abs().lt('0.005');
}

/** The tax rate of a Xero TaxType as a Decimal percent (EffectiveRate may come as number or string). */
export function ratePercent(effectiveRate: number | string | undefined): Decimal {
  return new Decimal(effectiveRate ?? 0);
}
