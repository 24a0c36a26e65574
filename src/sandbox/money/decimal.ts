/** Decimal arithmetic with Xero's rounding: half-up ("2.165 rounded up to 2.17", docs/xero.md#money-and-rounding). */
import Decimal from 'decimal.js';

export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof Dec>;

export const ZERO = new Dec(0);

export function round2(d: Dec): Dec {
  return d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/** A JSON number or numeric string → Decimal; undefined/null → null; anything else → 'invalid'. */
export function parseAmount(v: unknown): Dec | null | 'invalid' {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? new Dec(v) : 'invalid';
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return new Dec(v.trim());
  return 'invalid';
}

/** Decimal string → JSON number, as Xero writes amounts. */
export function num(s: string): number {
  return Number(s);
}
