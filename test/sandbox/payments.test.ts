/** /Payments over HTTP, driven by xero-node: creating, the paid document's totals and status, validation, listing, deleting. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Invoice, type Payment, PaymentDelete } from 'xero-node';
import { NZ, call, clientToken, control, sdk, sdkError, withSandbox } from './helpers';
import type { Sandbox } from '../../src/sandbox/index';

type Doc = {
  InvoiceID?: string;
  CreditNoteID?: string;
  Status: string;
  AmountPaid?: number;
  AmountDue?: number;
  RemainingCredit?: number;
  FullyPaidOnDate?: string;
  Payments: Array<{ PaymentID: string; Amount: number }>;
  UpdatedDateUTC: string;
};
type PaymentJson = {
  PaymentID: string;
  Amount: number;
  Status: string;
  PaymentType: string;
  Account: { Code: string };
  Invoice: { InvoiceID: string; Type: string; Status: string };
  UpdatedDateUTC: string;
};

async function invoice(s: Sandbox, t: string, o: { status?: string; type?: string; amount?: number } = {}): Promise<string> {
  const r = await call(s, t, 'PUT', '/Invoices', {
    body: {
      Invoices: [
        {
          Type: o.type ?? 'ACCREC',
          Contact: { Name: o.type === 'ACCPAY' ? 'PowerDirect' : 'Boom FM' },
          Date: '2026-03-01',
          DueDate: '2026-03-31',
          Status: o.status ?? 'AUTHORISED',
          LineItems: [{ Description: 'x', Quantity: 1, UnitAmount: o.amount ?? 100, AccountCode: o.type === 'ACCPAY' ? '300' : '200' }],
        },
      ],
    },
  });
  assert.equal(r.status, 200, r.text);
  return (r.json as { Invoices: Array<{ InvoiceID: string }> }).Invoices[0]?.InvoiceID ?? '';
}

async function doc(s: Sandbox, t: string, id: string, path = 'Invoices'): Promise<Doc> {
  const r = await call(s, t, 'GET', `/${path}/${id}`);
  return ((r.json as Record<string, Doc[]>)[path] ?? [])[0] as Doc;
}

const errorsOf = (body: unknown): string[] =>
  ((body as { Elements?: Array<{ ValidationErrors: Array<{ Message: string }> }> }).Elements ?? []).flatMap((e) => e.ValidationErrors.map((v) => v.Message));

test('a partial then a full payment through xero-node: AmountPaid, AmountDue, PAID with FullyPaidOnDate, Payments list', async () => {
  await withSandbox(async (s) => {
    const t = await clientToken(s);
    const xero = await sdk(s);
    const id = await invoice(s, t);
    const first = await xero.accountingApi.createPayments(NZ, { payments: [{ invoice: { invoiceID: id }, account: { code: '090' }, date: '2026-03-10', amount: 40, reference: 'part' }] });
    const p1 = first.body.payments?.[0];
    assert.equal(p1?.amount, 40);
    assert.equal(String(p1?.paymentType), 'ACCRECPAYMENT');
    assert.equal(String(p1?.status), 'AUTHORISED');
    assert.equal(p1?.invoice?.invoiceID, id);
    let d = await doc(s, t, id);
    assert.deepEqual([d.Status, d.AmountPaid, d.AmountDue, d.FullyPaidOnDate], ['AUTHORISED', 40, 75, undefined]);
    assert.deepEqual(
      d.Payments.map((p) => [p.PaymentID, p.Amount]),
      [[p1?.paymentID, 40]],
    );
    const second = await xero.accountingApi.createPayment(NZ, { invoice: { invoiceID: id }, account: { code: '090' }, date: '2026-03-20', amount: 75 } as Payment);
    assert.equal(second.body.payments?.[0]?.amount, 75);
    d = await doc(s, t, id);
    assert.deepEqual([d.Status, d.AmountPaid, d.AmountDue, d.FullyPaidOnDate], ['PAID', 115, 0, `/Date(${Date.parse('2026-03-20T00:00:00Z')}+0000)/`]);
    assert.equal(d.Payments.length, 2);
    const sdkInvoice = (await xero.accountingApi.getInvoice(NZ, id)).body.invoices?.[0];
    assert.equal(sdkInvoice?.status, Invoice.StatusEnum.PAID);
    assert.equal(sdkInvoice?.payments?.length, 2);
  });
});

test('validation: overpayment, DRAFT and VOIDED documents, unknown, non-bank and missing accounts; summarizeErrors=false tags each element', async () => {
  await withSandbox(async (s) => {
    const t = await clientToken(s);
    const xero = await sdk(s);
    const id = await invoice(s, t);
    const draft = await invoice(s, t, { status: 'DRAFT' });
    const voided = await invoice(s, t);
    await call(s, t, 'POST', `/Invoices/${voided}`, { body: { Status: 'VOIDED' } });
    const pay = (invoiceID: string, extra: Partial<Payment> = {}): Payment => ({ invoice: { invoiceID }, account: { code: '090' }, date: '2026-03-10', amount: 10, ...extra });
    const cases: Array<[Payment, string[]]> = [
      [pay(id, { amount: 115.01 }), ['Payment amount exceeds the amount outstanding on this document']],
      [pay(draft), ['Payments can only be made against Authorised documents']],
      [pay(voided), ['Payments can only be made against Authorised documents', 'Payment amount exceeds the amount outstanding on this document']],
      [pay(id, { account: { code: '999' } }), ['Account must be valid.']],
      [pay(id, { account: { code: '200' } }), ['Account must be valid.']],
      [pay(id, { account: undefined }), ['You must specify an Account code or Account ID for the payment']],
      [pay('00000000-0000-0000-0000-00000000beef'), ['The invoice or credit note for this payment could not be found.']],
    ];
    for (const [p, expected] of cases) {
      const e = await sdkError(xero.accountingApi.createPayments(NZ, { payments: [p] }));
      assert.equal(e.response.statusCode, 400);
      assert.deepEqual(errorsOf(e.response.body), expected, JSON.stringify(p));
    }
    const mixed = await call(s, t, 'PUT', '/Payments?summarizeErrors=false', {
      body: {
        Payments: [
          { Invoice: { InvoiceID: id }, Account: { Code: '090' }, Amount: 15 },
          { Invoice: { InvoiceID: draft }, Account: { Code: '090' }, Amount: 1 },
        ],
      },
    });
    assert.equal(mixed.status, 200);
    const els = (mixed.json as { Payments: Array<{ StatusAttributeString: string; HasValidationErrors?: boolean }> }).Payments;
    assert.deepEqual(
      els.map((e) => e.StatusAttributeString),
      ['OK', 'ERROR'],
    );
    assert.equal(els[1]?.HasValidationErrors, true);
    assert.equal((await doc(s, t, id)).AmountPaid, 15, 'only the valid element was applied');
    assert.equal((await doc(s, t, draft)).AmountPaid, 0);
  });
});

test('Idempotency-Key: a retried PUT /Payments is replayed, not paid twice', async () => {
  await withSandbox(async (s) => {
    const t = await clientToken(s);
    const id = await invoice(s, t);
    const body = { Payments: [{ Invoice: { InvoiceID: id }, Account: { Code: '090' }, Amount: 30 }] };
    const a = await call(s, t, 'PUT', '/Payments', { body, headers: { 'idempotency-key': 'pay-once' } });
    const b = await call(s, t, 'PUT', '/Payments', { body, headers: { 'idempotency-key': 'pay-once' } });
    assert.equal(a.status, 200);
    assert.equal(b.text, a.text);
    assert.equal((await doc(s, t, id)).AmountPaid, 30);
    const other = await call(s, t, 'PUT', '/Payments', { body: { Payments: [{ ...body.Payments[0], Amount: 31 }] }, headers: { 'idempotency-key': 'pay-once' } });
    assert.equal(other.status, 400);
    assert.match(other.text, /is used with a different request/);
  });
});

test('GET /Payments: by id, paged, where, order, If-Modified-Since; credit notes and bills', async () => {
  await withSandbox(async (s) => {
    const t = await clientToken(s);
    const xero = await sdk(s);
    const sale = await invoice(s, t);
    const bill = await invoice(s, t, { type: 'ACCPAY', amount: 50 });
    const cn = await call(s, t, 'PUT', '/CreditNotes', {
      body: { Type: 'ACCRECCREDIT', Contact: { Name: 'Boom FM' }, Date: '2026-03-02', Status: 'AUTHORISED', LineItems: [{ Quantity: 1, UnitAmount: 20, AccountCode: '200' }] },
    });
    const cnId = (cn.json as { CreditNotes: Array<{ CreditNoteID: string }> }).CreditNotes[0]?.CreditNoteID ?? '';
    await call(s, t, 'PUT', '/Payments', {
      body: {
        Payments: [
          { Invoice: { InvoiceID: sale }, Account: { Code: '090' }, Amount: 10 },
          { Invoice: { InvoiceID: bill }, Account: { Code: '091' }, Amount: 57.5 },
        ],
      },
    });
    await control(s, 'POST', '/clock', { advanceSeconds: 60 });
    const since = new Date(Date.now() + 30_000);
    const cnPay = await call(s, t, 'PUT', '/Payments', { body: { CreditNote: { CreditNoteID: cnId }, Account: { Code: '090' }, Amount: 23 } });
    const cnPayment = (cnPay.json as { Payments: PaymentJson[] }).Payments[0];
    assert.deepEqual([cnPayment?.PaymentType, cnPayment?.Invoice.Type, cnPayment?.Invoice.InvoiceID], ['ARCREDITPAYMENT', 'ACCRECCREDIT', cnId]);
    const credit = await doc(s, t, cnId, 'CreditNotes');
    assert.deepEqual([credit.Status, credit.RemainingCredit], ['PAID', 0]);
    const all = (await xero.accountingApi.getPayments(NZ)).body.payments ?? [];
    assert.equal(all.length, 3);
    assert.deepEqual(all.map((p) => String(p.paymentType)).sort(), ['ACCPAYPAYMENT', 'ACCRECPAYMENT', 'ARCREDITPAYMENT']);
    const one = (await xero.accountingApi.getPayment(NZ, cnPayment?.PaymentID ?? '')).body.payments ?? [];
    assert.equal(one[0]?.amount, 23);
    const modified = (await xero.accountingApi.getPayments(NZ, since)).body.payments ?? [];
    assert.deepEqual(
      modified.map((p) => p.paymentID),
      [cnPayment?.PaymentID],
      'If-Modified-Since: only the later payment',
    );
    const where = (await xero.accountingApi.getPayments(NZ, undefined, 'PaymentType=="ACCPAYPAYMENT"')).body.payments ?? [];
    assert.deepEqual(
      where.map((p) => p.amount),
      [57.5],
    );
    const ordered = (await xero.accountingApi.getPayments(NZ, undefined, undefined, 'Amount DESC', 1, 2)).body;
    assert.deepEqual(
      ordered.payments?.map((p) => p.amount),
      [57.5, 23],
    );
    assert.deepEqual([ordered.pagination?.page, ordered.pagination?.pageCount, ordered.pagination?.itemCount], [1, 2, 3]);
    assert.equal((await call(s, t, 'GET', '/Payments/00000000-0000-0000-0000-000000000000')).status, 404);
  });
});

test('deleting a payment reverses it: PAID back to AUTHORISED, listed as DELETED, cannot be deleted twice', async () => {
  await withSandbox(async (s) => {
    const t = await clientToken(s);
    const xero = await sdk(s);
    const id = await invoice(s, t);
    const created = await xero.accountingApi.createPayments(NZ, { payments: [{ invoice: { invoiceID: id }, account: { code: '090' }, amount: 115 }] });
    const pid = created.body.payments?.[0]?.paymentID ?? '';
    assert.equal((await doc(s, t, id)).Status, 'PAID');
    const before = (await doc(s, t, id)).UpdatedDateUTC;
    await control(s, 'POST', '/clock', { advanceSeconds: 5 });
    const deleted = await xero.accountingApi.deletePayment(NZ, pid, { status: 'DELETED' } as PaymentDelete);
    assert.equal(String(deleted.body.payments?.[0]?.status), 'DELETED');
    const d = await doc(s, t, id);
    assert.deepEqual([d.Status, d.AmountPaid, d.AmountDue, d.FullyPaidOnDate, d.Payments.length], ['AUTHORISED', 0, 115, undefined, 0]);
    assert.notEqual(d.UpdatedDateUTC, before);
    const listed = (await xero.accountingApi.getPayments(NZ, undefined, 'Status=="DELETED"')).body.payments ?? [];
    assert.deepEqual(
      listed.map((p) => p.paymentID),
      [pid],
    );
    const again = await sdkError(xero.accountingApi.deletePayment(NZ, pid, { status: 'DELETED' } as PaymentDelete));
    assert.deepEqual(errorsOf(again.response.body), ['This payment has already been deleted.']);
    const edit = await call(s, t, 'POST', `/Invoices/${id}`, { body: { Reference: 'editable again' } });
    assert.equal(edit.status, 200, 'with its payment removed the invoice can be edited');
  });
});
