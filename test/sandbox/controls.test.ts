/**
 * Changes made "in Xero" through the sandbox controls (void, delete, edit, approve, pay) and the same
 * changes made by another app through the API: the same rules, a bumped UpdatedDateUTC that
 * If-Modified-Since picks up, and the same signed webhook events.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NZ, call, clientToken, control, sdk, withSandbox } from './helpers';
import type { Sandbox } from '../../src/sandbox/index';

const KEY = 'controls-webhook-key';
type Event = { eventCategory: string; eventType: string; resourceId: string; data?: { Type: string; Status: string } };
type Doc = {
  InvoiceID?: string;
  CreditNoteID?: string;
  Status: string;
  Date: string;
  Total: number;
  AmountPaid: number;
  AmountDue?: number;
  Contact: { Name: string };
  LineItems: Array<{ LineAmount: number; UnitAmount: number; TaxAmount: number }>;
  UpdatedDateUTC: string;
};

async function hooked(s: Sandbox): Promise<{ events: Event[]; close: () => Promise<void> }> {
  const events: Event[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const valid = createHmac('sha256', KEY).update(body).digest('base64') === req.headers['x-xero-signature'];
      if (valid) events.push(...(JSON.parse(body) as { events: Event[] }).events);
      res.statusCode = valid ? 200 : 401;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  assert.equal((await control(s, 'PUT', '/webhooks', { url: `http://127.0.0.1:${port}/`, key: KEY })).status, 200);
  return { events, close: () => new Promise((r) => server.close(() => r())) };
}

async function settle(events: Event[], n: number): Promise<Event[]> {
  const end = Date.now() + 3000;
  while (events.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 120));
  return events.splice(0);
}

async function create(s: Sandbox, t: string, status: string, path = 'Invoices', type = 'ACCREC'): Promise<string> {
  const r = await call(s, t, 'PUT', `/${path}`, {
    body: { Type: type, Contact: { Name: 'Boom FM' }, Date: '2026-03-01', DueDate: '2026-03-31', Status: status, LineItems: [{ Description: 'a', Quantity: 2, UnitAmount: 50, AccountCode: '200' }] },
  });
  assert.equal(r.status, 200, r.text);
  const el = (r.json as Record<string, Array<{ InvoiceID?: string; CreditNoteID?: string }>>)[path]?.[0];
  return el?.InvoiceID ?? el?.CreditNoteID ?? '';
}

const get = async (s: Sandbox, t: string, id: string, path = 'Invoices') => ((await call(s, t, 'GET', `/${path}/${id}`)).json as Record<string, Doc[]>)[path]?.[0] as Doc;

/** The ids that a list with If-Modified-Since returns. */
async function modifiedSince(s: Sandbox, t: string, path: string, since: number): Promise<string[]> {
  const r = await call(s, t, 'GET', `/${path}`, { headers: { 'if-modified-since': new Date(since).toISOString() } });
  return ((r.json as Record<string, Array<Record<string, string>>>)[path] ?? []).map((d) => d.InvoiceID ?? d.CreditNoteID ?? d.ContactID ?? d.ManualJournalID ?? d.PaymentID ?? '');
}

async function tick(s: Sandbox): Promise<number> {
  const r = (await control(s, 'POST', '/clock', { advanceSeconds: 10 })).json as { now: string };
  return Date.parse(r.now);
}

const doc = (tenant: string, id: string, action: string) => `/organisations/${tenant}/invoices/${id}/${action}`;

test('approve, edit (line amount, date, contact), pay, void and delete in Xero: rules, If-Modified-Since and webhook events', async () => {
  await withSandbox(async (s) => {
    const t = await clientToken(s);
    const hook = await hooked(s);
    try {
      const draft = await create(s, t, 'DRAFT');
      const other = await create(s, t, 'DRAFT');
      await settle(hook.events, 2);
      let since = await tick(s);
      const approved = await control(s, 'POST', doc(NZ, draft, 'approve'));
      assert.equal((approved.json as Doc).Status, 'AUTHORISED');
      assert.deepEqual(await modifiedSince(s, t, 'Invoices', since), [draft], 'approval bumps UpdatedDateUTC');
      assert.deepEqual(
        (await settle(hook.events, 1)).map((e) => [e.eventCategory, e.eventType, e.resourceId]),
        [['INVOICE', 'UPDATE', draft]],
      );
      assert.equal((await control(s, 'POST', doc(NZ, draft, 'approve'))).status, 400, 'already approved');

      since = await tick(s);
      const edited = await control(s, 'POST', doc(NZ, draft, 'edit'), { Date: '2026-03-05', Contact: { Name: 'City Limousines' }, Lines: [{ index: 0, LineAmount: 80 }] });
      assert.equal(edited.status, 200, JSON.stringify(edited.json));
      const e = await get(s, t, draft);
      assert.deepEqual(
        [e.Date, e.Contact.Name, e.LineItems[0]?.LineAmount, e.LineItems[0]?.UnitAmount, e.LineItems[0]?.TaxAmount, e.Total],
        [`/Date(${Date.parse('2026-03-05T00:00:00Z')}+0000)/`, 'City Limousines', 80, 40, 12, 92],
      );
      assert.deepEqual(await modifiedSince(s, t, 'Invoices', since), [draft]);
      assert.deepEqual(
        (await settle(hook.events, 1)).map((x) => [x.eventCategory, x.resourceId]),
        [['INVOICE', draft]],
      );
      await control(s, 'PATCH', `/organisations/${NZ}`, { PeriodLockDate: '2026-03-31' });
      const locked = await control(s, 'POST', doc(NZ, draft, 'edit'), { Lines: [{ index: 0, LineAmount: 81 }] });
      assert.equal(locked.status, 400);
      assert.match((locked.json as { error: string }).error, /period lock date, currently set at 31-Mar-2026/);
      await control(s, 'PATCH', `/organisations/${NZ}`, { PeriodLockDate: null });

      since = await tick(s);
      const part = await control(s, 'POST', doc(NZ, draft, 'pay'), { Amount: 42, Date: '2026-03-10' });
      assert.deepEqual([(part.json as Doc).Status, (part.json as Doc).AmountPaid, (part.json as Doc).AmountDue], ['AUTHORISED', 42, 50]);
      const payments = ((await call(s, t, 'GET', '/Payments')).json as { Payments: Array<{ Amount: number; Invoice: { InvoiceID: string } }> }).Payments;
      assert.deepEqual(
        payments.map((p) => [p.Amount, p.Invoice.InvoiceID]),
        [[42, draft]],
        'a payment made in Xero is listed by GET /Payments',
      );
      assert.deepEqual(await modifiedSince(s, t, 'Payments', since), [(payments[0] as unknown as { PaymentID: string }).PaymentID]);
      assert.equal((await control(s, 'POST', doc(NZ, draft, 'edit'), { Reference: 'x' })).status, 400, 'a document with a payment cannot be edited');
      const full = await control(s, 'POST', doc(NZ, draft, 'pay'), {});
      assert.equal((full.json as Doc).Status, 'PAID');
      const over = await control(s, 'POST', doc(NZ, draft, 'pay'), { Amount: 1 });
      assert.deepEqual(
        (over.json as { ValidationErrors: Array<{ Message: string }> }).ValidationErrors.map((v) => v.Message),
        ['Payments can only be made against Authorised documents', 'Payment amount exceeds the amount outstanding on this document'],
      );
      assert.equal((await settle(hook.events, 2)).filter((x) => x.resourceId === draft).length, 2, 'one event per payment');

      since = await tick(s);
      const voided = await control(s, 'POST', doc(NZ, draft, 'void'));
      assert.deepEqual([(voided.json as Doc).Status, (voided.json as Doc).AmountPaid], ['VOIDED', 0]);
      const statuses = ((await call(s, t, 'GET', '/Payments')).json as { Payments: Array<{ Status: string }> }).Payments.map((p) => p.Status);
      assert.deepEqual(statuses, ['DELETED', 'DELETED'], 'voiding in Xero removes the payments first');
      assert.deepEqual(await modifiedSince(s, t, 'Invoices', since), [draft]);

      const deleted = await control(s, 'POST', doc(NZ, other, 'delete'));
      assert.equal((deleted.json as Doc).Status, 'DELETED');
      const notDraft = await control(s, 'POST', doc(NZ, draft, 'delete'));
      assert.equal(notDraft.status, 400, 'only drafts are deleted');
      assert.deepEqual(
        (await settle(hook.events, 2)).map((x) => [x.eventCategory, x.eventType, x.resourceId]),
        [
          ['INVOICE', 'UPDATE', draft],
          ['INVOICE', 'UPDATE', other],
        ],
      );
      assert.equal((await control(s, 'POST', doc(NZ, '00000000-0000-0000-0000-000000000001', 'approve'))).status, 404);
    } finally {
      await hook.close();
    }
  });
});

test('credit notes through the controls raise CREDITNOTE events with their Type and Status', async () => {
  await withSandbox(async (s) => {
    const t = await clientToken(s);
    const hook = await hooked(s);
    try {
      const cn = await create(s, t, 'DRAFT', 'CreditNotes', 'ACCRECCREDIT');
      await settle(hook.events, 1);
      const since = await tick(s);
      await control(s, 'POST', doc(NZ, cn, 'approve'));
      await control(s, 'POST', doc(NZ, cn, 'pay'), { Amount: 115 });
      const got = await get(s, t, cn, 'CreditNotes');
      assert.equal(got.Status, 'PAID');
      assert.deepEqual(await modifiedSince(s, t, 'CreditNotes', since), [cn]);
      assert.deepEqual(
        (await settle(hook.events, 2)).map((x) => [x.eventCategory, x.data?.Type, x.data?.Status]),
        [
          ['CREDITNOTE', 'ACCRECCREDIT', 'AUTHORISED'],
          ['CREDITNOTE', 'ACCRECCREDIT', 'PAID'],
        ],
      );
    } finally {
      await hook.close();
    }
  });
});

test('another app making the same changes through the API gets the same results and the same events', async () => {
  await withSandbox(async (s) => {
    const t = await clientToken(s);
    const xero = await sdk(s);
    const hook = await hooked(s);
    try {
      const id = await create(s, t, 'DRAFT');
      await settle(hook.events, 1);
      let since = await tick(s);
      assert.equal((await call(s, t, 'POST', `/Invoices/${id}`, { body: { Status: 'AUTHORISED' } })).status, 200);
      assert.deepEqual(await modifiedSince(s, t, 'Invoices', since), [id]);
      since = await tick(s);
      const pay = await xero.accountingApi.createPayment(NZ, { invoice: { invoiceID: id }, account: { code: '090' }, amount: 10 });
      assert.equal(pay.body.payments?.[0]?.amount, 10);
      assert.deepEqual(await modifiedSince(s, t, 'Invoices', since), [id]);
      const refused = await call(s, t, 'POST', `/Invoices/${id}`, { body: { Status: 'VOIDED' } });
      assert.match(refused.text, /This document cannot be edited as it has a payment or credit note allocated to it\./, 'the API refuses to void a document with a payment');
      await xero.accountingApi.deletePayment(NZ, pay.body.payments?.[0]?.paymentID ?? '', { status: 'DELETED' });
      since = await tick(s);
      assert.equal((await call(s, t, 'POST', `/Invoices/${id}`, { body: { Status: 'VOIDED' } })).status, 200);
      assert.deepEqual(await modifiedSince(s, t, 'Invoices', since), [id]);
      assert.equal((await get(s, t, id)).Status, 'VOIDED');
      const events = await settle(hook.events, 4);
      assert.deepEqual(
        events.map((e) => [e.eventCategory, e.eventType, e.resourceId]),
        Array(4).fill(['INVOICE', 'UPDATE', id]),
        'approve, pay, delete the payment, void',
      );
      since = await tick(s);
      await control(s, 'POST', `/organisations/${NZ}/contacts/${(await xero.accountingApi.getContacts(NZ, undefined, 'Name=="PowerDirect"')).body.contacts?.[0]?.contactID}/archive`);
      assert.equal((await modifiedSince(s, t, 'Contacts', since)).length, 0, 'archived contacts are hidden unless asked for');
      const withArchived = await call(s, t, 'GET', '/Contacts?includeArchived=true', { headers: { 'if-modified-since': new Date(since).toISOString() } });
      assert.deepEqual(
        (withArchived.json as { Contacts: Array<{ Name: string }> }).Contacts.map((c) => c.Name),
        ['PowerDirect'],
      );
      since = await tick(s);
      const j = await call(s, t, 'PUT', '/ManualJournals', {
        body: {
          Narration: 'n',
          Date: '2026-03-05',
          Status: 'POSTED',
          JournalLines: [
            { LineAmount: 5, AccountCode: '630' },
            { LineAmount: -5, AccountCode: '310' },
          ],
        },
      });
      const jid = (j.json as { ManualJournals: Array<{ ManualJournalID: string }> }).ManualJournals[0]?.ManualJournalID ?? '';
      assert.deepEqual(await modifiedSince(s, t, 'ManualJournals', since), [jid]);
      since = await tick(s);
      assert.equal((await call(s, t, 'POST', `/ManualJournals/${jid}`, { body: { Status: 'VOIDED' } })).status, 200);
      assert.deepEqual(await modifiedSince(s, t, 'ManualJournals', since), [jid]);
    } finally {
      await hook.close();
    }
  });
});
