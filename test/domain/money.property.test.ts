/**
 * Property: the money functions give what they gave before issue 19 (test/domain/money-reference.ts),
 * on hostile decimals (up to 13 integer digits and 4 places, negatives, zeros, sub-cent values),
 * discounts from 0 to 100 %, odd tax rates, both unit precisions, every kind and tax mode, many
 * lines and lines left out. Totals, line values, line amounts, tax per line, exact values, journal sums.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ItemDocument, ItemLine } from '../../src/domain/documents';
import * as now from '../../src/domain/money';
import * as exact from '../../src/domain/money-exact';
import * as before from './money-reference';

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom('0', '1', '2', '4', '5', '9'), minLength: min, maxLength: max });
/** A canonical decimal as validation leaves it: no leading or trailing zeros, "0" for zero. */
const decimal = (maxInt: number, maxDp: number, negative = true): fc.Arbitrary<string> =>
  fc
    .oneof(
      { weight: 3, arbitrary: fc.tuple(fc.boolean(), digits(1, maxInt), digits(0, maxDp)) },
      { weight: 2, arbitrary: fc.tuple(fc.boolean(), digits(1, 3), digits(0, maxDp)) },
      { weight: 1, arbitrary: fc.tuple(fc.boolean(), fc.constant('0'), fc.constantFrom('', '0001', '0049', '005', '0051', '4999', '5', '995')) },
    )
    .map(([neg, i, f]) => {
      const int = i.replace(/^0+/, '') || '0';
      const frac = f.slice(0, maxDp).replace(/0+$/, '');
      const text = `${int}${frac ? `.${frac}` : ''}`;
      return text === '0' ? '0' : negative && neg ? `-${text}` : text;
    });

const discount = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('0', '100', '12.5', '33.3333', '99.9999', '0.0001', '50'),
  decimal(2, 4, false).filter((d) => Number(d) <= 100),
);
const line: fc.Arbitrary<ItemLine> = fc.record({ description: fc.constant('x'), quantity: decimal(13, 4), unitPrice: decimal(13, 4), discountRate: discount }).map((l) => {
  const out: Record<string, unknown> = { description: l.description, quantity: l.quantity, unitPrice: l.unitPrice };
  if (l.discountRate !== undefined) out.discountRate = l.discountRate;
  return out as ItemLine;
});
const smallLine: fc.Arbitrary<ItemLine> = fc.record({ description: fc.constant('x'), quantity: decimal(4, 4), unitPrice: decimal(5, 4), discountRate: discount }).map((l) => ({ ...l }) as ItemLine);
const taxRate = fc.constantFrom<number | string>(0, 15, 10, 12.5, '33.3333', 100, '0.0001', '7.25', 20);

const document = fc.record({
  kind: fc.constantFrom('sales_invoice', 'sales_credit', 'purchase_bill', 'supplier_credit'),
  amountsAre: fc.constantFrom('exclusive', 'inclusive', 'no_tax'),
  lines: fc.oneof(fc.array(fc.oneof(line, smallLine), { minLength: 1, maxLength: 8 }), fc.array(smallLine, { minLength: 50, maxLength: 300 })),
  rates: fc.array(taxRate, { minLength: 1, maxLength: 5 }),
  unitdp: fc.constantFrom<2 | 4>(2, 4),
  skip: fc.array(fc.nat(300), { maxLength: 5 }),
});

test('documentTotals, line values, amounts and taxes agree with the former implementation', () => {
  fc.assert(
    fc.property(document, (d) => {
      const doc = { kind: d.kind, sourceId: 'S', date: '2026-01-01', contact: 'C', amountsAre: d.amountsAre, lines: d.lines } as ItemDocument;
      const rateOf = (_l: ItemLine, i: number) => d.rates[i % d.rates.length] ?? 0;
      const opts = { unitdp: d.unitdp, skip: new Set(d.skip) };
      assert.deepEqual(now.documentTotals(doc, rateOf, opts), before.documentTotals(doc, rateOf, opts));
      const discounts = now.xeroAppliesDiscount(doc.kind);
      doc.lines.forEach((l, i) => {
        const v = now.xeroLineValues(l, discounts, d.unitdp);
        assert.deepEqual({ ...v }, before.xeroLineValues(l, discounts, d.unitdp));
        const amount = now.lineAmount(v);
        assert.equal(amount.toFixed(), before.lineAmount(v).toFixed());
        // Asked again (memoised), and for values that are not frozen.
        assert.equal(now.lineAmount(v).toFixed(), amount.toFixed());
        assert.equal(now.lineAmount({ ...v }).toFixed(), amount.toFixed());
        assert.equal(now.exactLineValue(l).toFixed(), before.exactLineValue(l).toFixed());
        const r = rateOf(l, i);
        assert.equal(now.lineTax(amount, r, doc.amountsAre).toFixed(), before.lineTax(amount, r, doc.amountsAre).toFixed());
        assert.equal(now.lineTax(amount.toFixed(2), String(r), doc.amountsAre).toFixed(), before.lineTax(amount.toFixed(2), String(r), doc.amountsAre).toFixed());
      });
    }),
    { numRuns: 1500 },
  );
});

test('journal sums, half-cent checks and rounding agree with the former implementation', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(decimal(13, 4), decimal(2, 4)), { minLength: 0, maxLength: 40 }), (amounts) => {
      assert.deepEqual(now.journalSums(amounts), before.journalSums(amounts));
      for (const a of amounts) {
        assert.equal(now.isBelowHalfCent(a), before.isBelowHalfCent(a));
        assert.equal(now.money(a), before.money(a));
        assert.equal(now.roundHalfUp(a, 4).toFixed(), before.roundHalfUp(a, 4).toFixed());
      }
    }),
    { numRuns: 2000 },
  );
});

test('exact integer cents agree with decimal.js for line amounts and taxes, near the precision bound too', () => {
  const rate = fc.oneof(taxRate.map(String), decimal(3, 4), decimal(1, 4), fc.constantFrom('-100', '-99.9999', '-50', '1000'));
  fc.assert(
    fc.property(
      decimal(13, 4),
      decimal(13, 4),
      discount,
      rate,
      fc.constantFrom('exclusive', 'inclusive') as fc.Arbitrary<'exclusive' | 'inclusive'>,
      (quantity, unitAmount, discountRate, r, amountsAre) => {
        const v = { quantity, unitAmount, discountRate: discountRate ?? null };
        const cents = exact.lineAmountCents(quantity, unitAmount, v.discountRate);
        const amount = before.lineAmount(v);
        if (cents !== undefined) assert.equal(exact.centsText(cents), amount.toFixed(2));
        assert.equal(now.lineAmountIsZero(v), amount.isZero());
        const rf = exact.fixedOf(r);
        assert.ok(rf);
        const amountCents = exact.fixedOf(amount.toFixed(2));
        assert.ok(amountCents);
        if (r === '-100' && amountsAre === 'inclusive') return; // decimal.js divides by zero there; the exact path declines
        const t = exact.lineTaxCents(amountCents.n, rf, amountsAre === 'inclusive');
        if (t !== undefined) assert.equal(exact.centsText(t), before.lineTax(amount, r, amountsAre).toFixed(2));
      },
    ),
    { numRuns: 20_000 },
  );
});

test('inclusive tax: the quotient is rounded to 20 digits first, as decimal.js does', () => {
  // amount × r / (100 + r) with long quotients, amounts of many digits and rates with 4 places.
  fc.assert(
    fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.bigInt({ min: 1n, max: 10n ** 7n }), (cents, rate) => {
      const r = exact.fixedOf(`${rate / 10_000n}.${String(rate % 10_000n).padStart(4, '0')}`);
      assert.ok(r);
      const t = exact.lineTaxCents(cents, r, true);
      const want = before.lineTax(exact.centsText(cents), `${rate / 10_000n}.${String(rate % 10_000n).padStart(4, '0')}`, 'inclusive').toFixed(2);
      if (t !== undefined) assert.equal(exact.centsText(t), want);
    }),
    { numRuns: 20_000 },
  );
});

test('inclusive tax where rounding to 20 digits first changes the cents: still as decimal.js', () => {
  // Amounts whose tax in cents, amount × r / (100 + r), sits just under a half cent: decimal.js rounds
  // the quotient to 20 significant digits first, which can carry it over the half (double rounding).
  let differs = 0;
  for (const rateText of ['0.0001', '0.0003', '0.001', '1', '7', '9.0909', '12.5', '15']) {
    const rate = exact.fixedOf(rateText);
    assert.ok(rate);
    const divisor = rate.n + 100n * 10n ** BigInt(rate.s);
    for (let k = 1n; k < 60n; k += 1n) {
      for (const big of [10n ** 17n, 10n ** 15n, 10n ** 13n, 10n ** 11n]) {
        const near: bigint = ((2n * (k + big) + 1n) * divisor) / (2n * rate.n);
        for (const cents of [near - 1n, near, near + 1n, -near] as bigint[]) {
          const t = exact.lineTaxCents(cents, rate, true);
          const want: string = before.lineTax(exact.centsText(cents), rateText, 'inclusive').toFixed(2);
          if (t === undefined) continue;
          assert.equal(exact.centsText(t), want, `${exact.centsText(cents)} at ${rateText} %`);
          const plain = (cents < 0n ? -1n : 1n) * (((cents < 0n ? -cents : cents) * rate.n * 2n + divisor) / (2n * divisor));
          if (plain !== t) differs += 1;
        }
      }
    }
  }
  assert.ok(differs > 100, `only ${differs} cases where the 20-digit rounding mattered`);
});

test('line values of raw (unvalidated) decimals agree with the former implementation', () => {
  const raw = fc.oneof(
    fc.tuple(fc.constantFrom('', '-'), digits(1, 14), digits(0, 7)).map(([s, i, f]) => `${s}${i}${f ? `.${f}` : ''}`),
    fc.constantFrom('-0', '0', '-0.00001', '-0.00005', '0.00005', '-1.00005', '1.99995', '-0.0000', '00.10', '1e3', ' 1', '+2'),
  );
  const rawLine = fc.record({ quantity: raw, unitPrice: raw, discountRate: fc.option(fc.oneof(raw, fc.constantFrom('0', '-0', '100')), { nil: undefined }) });
  fc.assert(
    fc.property(rawLine, fc.boolean(), fc.constantFrom<2 | 4>(2, 4), (l, discounts, unitdp) => {
      const line = { description: 'x', ...l } as ItemLine;
      let want: unknown;
      try {
        want = before.xeroLineValues(line, discounts, unitdp);
      } catch {
        want = 'throws';
      }
      let got: unknown;
      try {
        got = { ...now.xeroLineValues(line, discounts, unitdp) };
      } catch {
        got = 'throws';
      }
      assert.deepEqual(got, want);
    }),
    { numRuns: 20_000 },
  );
});
