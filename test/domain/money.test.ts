import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { documentTotals, journalSums, lineTax, money, roundHalfUp, xeroLineValues } from '../../src/domain/money.ts';
import type { ItemDocument } from '../../src/domain/documents.ts';
import { salesInvoice, doc } from './fixtures.ts';

const at15 = () => 15;

test("Xero's worked example: 25.06, 25.61, 25.63 at 15% → tax 11.44, total 87.74", () => {
  const d = salesInvoice(['25.06', '25.61', '25.63'].map((unitPrice) => ({ description: 'x', quantity: 1, unitPrice }))) as ItemDocument;
  assert.deepEqual(documentTotals(d, at15), { subTotal: '76.30', totalTax: '11.44', total: '87.74' });
});

test('half-up rounding as Xero: 2.165 → 2.17, 2.164 → 2.16, negatives symmetric', () => {
  assert.equal(money('2.165'), '2.17');
  assert.equal(money('2.164'), '2.16');
  assert.equal(money('-2.165'), '-2.17');
  assert.equal(roundHalfUp('1.23456', 4).toFixed(), '1.2346');
});

test('inclusive lines: tax = amount × r / (1 + r) per line', () => {
  const d = salesInvoice(
    [
      { description: 'a', quantity: 1, unitPrice: '55.00' },
      { description: 'b', quantity: 3, unitPrice: '9.99' },
    ],
    { amountsAre: 'inclusive' },
  ) as ItemDocument;
  // 55.00 → tax 7.17 (55×15/115 = 7.1739); 29.97 → 3.91 (3.9091)
  assert.deepEqual(documentTotals(d, at15), { subTotal: '73.89', totalTax: '11.08', total: '84.97' });
  assert.equal(lineTax('55.00', 10, 'inclusive').toFixed(2), '5.00');
});

test('no_tax documents carry no tax; discounts apply before tax', () => {
  const nt = salesInvoice([{ description: 'a', quantity: 2, unitPrice: '10' }], { amountsAre: 'no_tax' }) as ItemDocument;
  assert.deepEqual(documentTotals(nt, at15), { subTotal: '20.00', totalTax: '0.00', total: '20.00' });
  const disc = salesInvoice([{ description: 'a', quantity: 3, unitPrice: '19.95', discountRate: '12.5' }]) as ItemDocument;
  // 3 × 19.95 × 0.875 = 52.36875 → 52.37; tax 7.8555 → 7.86
  assert.deepEqual(documentTotals(disc, at15), { subTotal: '52.37', totalTax: '7.86', total: '60.23' });
});

test('unit prices are rounded first at 2 dp when unitdp is 2; negative quantity flips to a negative unit', () => {
  const d = salesInvoice([{ description: 'a', quantity: 3, unitPrice: '0.3333' }]) as ItemDocument;
  assert.equal(documentTotals(d, () => 0, { unitdp: 2 }).total, '0.99');
  assert.equal(documentTotals(d, () => 0, { unitdp: 4 }).total, '1.00');
  const neg = salesInvoice([{ description: 'a', quantity: -2, unitPrice: '5' }]) as ItemDocument;
  const line = neg.kind === 'sales_invoice' ? neg.lines[0] : undefined;
  assert.ok(line);
  assert.deepEqual(xeroLineValues(line, true, 4), { quantity: '2', unitAmount: '-5', discountRate: null });
  assert.equal(documentTotals(neg, at15).total, '-11.50');
});

test('purchase documents fold the discount into the unit amount (ACCPAY has no discounts)', () => {
  const bill = doc({ kind: 'purchase_bill', sourceId: 'PO-1', date: '2026-11-20', contact: 'SUP-1', lines: [{ description: 'a', quantity: 1, unitPrice: '100', discountRate: 10 }] });
  assert.ok(bill.kind === 'purchase_bill');
  const [line] = bill.lines;
  assert.ok(line);
  assert.deepEqual(xeroLineValues(line, false, 4), { quantity: '1', unitAmount: '90', discountRate: null });
});

test('journal sums round each line', () => {
  assert.deepEqual(journalSums(['120.004', '-120.004']), { debits: '120.00', credits: '-120.00', net: '0.00' });
  assert.deepEqual(journalSums(['0.005', '-0.005']), { debits: '0.01', credits: '-0.01', net: '0.00' });
});

// Property: totals equal a straightforward reference computation of per-line rounding (in integer
// ten-thousandths, no decimal library), for random exclusive documents.
const lineArb = fc.record({
  qty: fc.integer({ min: 1, max: 99_999 }), // ten-thousandths: 0.0001 .. 9.9999
  unit: fc.integer({ min: -9_999_999, max: 9_999_999 }), // hundredths: -99999.99 .. 99999.99
  rate: fc.constantFrom(0, 15, 10, 12.5),
});

function refRoundDiv(n: bigint, d: bigint): bigint {
  // half away from zero
  const neg = n < 0n;
  const a = neg ? -n : n;
  const q = (a * 2n + d) / (2n * d);
  return neg ? -q : q;
}

test('property: document totals equal a reference per-line computation', () => {
  fc.assert(
    fc.property(fc.array(lineArb, { minLength: 1, maxLength: 8 }), (lines) => {
      const d = salesInvoice(
        lines.map((l) => ({
          description: 'x',
          quantity: new Decimal(l.qty).div(10_000).toFixed(),
          unitPrice: new Decimal(l.unit).div(100).toFixed(),
        })),
      ) as ItemDocument;
      let sub = 0n;
      let tax = 0n;
      for (const l of lines) {
        const cents = refRoundDiv(BigInt(l.qty) * BigInt(l.unit), 10_000n); // qty(1e-4) × unit(1e-2) → 1e-6, to cents
        const t = refRoundDiv(cents * BigInt(Math.round(l.rate * 10)), 1000n);
        sub += cents;
        tax += t;
      }
      const fmt = (c: bigint) => new Decimal(c.toString()).div(100).toFixed(2);
      const got = documentTotals(d, (_l, i) => lines[i]?.rate ?? 0);
      assert.deepEqual(got, { subTotal: fmt(sub), totalTax: fmt(tax), total: fmt(sub + tax) });
    }),
    { numRuns: 300 },
  );
});

test('expectedTotals uses the tax mapping and the cached rates (and ignores dropped lines)', async () => {
  const { expectedTotals } = await import('../../src/domain/totals.ts');
  const { defaultSettings } = await import('../../src/domain/settings.ts');
  const { demoReference } = await import('./fixtures.ts');
  const d = salesInvoice([
    { description: 'a', unitPrice: '25.06', taxCode: 'G.S.T.' },
    { description: 'b', unitPrice: '25.61', taxCode: 'G.S.T.' },
    { description: 'c', unitPrice: '25.63' /* account 200's default: OUTPUT2 */ },
    { description: 'd', unitPrice: '10', taxCode: 'NONE' },
    { description: 'e', unitPrice: '0.001', taxCode: 'G.S.T.' },
  ]);
  assert.deepEqual(expectedTotals(d, { settings: defaultSettings(), reference: demoReference(), dropped: [{ line: 4 }] }), { subTotal: '86.30', totalTax: '11.44', total: '97.74' });
  assert.equal(expectedTotals(doc({ kind: 'customer', sourceId: 'C', name: 'N' }), { settings: defaultSettings(), reference: demoReference() }), null);
});
