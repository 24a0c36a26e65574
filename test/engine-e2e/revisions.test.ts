/**
 * New revisions of exported documents: an update in Xero where Xero allows it, a failed export with a
 * clear action where it does not (paid, voided).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';
import { assertActionable, assertExported, control, countInvoices, customer, exportOf, invoiceLine, post, salesInvoice, xeroList } from './helpers';

for (const kind of databaseKinds()) {
  describe(`revisions of exported invoices (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(kind, { sandbox: { limits: { enabled: false } }, runtime: { noClientLimits: true } });
      await post(h, customer('CUST-R01', 'Revision Customer'));
      await h.drain();
    });
    after(async () => h.close());

    test('a new revision updates the same Xero invoice', async () => {
      const [first] = await post(h, salesInvoice('SO-REV-1', 'CUST-R01'));
      await h.drain();
      const before = await exportOf(h, first!);
      assertExported(before);
      const [second] = await post(h, salesInvoice('SO-REV-1', 'CUST-R01', { revision: 2, lines: [invoiceLine({ quantity: 5 })] }));
      await h.drain();
      const updated = await exportOf(h, second!);
      assertExported(updated);
      assert.equal(updated.xeroId, before.xeroId);
      const invoices = await xeroList(h, '/Invoices?InvoiceNumbers=SO-REV-1');
      assert.equal(invoices.length, 1);
      assert.equal(Number(invoices[0]?.Total), 114.71); // 5 × 19.95 = 99.75 + 15% GST 14.96
    });

    test('a paid invoice cannot be updated: the revision fails and says what to do', async () => {
      const [first] = await post(h, salesInvoice('SO-REV-2', 'CUST-R01'));
      await h.drain();
      assertExported(await exportOf(h, first!));
      await control(h, 'POST', `/organisations/${h.tenantId}/payments`, { InvoiceNumber: 'SO-REV-2' });
      const [second] = await post(h, salesInvoice('SO-REV-2', 'CUST-R01', { revision: 2, lines: [invoiceLine({ quantity: 3 })] }));
      await h.drain();
      const failed = await exportOf(h, second!);
      assert.ok(['document_not_modifiable', 'document_has_allocation'].includes(failed.errorCode ?? ''), failed.errorCode ?? '');
      assertActionable(failed, { code: failed.errorCode ?? '', errorClass: 'conflict', error: /payment|not of valid status/i, action: /payment.*Skip/is });
      assert.equal(await countInvoices(h, 'SO-REV-2'), 1);
      assert.equal((await xeroList(h, '/Invoices?InvoiceNumbers=SO-REV-2'))[0]?.Status, 'PAID');
    });

    test('a voided invoice cannot be updated: the revision fails and says what to do', async () => {
      const [first] = await post(h, salesInvoice('SO-REV-3', 'CUST-R01'));
      await h.drain();
      assertExported(await exportOf(h, first!));
      await control(h, 'POST', `/organisations/${h.tenantId}/invoices/SO-REV-3/void`);
      const [second] = await post(h, salesInvoice('SO-REV-3', 'CUST-R01', { revision: 2 }));
      await h.drain();
      assertActionable(await exportOf(h, second!), { code: 'document_not_modifiable', errorClass: 'conflict', error: /not of valid status for modification/, action: /void|Skip/ });
      assert.equal((await xeroList(h, '/Invoices?InvoiceNumbers=SO-REV-3'))[0]?.Status, 'VOIDED');
    });
  });
}
