/** Money as Xero does it (docs/xero.md#money-and-rounding): per-line half-up tax, unitdp, Inclusive/NoTax, overrides, discounts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, clientToken, withSandbox } from './helpers';

type Inv = { Total: number; TotalTax: number; SubTotal: number; TotalDiscount?: number; LineItems: Array<{ UnitAmount: number; LineAmount: number; TaxAmount: number; DiscountRate?: number }> };

async function put(s: Parameters<typeof call>[0], t: string, inv: Record<string, unknown>, q = ''): Promise<Inv> {
  const r = await call(s, t, 'PUT', `/Invoices?summarizeErrors=false${q}`, {
    body: { Invoices: [{ Contact: { Name: 'Boom FM' }, Date: '2026-02-01', Status: 'AUTHORISED', Type: 'ACCREC', ...inv }] },
  });
  const el = (r.json as { Invoices: Array<Inv & { ValidationErrors?: unknown }> }).Invoices[0];
  assert.ok(el && !el.ValidationErrors, JSON.stringify(el?.ValidationErrors));
  return el;
}

const l = (UnitAmount: number | string, extra: Record<string, unknown> = {}) => ({ Description: 'x', Quantity: 1, UnitAmount, AccountCode: '200', TaxType: 'OUTPUT2', ...extra });

test("tax per line, rounded half-up and summed: Xero's worked example gives 11.44, not 11.45", async () => {
  await withSandbox(async (s) => {
    const t = await clientToken(s);
    const inv = await put(s, t, { LineItems: [l(25.06), l(25.61), l(25.63)] });
    assert.deepEqual(
      inv.LineItems.map((x) => x.TaxAmount),
      [3.76, 3.84, 3.84],
    );
    assert.equal(inv.TotalTax, 11.44);
    assert.equal(inv.Total, 87.74);
    const half = await put(s, t, { LineItems: [l(14.1)] });
    assert.equal(half.TotalTax, 2.12, '2.115 rounds up');
  });
});

test('Inclusive, NoTax, TaxAmount override, unitdp=4, discounts on ACCREC only', async () => {
  await withSandbox(async (s) => {
    const t = await clientToken(s);
    const inc = await put(s, t, { LineAmountTypes: 'Inclusive', LineItems: [l(115)] });
    assert.deepEqual([inc.SubTotal, inc.TotalTax, inc.Total], [100, 15, 115]);
    const none = await put(s, t, { LineAmountTypes: 'NoTax', LineItems: [l(50)] });
    assert.deepEqual([none.SubTotal, none.TotalTax, none.Total], [50, 0, 50]);
    const over = await put(s, t, { LineItems: [l(100, { TaxAmount: 14.99 })] });
    assert.equal(over.TotalTax, 14.99);
    const two = await put(s, t, { LineItems: [l(1.23456, { Quantity: 3 })] });
    assert.equal(two.LineItems[0]?.UnitAmount, 1.23);
    assert.equal(two.LineItems[0]?.LineAmount, 3.69);
    const four = await put(s, t, { LineItems: [l(1.23456, { Quantity: 3 })] }, '&unitdp=4');
    assert.equal(four.LineItems[0]?.UnitAmount, 1.2346);
    assert.equal(four.LineItems[0]?.LineAmount, 3.7);
    const disc = await put(s, t, { LineItems: [l(200, { DiscountRate: 10 })] });
    assert.deepEqual([disc.LineItems[0]?.LineAmount, disc.TotalDiscount, disc.Total], [180, 20, 207]);
    const bill = await put(s, t, { Type: 'ACCPAY', Contact: { Name: 'PowerDirect' }, LineItems: [{ ...l(200, { DiscountRate: 10 }), AccountCode: '300', TaxType: 'INPUT2' }] });
    assert.equal(bill.LineItems[0]?.LineAmount, 200, 'bills ignore discounts');
    assert.equal(bill.LineItems[0]?.DiscountRate, undefined);
  });
});
