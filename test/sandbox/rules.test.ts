/** Business rules with Xero's exact messages, driven through xero-node over HTTP (docs/xero.md#validation-messages). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Invoice, type XeroClient } from 'xero-node';
import { AU, NZ, UK, control, sdk, sdkError, withSandbox } from './helpers';
import { schemaErrors } from './schema';

type Line = { description?: string; quantity?: number; unitAmount?: number; accountCode?: string; taxType?: string; lineAmount?: number };
const sale = (lines: Line[], extra: Partial<Invoice> = {}): Invoice => ({
  type: Invoice.TypeEnum.ACCREC,
  contact: { name: 'Boom FM' },
  date: '2026-03-11',
  status: Invoice.StatusEnum.AUTHORISED,
  lineItems: lines,
  ...extra,
});
const line = (o: Line = {}): Line => ({ description: 'Item', quantity: 1, unitAmount: 10, accountCode: '200', taxType: 'OUTPUT2', ...o });

async function messages(xero: XeroClient, inv: Invoice, tenant = NZ): Promise<string[]> {
  const res = await xero.accountingApi.createInvoices(tenant, { invoices: [inv] }, false);
  const el = res.body.invoices?.[0];
  return (el?.validationErrors ?? []).map((v) => v.message ?? '');
}

test('line rules: unknown, archived, missing accounts; tax types; values below 0.005; negative quantity', async () => {
  await withSandbox(async (s) => {
    const xero = await sdk(s);
    assert.deepEqual(await messages(xero, sale([line({ accountCode: '999' })])), ["Account code '999' is not a valid code for this document."]);
    assert.deepEqual(await messages(xero, sale([line({ accountCode: '201' })])), ["Account code '201' has been archived, or has been deleted. Each line item must reference a valid account."]);
    assert.deepEqual(await messages(xero, sale([line({ accountCode: undefined })])), ['Account code or ID must be specified']);
    assert.deepEqual(await messages(xero, sale([line({ taxType: 'NOPE' })])), ['The TaxType code NOPE does not exist or cannot be used for this type of transaction.']);
    assert.deepEqual(await messages(xero, sale([line({ taxType: 'INPUT2' })])), ['The TaxType code INPUT2 does not exist or cannot be used for this type of transaction.']);
    assert.deepEqual(await messages(xero, sale([line({ accountCode: '300', taxType: 'OUTPUT2' })])), ["The TaxType code 'OUTPUT2' cannot be used with account code '300'."]);
    assert.deepEqual(await messages(xero, sale([line({ quantity: 1, unitAmount: 0.004 })])), ['Account must be valid.', 'Tax rate must be valid.']);
    assert.deepEqual(await messages(xero, sale([line({ quantity: -2 })])), ["The quantity value '-2.0000' is invalid. Quantity must not be less than zero."]);
    assert.deepEqual(await messages(xero, sale([])), ['One or more line items must be specified']);
    assert.deepEqual(await messages(xero, { ...sale([line()]), contact: undefined }), ['A Contact must be specified for this type of transaction']);
    assert.deepEqual(await messages(xero, sale([line()], { currencyCode: 'EUR' as never })), ['Organisation is not subscribed to currency EUR']);
    // A draft may leave the account out, as in Xero.
    assert.deepEqual(await messages(xero, sale([line({ accountCode: undefined })], { status: Invoice.StatusEnum.DRAFT })), []);
  });
});

test('lock dates: period and end-of-year, set through PATCH /_sandbox/organisations', async () => {
  await withSandbox(async (s) => {
    const xero = await sdk(s);
    assert.equal((await control(s, 'PATCH', `/organisations/${NZ}`, { PeriodLockDate: '2018-11-30' })).status, 200);
    assert.deepEqual(await messages(xero, sale([line()], { date: '2018-11-30' })), ['The document date cannot be before the period lock date, currently set at 30-Nov-2018']);
    assert.deepEqual(await messages(xero, sale([line()], { date: '2018-12-01' })), []);
    await control(s, 'PATCH', `/organisations/${NZ}`, { EndOfYearLockDate: '2018-06-30' });
    assert.deepEqual(await messages(xero, sale([line()], { date: '2018-01-05' })), ['The document date cannot be before the end of year lock date, currently set at 30-Jun-2018']);
    const org = await xero.accountingApi.getOrganisations(NZ);
    assert.equal(org.body.organisations?.[0]?.periodLockDate?.toString(), new Date('2018-11-30T00:00:00Z').toString());
    assert.equal(schemaErrors('Organisations', { Organisations: [{ PeriodLockDate: '/Date(1543536000000+0000)/' }] }), null);
    // Drafts are not locked.
    assert.deepEqual(await messages(xero, sale([line()], { date: '2018-01-05', status: Invoice.StatusEnum.DRAFT })), []);
  });
});

test('contact rules: unique names and numbers, e-mail, tax number by country, archived, identifiable', async () => {
  await withSandbox(async (s) => {
    const xero = await sdk(s);
    const msgs = async (c: Record<string, unknown>, tenant = NZ) => {
      const r = await xero.accountingApi.createContacts(tenant, { contacts: [c] }, false);
      return (r.body.contacts?.[0]?.validationErrors ?? []).map((v) => v.message);
    };
    assert.deepEqual(await msgs({ name: 'Ridgeway', accountNumber: 'CUST-1' }), []);
    assert.deepEqual(await msgs({ name: 'ridgeway' }), ['The contact name ridgeway is already assigned to another contact. The contact name must be unique across all active contacts.']);
    assert.deepEqual(await msgs({ name: 'Other', accountNumber: 'CUST-1' }), ['The Account Number already exists. Please enter a different Account Number.']);
    assert.deepEqual(await msgs({ name: 'Bad Mail', emailAddress: 'a@b.com, c@d.com' }), ['Email address must be valid.']);
    assert.deepEqual(await msgs({ name: 'GST', taxNumber: '12-34' }), ["Tax number '12-34' is not a valid NZ GST number (expected 8 or 9 digits, e.g. 123-456-789)."]);
    assert.deepEqual(await msgs({ name: 'GST ok', taxNumber: '123-456-789' }), []);
    assert.deepEqual(await msgs({ name: 'ABN bad', taxNumber: '51 824 753 557' }, AU), [
      "Tax number '51 824 753 557' is not a valid Australian ABN (expected 11 digits with a valid check digit, e.g. 51 824 753 556).",
    ]);
    assert.deepEqual(await msgs({ name: 'VAT ok', taxNumber: 'GB123456789' }, UK), []);
    assert.deepEqual(await msgs({ emailAddress: 'x@y.com' }), ['The Contact must contain at least 1 of the following elements to identify the contact: Name, ContactID, ContactNumber']);
    const list = await xero.accountingApi.getContacts(NZ, undefined, 'Name=="Ridgeway"');
    const id = list.body.contacts?.[0]?.contactID ?? '';
    assert.equal((await control(s, 'POST', `/organisations/${NZ}/contacts/${id}/archive`)).status, 200);
    assert.deepEqual(await msgs({ contactID: id, name: 'Ridgeway', emailAddress: 'new@x.com' }), [
      'The specified contact details matched an archived contact. Archived contacts cannot currently be edited via the API',
    ]);
    assert.deepEqual(await messages(xero, sale([line()], { contact: { contactID: id } })), [
      'The contact with the specified contact details has been archived. The contact must be un-archived before creating new invoices or credit notes.',
    ]);
    // An archived contact's name is free again; its account number is not.
    assert.deepEqual(await msgs({ name: 'Ridgeway' }), []);
    assert.equal(
      (await xero.accountingApi.getContacts(NZ)).body.contacts?.some((c) => c.contactID === id),
      false,
    );
    assert.equal(
      (await xero.accountingApi.getContacts(NZ, undefined, undefined, undefined, undefined, undefined, true)).body.contacts?.some((c) => c.contactID === id),
      true,
    );
  });
});

test('invoice numbers, status transitions, payments and voids', async () => {
  await withSandbox(async (s) => {
    const xero = await sdk(s);
    assert.deepEqual(await messages(xero, sale([line()], { invoiceNumber: 'S-1' })), []);
    assert.deepEqual(await messages(xero, sale([line()], { invoiceNumber: 'S-1' })), ['Invoice # must be unique.']);
    const bill = { ...sale([line({ accountCode: '300', taxType: 'INPUT2' })], { invoiceNumber: 'SUP-9' }), type: Invoice.TypeEnum.ACCPAY, contact: { name: 'PowerDirect' } };
    assert.deepEqual(await messages(xero, bill), []);
    assert.deepEqual(await messages(xero, bill), [], 'ACCPAY numbers are not unique');
    assert.deepEqual(await messages(xero, sale([line()], { status: Invoice.StatusEnum.PAID })), ['Invoice not of valid status for creation']);
    const inv = (await xero.accountingApi.getInvoice(NZ, 'S-1')).body.invoices?.[0];
    const id = inv?.invoiceID ?? '';
    const toDraft = await xero.accountingApi.updateInvoice(NZ, id, { invoices: [{ status: Invoice.StatusEnum.DRAFT }] }, undefined, undefined, undefined).catch((e: unknown) => e);
    assert.match(String(toDraft), /Invoice not of valid status for modification/);
    const pay = await control(s, 'POST', `/organisations/${NZ}/payments`, { InvoiceID: id, Amount: 5 });
    assert.equal(pay.status, 200);
    const edit = await sdkError(xero.accountingApi.updateInvoice(NZ, id, { invoices: [{ reference: 'changed' }] }));
    assert.equal(edit.response.statusCode, 400);
    assert.deepEqual(
      (edit.response.body as { Elements: Array<{ ValidationErrors: Array<{ Message: string }> }> }).Elements[0]?.ValidationErrors.map((v) => v.Message),
      ['This document cannot be edited as it has a payment or credit note allocated to it.'],
    );
    await control(s, 'POST', `/organisations/${NZ}/payments`, { InvoiceID: id });
    const paid = (await xero.accountingApi.getInvoice(NZ, id)).body.invoices?.[0];
    assert.equal(String(paid?.status), 'PAID');
    assert.equal(paid?.amountDue, 0);
    const voided = await control(s, 'POST', `/organisations/${NZ}/invoices/S-1/void`);
    assert.equal((voided.json as { Status: string }).Status, 'VOIDED');
    const again = await sdkError(xero.accountingApi.updateInvoice(NZ, id, { invoices: [{ reference: 'x' }] }));
    assert.match(JSON.stringify(again.response.body), /Invoice not of valid status for modification/);
  });
});

test('manual journals: balance, narration, accounts, lock dates; credit notes', async () => {
  await withSandbox(async (s) => {
    const xero = await sdk(s);
    const j = (lines: Array<[number, string]>) => ({
      narration: 'Stock take',
      date: '2026-03-01',
      status: 'POSTED' as never,
      journalLines: lines.map(([lineAmount, accountCode]) => ({ lineAmount, accountCode })),
    });
    const ok = await xero.accountingApi.createManualJournals(
      NZ,
      {
        manualJournals: [
          j([
            [120, '630'],
            [-120, '310'],
          ]),
        ],
      },
      false,
    );
    assert.equal(String(ok.body.manualJournals?.[0]?.statusAttributeString), 'OK');
    const bad = await xero.accountingApi.createManualJournals(
      NZ,
      {
        manualJournals: [
          j([
            [100, '630'],
            [-10, '310'],
          ]),
          j([
            [1, '999'],
            [-1, '310'],
          ]),
        ],
      },
      false,
    );
    assert.deepEqual(
      bad.body.manualJournals?.map((m) => m.validationErrors?.map((v) => v.message)),
      [['The total debits (100.00) must equal total credits (-10.00)'], ["Account code '999' is not a valid code for this document."]],
    );
    const tiny = await xero.accountingApi.createManualJournals(
      NZ,
      {
        manualJournals: [
          j([
            [0.004, '630'],
            [-0.004, '310'],
          ]),
        ],
      },
      false,
    );
    assert.deepEqual(
      tiny.body.manualJournals?.[0]?.validationErrors?.map((v) => v.message),
      ['Account must be valid.', 'Tax rate must be valid.'],
    );
    const cn = await xero.accountingApi.createCreditNotes(
      NZ,
      { creditNotes: [{ type: 'ACCRECCREDIT' as never, contact: { name: 'Boom FM' }, date: '2026-03-02', status: 'AUTHORISED' as never, lineItems: [line()] }] },
      false,
    );
    assert.equal(cn.body.creditNotes?.[0]?.creditNoteNumber, 'CN-0001');
    assert.equal(cn.body.creditNotes?.[0]?.total, 11.5);
    // A draft keeps its line but drops an unrecognised account, answering WARNING (the spec's example).
    const draft = await xero.accountingApi.createManualJournals(
      NZ,
      {
        manualJournals: [
          {
            ...j([
              [5, '476'],
              [-5, '310'],
            ]),
            status: 'DRAFT' as never,
          },
        ],
      },
      false,
    );
    const warned = draft.body.manualJournals?.[0];
    assert.equal(String(warned?.statusAttributeString), 'WARNING');
    assert.deepEqual(
      warned?.warnings?.map((w) => w.message),
      ["Account code '476' has been removed as it does not match a recognised account."],
    );
    assert.ok(!warned?.journalLines?.[0]?.accountCode, 'the unrecognised account is gone from the line');
    const list = await xero.accountingApi.getManualJournals(NZ);
    assert.equal(list.body.manualJournals?.length, 2);
  });
});

test('summarizeErrors absent: 400 with only the invalid elements, valid ones still created', async () => {
  await withSandbox(async (s) => {
    const xero = await sdk(s);
    const err = await sdkError(xero.accountingApi.createInvoices(NZ, { invoices: [sale([line()], { reference: 'good' }), sale([line({ accountCode: '999' })], { reference: 'bad' })] }));
    assert.equal(err.response.statusCode, 400);
    const body = err.response.body as { ErrorNumber: number; Type: string; Message: string; Elements: Array<Record<string, unknown>> };
    assert.equal(body.ErrorNumber, 10);
    assert.equal(body.Type, 'ValidationException');
    assert.equal(body.Message, 'A validation exception occurred');
    assert.equal(body.Elements.length, 1);
    assert.equal(body.Elements[0]?.Reference, 'bad');
    assert.equal(body.Elements[0]?.HasErrors, true);
    assert.equal(schemaErrors('Error', body), null);
    const all = await xero.accountingApi.getInvoices(NZ);
    assert.deepEqual(
      all.body.invoices?.map((i) => i.reference),
      ['good'],
    );
  });
});
