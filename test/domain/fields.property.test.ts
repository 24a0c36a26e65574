/**
 * Property: canonicalDecimalText (digits as text, no Decimal) gives what the Decimal-based parser it
 * replaced gave, on hostile spellings: padding, signs, leading and trailing zeros, too many places or
 * integer digits, exponents, numbers of every size.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { canonicalDecimal, canonicalDecimalText } from '../../src/domain/fields';

/** The former parseDecimalInput, kept here as the reference. */
function reference(v: unknown, maxDp: number): string | undefined {
  let text: string;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return undefined;
    text = String(v);
  } else if (typeof v === 'string') {
    text = v.trim();
  } else {
    return undefined;
  }
  if (!/^-?\d+(\.\d+)?$/.test(text)) return undefined;
  const [intPart = '', frac = ''] = text.replace('-', '').split('.');
  if (frac.length > maxDp) return undefined;
  if (intPart.replace(/^0+/, '').length > 13) return undefined;
  return canonicalDecimal(text);
}

const digits = (n: number) => fc.string({ unit: fc.constantFrom('0', '0', '1', '4', '5', '9'), minLength: 0, maxLength: n });
const spelled = fc
  .tuple(fc.constantFrom('', '', '-', '+', '--'), digits(16), fc.constantFrom('', '.', '.', 'e', ','), digits(7), fc.constantFrom('', ' ', '\t', '\u00a0', 'e5'))
  .map(([sign, i, dot, f, tail]) => `${sign}${i}${dot}${f}${tail}`);
const input: fc.Arbitrary<unknown> = fc.oneof(
  spelled,
  spelled.map((s) => ` ${s} `),
  fc.double(),
  fc.integer().map((n) => n / 10_000),
  fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map((n) => Number(n) / 100),
  fc.constantFrom<unknown>(null, undefined, true, [], {}, -0, 0, 1e21, 1e-7, '١٢٣', '0x1F', 'Infinity', 'NaN'),
);

test('canonicalDecimalText agrees with the Decimal-based parser', () => {
  fc.assert(
    fc.property(input, fc.constantFrom(0, 2, 4, 6), (v, maxDp) => {
      assert.equal(canonicalDecimalText(v, maxDp), reference(v, maxDp));
    }),
    { numRuns: 20_000 },
  );
});

test('canonical decimals are Decimal.js normal notation of the same value', () => {
  for (const [text, want] of [
    ['-0.000', '0'],
    ['000.5000', '0.5'],
    ['-00012.3400', '-12.34'],
    ['9999999999999.9999', '9999999999999.9999'],
    ['0.0001', '0.0001'],
  ] as const) {
    assert.equal(canonicalDecimalText(text, 4), want);
    assert.equal(new Decimal(text).isZero() ? '0' : new Decimal(text).toFixed(), want);
  }
});
