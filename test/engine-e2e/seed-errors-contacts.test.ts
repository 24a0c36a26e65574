/**
 * The contact rows of the seed's error table (account number taken, GST number, email, name taken,
 * archived, merged), from ingest to a failed export with its class, code and Action Required, then the
 * fix a bookkeeper makes and a retry that succeeds. The document rows: seed-errors.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertExported } from './helpers';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';
import {
  assertActionable,
  contactIdByName,
  control,
  countInvoices,
  customer,
  exportOf,
  logMessages,
  patchSettings,
  post,
  purchaseBill,
  retry,
  salesInvoice,
  supplier,
  xeroList,
  xeroSend,
} from './helpers';

for (const kind of databaseKinds()) {
  describe(`seed errors of contacts: fail with a bookkeeper's action, then fix and retry (${kind})`, () => {
    let h: Harness;
    before(async () => {
      // Limits off: this file makes more than 60 calls a minute; the limits have tests of their own.
      h = await startHarness(kind, { sandbox: { limits: { enabled: false } }, runtime: { noClientLimits: true } });
      await post(h, customer('CUST-S01', 'Seed Row Customer'), supplier('SUP-S01', 'Seed Row Supplier'));
      await h.drain();
    });
    after(async () => h.close());
    test('Account Number already exists: turning off "send customer code as account number" fixes it', async () => {
      await xeroSend(h, 'PUT', '/Contacts', { Contacts: [{ Name: 'Harbourview Trust', AccountNumber: 'CUST-050' }] });
      const [id, invId] = await post(h, customer('CUST-050', 'Harbourview Holdings'), salesInvoice('SO-AN-1', 'CUST-050'));
      await h.drain();
      assertActionable(await exportOf(h, id!), {
        code: 'contact_account_number_exists',
        errorClass: 'conflict',
        error: /Account Number already exists/,
        action: /Send customer code as Xero account number/,
      });
      const waiting = await exportOf(h, invId!);
      assert.equal(waiting.status, 'waiting');
      assert.match(waiting.reason ?? '', /waiting for CUST-050/);

      await patchSettings(h, { sendCustomerCodeAsAccountNumber: false });
      await retry(h, id!);
      await h.drain();
      assertExported(await exportOf(h, id!));
      assert.equal((await exportOf(h, invId!)).status, 'exported', 'the invoice waiting for the contact exported by itself');
      await patchSettings(h, { sendCustomerCodeAsAccountNumber: true });
    });

    test('GST number invalid: the supplier fails, its bill waits for it, and a new revision with a valid number exports both', async () => {
      const [supId, billId] = await post(h, supplier('SUP-090', 'Ironbark Imports', { taxNumber: '12' }), purchaseBill('PO-GST-1', 'SUP-090'));
      await h.drain();
      assertActionable(await exportOf(h, supId!), { code: 'contact_tax_number_invalid', errorClass: 'validation', error: /"12".*GST/, action: /GST\/VAT number/ });
      const bill = await exportOf(h, billId!);
      assert.equal(bill.status, 'waiting');
      assert.match(bill.reason ?? '', /^waiting for SUP-090, whose export failed/);

      const [rev2] = await post(h, supplier('SUP-090', 'Ironbark Imports', { taxNumber: '123-456-789', revision: 2 }));
      await h.drain();
      assert.equal((await exportOf(h, rev2!)).status, 'exported');
      assert.equal((await exportOf(h, supId!)).status, 'skipped', 'the failed revision is superseded');
      assert.equal((await exportOf(h, billId!)).status, 'exported');
      const [c] = await xeroList(h, '/Contacts?where=' + encodeURIComponent('Name=="Ironbark Imports"'));
      assert.equal(c?.TaxNumber, '123-456-789');
    });

    test('email invalid: fails before sending with the rules; a new revision with one valid address exports', async () => {
      const [id] = await post(h, customer('CUST-091', 'Greenway Florists', { email: 'accounts@greenway.test, orders@greenway.test' }));
      await h.drain();
      assertActionable(await exportOf(h, id!), {
        code: 'email_invalid',
        errorClass: 'validation',
        error: /accounts@greenway\.test, orders@greenway\.test/,
        action: /exactly one address, no commas, spaces/,
      });
      const [rev2] = await post(h, customer('CUST-091', 'Greenway Florists', { email: 'accounts@greenway.test', revision: 2 }));
      await h.drain();
      assert.equal((await exportOf(h, rev2!)).status, 'exported');
    });

    test('contact name already assigned: linking to the existing Xero contact exports the contact and its invoice', async () => {
      const [id, invId] = await post(h, customer('CUST-092', 'Boom FM'), salesInvoice('SO-NAME-1', 'CUST-092'));
      await h.drain();
      assertActionable(await exportOf(h, id!), {
        code: 'contact_name_exists',
        errorClass: 'conflict',
        error: /The contact name Boom FM is already assigned to another contact/,
        action: /link this customer or supplier to the existing Xero contact "Boom FM"/,
      });
      // Pressing Export without a fix fails again the same way (it must not quietly adopt the other contact).
      await retry(h, id!);
      await h.drain();
      assert.equal((await exportOf(h, id!)).errorCode, 'contact_name_exists');

      const boom = await contactIdByName(h, 'Boom FM');
      const link = await h.api('POST', '/api/v1/contacts/customer/CUST-092/link', { xeroContactId: boom });
      assert.equal(link.status, 200, JSON.stringify(link.json));
      await h.drain();
      const linked = await exportOf(h, id!);
      assert.equal(linked.status, 'exported');
      assert.equal(linked.xeroId, boom);
      assert.equal((await exportOf(h, invId!)).status, 'exported');
      const [inv] = await xeroList(h, '/Invoices?InvoiceNumbers=SO-NAME-1');
      assert.equal((inv?.Contact as { ContactID: string }).ContactID, boom);
      assert.ok((await logMessages(h, 'CUST-092')).some((m) => /linked customer CUST-092/.test(m)));
    });

    test('contact archived in Xero: the bill fails; un-archiving in Xero and retrying exports it', async () => {
      const [, firstBill] = await post(h, supplier('SUP-080', 'Old Mill Packaging'), purchaseBill('PO-ARC-0', 'SUP-080'));
      await h.drain();
      assert.equal((await exportOf(h, firstBill!)).status, 'exported');
      const contactId = await contactIdByName(h, 'Old Mill Packaging');
      await control(h, 'POST', `/organisations/${h.tenantId}/contacts/${contactId}/archive`);

      const [id] = await post(h, purchaseBill('PO-ARC-1', 'SUP-080'));
      await h.drain();
      assertActionable(await exportOf(h, id!), { code: 'contact_archived', errorClass: 'conflict', error: /archived/, action: /restore it in Xero.*link this customer or supplier/s });
      await xeroSend(h, 'POST', `/Contacts/${contactId}`, { ContactID: contactId, ContactStatus: 'ACTIVE' });
      await retry(h, id!);
      await h.drain();
      assertExported(await exportOf(h, id!));
      assert.equal(await countInvoices(h, 'PO-ARC-1'), 1);
    });

    test('contact merged in Xero: linking the supplier to the other Xero contact re-exports its failed bill there', async () => {
      const contactId = await contactIdByName(h, 'Old Mill Packaging');
      await control(h, 'POST', `/organisations/${h.tenantId}/contacts/${contactId}/archive`);
      const [id] = await post(h, purchaseBill('PO-ARC-2', 'SUP-080'));
      await h.drain();
      assert.equal((await exportOf(h, id!)).errorCode, 'contact_archived');

      const merged = await contactIdByName(h, 'PowerDirect');
      const link = await h.api('POST', '/api/v1/contacts/supplier/SUP-080/link', { xeroContactId: merged });
      assert.equal(link.status, 200);
      assert.ok((link.json as { requeued: number }).requeued >= 1);
      await h.drain();
      assertExported(await exportOf(h, id!));
      const [bill] = await xeroList(h, '/Invoices?InvoiceNumbers=PO-ARC-2');
      assert.equal((bill?.Contact as { ContactID: string }).ContactID, merged);
    });
  });
}
