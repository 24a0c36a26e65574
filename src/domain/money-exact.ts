/**
 * Exact fixed-point arithmetic on BigInt for the hot money paths (line amounts, taxes and totals of
 * every exported document), giving exactly what money.ts's decimal.js formulas give, or nothing.
 *
 * Why it agrees: decimal.js rounds each operation's result to `Decimal.precision` significant digits
 * (20), half-up. Every sum, difference and product below is computed only when its exact result has at
 * most that many digits, so decimal.js computed it exactly too; the one division that is not exact
 * (inclusive tax, amount × r / (100 + r)) is rounded to that precision half-up first, as decimal.js
 * does, then to cents. When a bound is passed, or a value is not a plain decimal, these return
 * undefined and money.ts uses decimal.js. No floats: numbers are only read as their decimal text.
 * test/domain/money.property.test.ts checks the results against the former implementation.
 */
import { Decimal } from 'decimal.js';

/** value = n / 10^s */
export interface Fixed {
  n: bigint;
  s: number;
}

const PLAIN_RE = /^(-?)(\d+)(?:\.(\d+))?$/;
const TEN = 10n;
const pow10Cache: bigint[] = [];
export function pow10(k: number): bigint {
  let p = pow10Cache[k];
  if (p === undefined) pow10Cache[k] = p = TEN ** BigInt(k);
  return p;
}

/** The decimal.js settings these results assume: digits kept per operation, or undefined when rounding is not half-up. */
function precision(): number | undefined {
  return Decimal.rounding === Decimal.ROUND_HALF_UP ? Decimal.precision : undefined;
}

/** True when |n| has at most `digits` digits (so decimal.js holds it exactly). */
function fits(n: bigint, digits: number): boolean {
  return (n < 0n ? -n : n) < pow10(digits);
}

/** A plain decimal string, a finite number written without exponent, or a Decimal; otherwise undefined. */
export function fixedOf(v: unknown): Fixed | undefined {
  let text: string;
  if (typeof v === 'string') text = v;
  else if (v instanceof Decimal) {
    if (!v.isFinite()) return undefined;
    text = v.toFixed();
  } else if (typeof v === 'number') {
    if (!Number.isFinite(v) || Object.is(v, -0)) return undefined;
    text = String(v);
  } else return undefined;
  const m = PLAIN_RE.exec(text);
  if (!m) return undefined;
  const frac = m[3] ?? '';
  const n = BigInt(`${m[2] ?? ''}${frac}`);
  return { n: m[1] === '-' ? -n : n, s: frac.length };
}

/** n / 10^from rounded half away from zero to `to` places, as a count of 10^-to. */
export function roundScaled(n: bigint, from: number, to: number): bigint {
  if (from <= to) return n * pow10(to - from);
  const d = pow10(from - to);
  const neg = n < 0n;
  const a = neg ? -n : n;
  let q = a / d;
  if ((a % d) * 2n >= d) q += 1n;
  return neg ? -q : q;
}

/** `cents` (a count of 0.01) as toFixed(2) writes it. */
export function centsText(cents: bigint): string {
  const neg = cents < 0n;
  const digits = (neg ? -cents : cents).toString().padStart(3, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** A Fixed as Decimal#toFixed() writes it: no trailing zeros, "0" for zero. */
export function fixedText(f: Fixed): string {
  if (f.n === 0n) return '0';
  const neg = f.n < 0n;
  let digits = (neg ? -f.n : f.n).toString();
  let s = f.s;
  while (s > 0 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    s -= 1;
  }
  if (s > 0) {
    digits = digits.padStart(s + 1, '0');
    digits = `${digits.slice(0, -s)}.${digits.slice(-s)}`;
  }
  return `${neg ? '-' : ''}${digits}`;
}

/**
 * Xero's LineAmount in cents: quantity × unit × (100 − rate) / 100, rounded half-up to 2 dp, as
 * money.ts's lineAmount computes it with decimal.js.
 */
export function lineAmountCents(quantity: string, unitAmount: string, discountRate: string | null): bigint | undefined {
  const p = precision();
  const q = fixedOf(quantity);
  const u = fixedOf(unitAmount);
  const r = fixedOf(discountRate ?? '0');
  if (p === undefined || !q || !u || !r) return undefined;
  const qu = q.n * u.n;
  const rest = 100n * pow10(r.s) - r.n;
  if (!fits(qu, p) || !fits(rest, p)) return undefined;
  const product = qu * rest;
  // Dividing by 100 keeps the digits: exact when the product is.
  if (!fits(product, p)) return undefined;
  return roundScaled(product, q.s + u.s + r.s + 2, 2);
}

/** Tax on one line in cents (money.ts's lineTax), from its amount in cents and a percent rate. */
export function lineTaxCents(amountCents: bigint, rate: Fixed, inclusive: boolean): bigint | undefined {
  const p = precision();
  if (p === undefined) return undefined;
  if (rate.n === 0n || amountCents === 0n) return 0n;
  const product = amountCents * rate.n; // at 2 + rate.s places
  if (!fits(product, p)) return undefined;
  if (!inclusive) return roundScaled(product, 2 + rate.s + 2, 2); // ÷ 100 keeps the digits
  const divisor = rate.n + 100n * pow10(rate.s); // r + 100, at rate.s places
  if (divisor === 0n || !fits(divisor, p)) return undefined;
  // product / 10^(2+s) ÷ divisor / 10^s = product / (divisor × 100)
  const neg = product < 0n !== divisor < 0n;
  const a = product < 0n ? -product : product;
  const b = (divisor < 0n ? -divisor : divisor) * 100n;
  // decimal.js rounds the quotient to p significant digits: M × 10^-e with 10^(p-1) ≤ M < 10^p.
  let e = p - (a.toString().length - b.toString().length) - 1;
  for (;;) {
    const num = e >= 0 ? a * pow10(e) : a;
    const den = e >= 0 ? b : b * pow10(-e);
    let m = num / den;
    if (m < pow10(p - 1)) {
      e += 1;
      continue;
    }
    if (m >= pow10(p)) {
      e -= 1;
      continue;
    }
    if ((num % den) * 2n >= den) m += 1n; // half-up (m may reach 10^p: the same value, one digit more)
    // Then to 2 dp, half-up.
    const cents = e <= 2 ? m * pow10(2 - e) : roundScaled(m, e, 2);
    return neg ? -cents : cents;
  }
}

/** Whether decimal.js adds these cents exactly: every partial sum within the precision. */
export function sumFits(absTotal: bigint): boolean {
  const p = precision();
  return p !== undefined && absTotal < pow10(p);
}
