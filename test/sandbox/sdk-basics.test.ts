import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Contact, Invoice, LineAmountTypes } from 'xero-node';
import { NZ, sdk, withSandbox } from './helpers';

test('xero-node creates a contact and an invoice against the sandbox', async () => {
  await withSandbox(async (s) => {
    const xero = await sdk(s);
    const created = await xero.accountingApi.createContacts(NZ, { contacts: [{ name: 'Acme Ltd', emailAddress: 'ap@acme.example' }] }, false, 'key-contact-1');
    const contact = created.body.contacts?.[0] as Contact;
    assert.equal(contact.name, 'Acme Ltd');
    assert.equal(String(contact.statusAttributeString), 'OK');
    assert.ok(contact.contactID);
    const invoices = await xero.accountingApi.createInvoices(
      NZ,
      {
        invoices: [
          {
            type: Invoice.TypeEnum.ACCREC,
            contact: { contactID: contact.contactID },
            date: '2026-03-11',
            lineAmountTypes: LineAmountTypes.Exclusive,
            lineItems: [{ description: 'Widget', quantity: 2, unitAmount: 20, accountCode: '200', taxType: 'OUTPUT2' }],
            status: Invoice.StatusEnum.AUTHORISED,
          },
        ],
      },
      false,
      4,
      'key-invoice-1',
    );
    assert.equal(invoices.response.headers['x-minlimit-remaining'], '58');
    const inv = invoices.body.invoices?.[0];
    assert.equal(inv?.invoiceNumber, 'INV-0001');
    assert.equal(inv?.total, 46);
    assert.equal(inv?.totalTax, 6);
    assert.equal(inv?.hasErrors, false);
    const back = await xero.accountingApi.getInvoice(NZ, inv?.invoiceID ?? '');
    assert.equal(back.body.invoices?.[0]?.contact?.name, 'Acme Ltd');
    const journal = (await (await fetch(`${s.url}/_sandbox/requests?method=PUT`)).json()) as { requests: Array<{ idempotencyKey: string; elements: number; status: number }> };
    assert.deepEqual(
      journal.requests.map((r) => [r.idempotencyKey, r.elements, r.status]),
      [
        ['key-contact-1', 1, 200],
        ['key-invoice-1', 1, 200],
      ],
    );
  });
});
