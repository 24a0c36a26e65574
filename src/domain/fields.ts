/**
 * Leaf field schemas shared by the document schemas: money and quantities as canonical decimal strings,
 * calendar dates, currency codes. Messages are written to be read after a path, e.g.
 * `lines[0].unitPrice: must be a decimal number with at most 4 decimal places, got "abc"`.
 */
import { Decimal } from 'decimal.js';
import { z } from 'zod';

/** Xero stores amounts with at most 13 integer digits (money columns are decimal(18,4)-like). */
const MAX_INTEGER_DIGITS = 13;

export function describeInput(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

/**
 * Canonical form: no leading zeros, no trailing fractional zeros, "-0" becomes "0".
 * One spelling per value, so that identical documents compare equal when re-posted.
 */
export function canonicalDecimal(text: string): string {
  const d = new Decimal(text);
  return d.isZero() ? '0' : d.toFixed();
}

/**
 * Plain decimal: optional minus, digits, optional fraction. No exponent, no "+", no spaces, no commas.
 * Groups: sign, integer digits, fraction digits.
 */
const DECIMAL_PARTS_RE = /^(-?)(\d+)(?:\.(\d+))?$/;
const LEADING_ZEROS_RE = /^0+/;
const TRAILING_ZEROS_RE = /0+$/;

/**
 * Parses a decimal given as string or number into its canonical form (as canonicalDecimal gives it);
 * undefined when it is not a plain decimal with at most `maxDp` places and 13 integer digits.
 * Works on the digits as text: no Decimal is built (test/domain/fields.property.test.ts checks it
 * against the Decimal-based form on generated input).
 */
export function canonicalDecimalText(v: unknown, maxDp: number): string | undefined {
  let text: string;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return undefined;
    text = String(v); // shortest round-trip form; tiny or huge numbers come out with an exponent and fail below
  } else if (typeof v === 'string') {
    text = v.trim();
  } else {
    return undefined;
  }
  const m = DECIMAL_PARTS_RE.exec(text);
  if (!m) return undefined;
  const rawFrac = m[3] ?? '';
  if (rawFrac.length > maxDp) return undefined;
  const int = (m[2] ?? '').replace(LEADING_ZEROS_RE, '');
  if (int.length > MAX_INTEGER_DIGITS) return undefined;
  const frac = rawFrac.replace(TRAILING_ZEROS_RE, '');
  if (int === '' && frac === '') return '0';
  return `${m[1] ?? ''}${int === '' ? '0' : int}${frac === '' ? '' : `.${frac}`}`;
}

export interface DecimalOptions {
  maxDp: number;
  min?: string;
  max?: string;
  /** e.g. "must be zero or more" */
  rangeMessage?: string;
}

/** A decimal given as a JSON string or number, normalised to a canonical decimal string. */
export function decimalField(o: DecimalOptions) {
  const expectation = `must be a decimal number with at most ${o.maxDp} decimal places`;
  return z
    .union([z.string(), z.number()], { error: (iss) => `${expectation}, got ${describeInput(iss.input)}` })
    .transform((v, ctx) => {
      const parsed = canonicalDecimalText(v, o.maxDp);
      if (parsed === undefined) {
        ctx.addIssue({ code: 'custom', message: `${expectation}, got ${describeInput(v)}`, input: v });
        return z.NEVER;
      }
      const d = o.min !== undefined || o.max !== undefined ? new Decimal(parsed) : null;
      if (d && ((o.min !== undefined && d.lt(o.min)) || (o.max !== undefined && d.gt(o.max)))) {
        const range = o.rangeMessage ?? `must be between ${o.min ?? '-∞'} and ${o.max ?? '∞'}`;
        ctx.addIssue({ code: 'custom', message: `${range}, got ${describeInput(v)}`, input: v });
        return z.NEVER;
      }
      return parsed;
    })
    .meta({
      description: `A decimal number, as a JSON string or number, with at most ${o.maxDp} decimal places${o.min !== undefined && o.max !== undefined ? ` (${o.min} to ${o.max})` : ''}`,
      pattern: `^\\s*-?0*\\d{1,${MAX_INTEGER_DIGITS}}(\\.\\d{1,${o.maxDp}})?\\s*$`,
      ...(o.min !== undefined ? { minimum: Number(o.min) } : {}),
      ...(o.max !== undefined ? { maximum: Number(o.max) } : {}),
    });
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD (so 2026-02-30 is false). */
export function isCalendarDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || mo < 1 || mo > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= days;
}

export const dateField = z
  .string({ error: (iss) => `must be a date as YYYY-MM-DD, got ${describeInput(iss.input)}` })
  .refine(isCalendarDate, { error: (iss) => `must be a real calendar date as YYYY-MM-DD, got ${describeInput(iss.input)}` })
  .meta({ format: 'date', description: 'A calendar date, YYYY-MM-DD' });

export const currencyField = z
  .string({ error: (iss) => `must be a 3-letter ISO currency code, got ${describeInput(iss.input)}` })
  .regex(/^[A-Z]{3}$/, { error: (iss) => `must be a 3-letter ISO currency code in capitals, got ${describeInput(iss.input)}` })
  .meta({ description: "A 3-letter ISO 4217 currency code; left out, the organisation's base currency" });

/** Non-empty trimmed text up to `max` characters. */
export function textField(max: number) {
  return z
    .string()
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` });
}
