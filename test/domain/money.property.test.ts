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
