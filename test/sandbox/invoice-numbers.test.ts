/**
 * The sandbox finds an invoice by its number through its number index, as it did by walking every
 * invoice: a POST naming an existing sales invoice's number updates that invoice (case aside), a
 * renumbered invoice answers to its new number only, a deleted one to none, and a bill sharing a sales
 * invoice's number (bills' numbers are not unique) is not taken for it. Among many invoices the right
 * one is found (the walk made every POST slower than the last as an organisation filled up).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, clientToken, control, withSandbox } from './helpers';

type Invoice = { InvoiceID: string; InvoiceNumber: string; Type: string; Status: string; SubTotal: number; Reference?: string };

test('invoices by number: updated in place, renumbered, deleted, beside bills with the same number, among many', async () => {
  await withSandbox(async (s) => {
    const t = await clientToken(s);
    await control(s, 'PUT', '/limits', { enabled: false });
    const line = (amount: number) => [{ Description: 'x', Quantity: 1, UnitAmount: amount, AccountCode: '200' }];
    const many = Array.from({ length: 300 }, (_, i) => ({ Type: 'ACCREC', InvoiceNumber: `N-${i}`, Contact: { Name: 'Boom FM' }, Date: '2026-01-05', Status: 'DRAFT', LineItems: line(10) }));
    assert.equal((await call(s, t, 'PUT', '/Invoices', { body: { Invoices: many } })).status, 200);
    // A bill with the number of a sales invoice: bills are numbered by their suppliers.
    const bill = {
      Type: 'ACCPAY',
      InvoiceNumber: 'N-7',
      Contact: { Name: 'Supplier Ltd' },
      Date: '2026-01-05',
      Status: 'DRAFT',
      LineItems: [{ Description: 'y', Quantity: 1, UnitAmount: 5, AccountCode: '300' }],
    };
    assert.equal((await call(s, t, 'PUT', '/Invoices', { body: { Invoices: [bill] } })).status, 200);

    const post = async (invoice: Record<string, unknown>) => ((await call(s, t, 'POST', '/Invoices', { body: { Invoices: [invoice] } })).json as { Invoices: Invoice[] }).Invoices[0] as Invoice;
    const byNumber = async (n: string) => ((await call(s, t, 'GET', `/Invoices?InvoiceNumbers=${encodeURIComponent(n)}`)).json as { Invoices: Invoice[] }).Invoices;

    const before = (await byNumber('N-250')).find((i) => i.Type === 'ACCREC') as Invoice;
    const updated = await post({ Type: 'ACCREC', InvoiceNumber: 'n-250', Contact: { Name: 'Boom FM' }, Date: '2026-01-05', Status: 'DRAFT', Reference: 'second', LineItems: line(20) });
    assert.equal(updated.InvoiceID, before.InvoiceID, 'the number (in any case) names the invoice it updates');
    assert.equal(updated.SubTotal, 20);

    // Renumbered: the old number names nothing more, a POST of it makes a new invoice.
    const renamed = await post({ InvoiceID: before.InvoiceID, InvoiceNumber: 'N-250-B' });
    assert.equal(renamed.InvoiceNumber, 'N-250-B');
    const fresh = await post({ Type: 'ACCREC', InvoiceNumber: 'N-250', Contact: { Name: 'Boom FM' }, Date: '2026-01-05', Status: 'DRAFT', LineItems: line(30) });
    assert.notEqual(fresh.InvoiceID, before.InvoiceID);
    const again = await post({ Type: 'ACCREC', InvoiceNumber: 'N-250-b', Contact: { Name: 'Boom FM' }, Date: '2026-01-05', Status: 'DRAFT', LineItems: line(40) });
    assert.equal(again.InvoiceID, before.InvoiceID);

    // Deleted: its number names nothing, the next POST creates.
    const target = (await byNumber('N-3'))[0] as Invoice;
    await post({ InvoiceID: target.InvoiceID, Status: 'DELETED' });
    const afterDelete = await post({ Type: 'ACCREC', InvoiceNumber: 'N-3', Contact: { Name: 'Boom FM' }, Date: '2026-01-05', Status: 'DRAFT', LineItems: line(50) });
    assert.notEqual(afterDelete.InvoiceID, target.InvoiceID);
    assert.equal(afterDelete.Status, 'DRAFT');

    // N-7: the sales invoice came first, so a POST of that number updates it and leaves the bill alone.
    const sales7 = (await byNumber('N-7')).find((i) => i.Type === 'ACCREC') as Invoice;
    const bill7 = (await byNumber('N-7')).find((i) => i.Type === 'ACCPAY') as Invoice;
    const post7 = await post({ Type: 'ACCREC', InvoiceNumber: 'N-7', Contact: { Name: 'Boom FM' }, Date: '2026-01-05', Status: 'DRAFT', LineItems: line(70) });
    assert.equal(post7.InvoiceID, sales7.InvoiceID);
    assert.equal(((await byNumber('N-7')).find((i) => i.InvoiceID === bill7.InvoiceID) as Invoice).SubTotal, 5);
  });
});
