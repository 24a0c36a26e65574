/**
 * Documents left waiting for a contact that is already in Xero (a database written before the
 * contact's export and the release of its documents shared one transaction, and a crash fell between
 * them) are released by the worker's repair at start: the link is recorded, each invoice reaches Xero
 * exactly once, one Connection Log entry says what was repaired. The state is built by hand through
 * the repositories, the way the old code left it. A contact whose export failed is not repaired.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';
import { waitUntil } from '../helpers/processes';
import { repairStuckContactWaits } from '../../src/engine/stuck-waits';
import { assertExported, countInvoices, customer, exportOf, logMessages, post, purchaseBill, salesInvoice, supplier, xeroSend } from './helpers';

const WAIT = (id: string) => `waiting for ${id}`;

/** A contact made in Xero, its export marked exported the old way: no link, nothing released. */
async function exportedWithoutLink(h: Harness, sourceId: string, name: string, doc = customer(sourceId, name)): Promise<string> {
  const made = await xeroSend(h, 'PUT', '/Contacts', { Contacts: [{ Name: name }] });
  const xeroId = String((made.Contacts as Array<{ ContactID: string }>)[0]?.ContactID);
  const [contactExport = 0] = await post(h, doc);
  await h.rt.store.exports.markExported(contactExport, { xeroId, xeroNumber: null, xeroTotal: null });
  return xeroId;
}

for (const kind of databaseKinds()) {
  describe(`documents stuck waiting for a contact already in Xero (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(kind, { sandbox: { limits: { enabled: false } } });
    });
    after(async () => h.close());

    test('a starting worker links the contact and exports the waiting invoices once, and logs it once', { timeout: 60_000 }, async () => {
      const { store } = h.rt;
      const xeroId = await exportedWithoutLink(h, 'CUST-9', 'Stuck Customer');
      const [si1 = 0, si2 = 0, si3 = 0] = await post(h, salesInvoice('SI-ST1', 'CUST-9'), salesInvoice('SI-ST2', 'CUST-9'), salesInvoice('SI-ST3', 'CUST-9'));
      for (const id of [si1, si2, si3]) await store.exports.setWaiting(id, WAIT('CUST-9'), 'customer:CUST-9');
      // One of them had given up waiting (Failed Exports, contact never received), keeping its wait key.
      assert.ok(await store.exports.failContactWait(si3, { message: 'never received', code: 'contact_never_received', errorClass: 'validation', action: 'post it' }));
      // Linked by a person, never exported by xport: also released, and the person's link is kept.
      const linkedXeroId = String(((await xeroSend(h, 'PUT', '/Contacts', { Contacts: [{ Name: 'Linked Customer' }] })).Contacts as Array<{ ContactID: string }>)[0]?.ContactID);
      const [si4 = 0] = await post(h, salesInvoice('SI-ST4', 'CUST-12'));
      await store.exports.setWaiting(si4, WAIT('CUST-12'), 'customer:CUST-12');
      // (set after it waits: setWaiting itself releases a document whose contact is linked)
      await store.contacts.set(h.tenantId, { contactKind: 'customer', sourceId: 'CUST-12', xeroContactId: linkedXeroId, linkedBy: 'user' });
      // Control: the contact's export failed, so its document keeps waiting (the contact-wait rules are unchanged).
      const [badContact = 0, si5 = 0] = await post(h, customer('CUST-13', 'Failed Customer'), salesInvoice('SI-ST5', 'CUST-13'));
      await store.exports.markFailed(badContact, { message: 'bad email', code: 'validation', errorClass: 'validation', action: 'fix it' });
      await store.exports.setWaiting(si5, WAIT('CUST-13'), 'customer:CUST-13');
      // A supplier too (its own wait key prefix).
      await exportedWithoutLink(h, 'SUP-9', 'Stuck Supplier', supplier('SUP-9', 'Stuck Supplier'));
      const [bill = 0] = await post(h, purchaseBill('BILL-ST1', 'SUP-9'));
      await store.exports.setWaiting(bill, WAIT('SUP-9'), 'supplier:SUP-9');
      for (const id of [si1, si2, si4, si5, bill]) assert.equal((await exportOf(h, id)).status, 'waiting');

      const worker = h.rt.workers[0];
      assert.ok(worker);
      worker.start();
      try {
        const done = await waitUntil(async () => (await Promise.all([si1, si2, si3, si4, bill].map((id) => exportOf(h, id)))).every((e) => e.status === 'exported'), 30_000);
        assert.ok(done, 'the stuck invoices were exported');
      } finally {
        await worker.stop();
      }
      for (const id of [si1, si2, si3, si4, bill]) assertExported(await exportOf(h, id));
      for (const n of ['SI-ST1', 'SI-ST2', 'SI-ST3', 'SI-ST4', 'BILL-ST1']) assert.equal(await countInvoices(h, n), 1, `${n} is in Xero exactly once`);
      const invoice = (await h.xeroGet('/Invoices?InvoiceNumbers=SI-ST1')).Invoices as Array<{ Contact: { ContactID: string } }>;
      assert.equal(invoice[0]?.Contact.ContactID, xeroId, 'sent to the contact the export recorded');
      assert.deepEqual(await store.contacts.get(h.tenantId, 'customer', 'CUST-9'), { contactKind: 'customer', sourceId: 'CUST-9', xeroContactId: xeroId, linkedBy: 'export', archived: false });
      assert.equal((await store.contacts.get(h.tenantId, 'customer', 'CUST-12'))?.linkedBy, 'user');
      assert.equal((await exportOf(h, si5)).status, 'waiting');
      assert.equal(await countInvoices(h, 'SI-ST5'), 0);

      // Once per contact, and not again on later sweeps (nothing is stuck any more).
      assert.deepEqual((await logMessages(h, 'which was already in Xero', 'info')).sort(), [
        'released 1 document waiting for CUST-12, which was already in Xero',
        'released 1 document waiting for SUP-9, which was already in Xero',
        'released 3 documents waiting for CUST-9, which was already in Xero',
      ]);
      assert.equal((await store.contacts.get(h.tenantId, 'supplier', 'SUP-9'))?.linkedBy, 'export');
      assert.equal(await repairStuckContactWaits(store, h.rt.bus, new Date()), 0, 'a later sweep finds nothing more to repair');
    });

    test('two repairs at once (two workers) release each document once and log it once', async () => {
      const { store } = h.rt;
      await exportedWithoutLink(h, 'CUST-20', 'Twice Repaired');
      const ids = await post(h, ...['SI-TW1', 'SI-TW2', 'SI-TW3', 'SI-TW4'].map((n) => salesInvoice(n, 'CUST-20')));
      for (const id of ids) await store.exports.setWaiting(id, WAIT('CUST-20'), 'customer:CUST-20');
      const counts = await Promise.all([repairStuckContactWaits(store, h.rt.bus, new Date()), repairStuckContactWaits(store, h.rt.bus, new Date())]);
      assert.equal(counts[0] + counts[1], 4, `released ${counts.join(' + ')}`);
      for (const id of ids) assert.equal((await exportOf(h, id)).status, 'queued');
      assert.deepEqual(await logMessages(h, 'waiting for CUST-20', 'info'), ['released 4 documents waiting for CUST-20, which was already in Xero']);
    });
  });
}
