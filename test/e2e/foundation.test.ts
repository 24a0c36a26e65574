import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { databaseKinds } from '../helpers/databases';
import { METRICS_TOKEN, startHarness, type Harness } from '../helpers/harness';

const customer = { kind: 'customer', sourceId: 'CUST-001', name: 'Acme Ltd', email: 'ap@acme.test', firstName: 'Ann', lastName: 'Lee', currency: 'NZD' };
const invoice = {
  kind: 'sales_invoice',
  sourceId: 'SO-00042',
  revision: 1,
  date: '2026-11-20',
  dueDate: '2026-12-20',
  contact: 'CUST-001',
  currency: 'NZD',
  reference: 'PO 7781',
  amountsAre: 'exclusive',
  lines: [{ productCode: 'WIDGET', description: 'Widget', quantity: 2, unitPrice: '19.95', discountRate: 0, taxCode: 'G.S.T.', account: 'sales' }],
};

async function rowCounts(h: Harness): Promise<{ documents: number; exports: number }> {
  const d = await h.rt.store.db
    .selectFrom('documents')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const e = await h.rt.store.db
    .selectFrom('exports')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { documents: Number(d.n), exports: Number(e.n) };
}

for (const kind of databaseKinds()) {
  describe(`a document's whole way from the API to Xero (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(kind);
    });
    after(async () => h.close());

    test('a customer and an invoice posted to the API arrive in Xero exactly once, with log entries', async () => {
      const res = await h.api('POST', '/api/v1/documents', { documents: [customer, invoice] });
      assert.equal(res.status, 202);
      const body = res.json as { documents: Array<{ sourceId: string; exportId: number; status: string }> };
      assert.deepEqual(
        body.documents.map((d) => [d.sourceId, d.status]),
        [
          ['CUST-001', 'queued'],
          ['SO-00042', 'queued'],
        ],
      );

      await h.drain();
      const invoices = (await h.xeroGet('/Invoices?InvoiceNumbers=SO-00042')).Invoices as Array<Record<string, unknown>>;
      assert.equal(invoices.length, 1);
      const xeroInvoice = invoices[0] ?? {};
      assert.equal(xeroInvoice.Type, 'ACCREC');
      assert.equal(xeroInvoice.Reference, 'PO 7781');
      assert.equal(Number(xeroInvoice.Total), 45.89); // 2 × 19.95 = 39.90 + 15% GST 5.99
      assert.equal((xeroInvoice.Contact as { Name?: string }).Name, 'Acme Ltd');

      const exportId = body.documents[1]?.exportId;
      const exp = await h.api('GET', `/api/v1/exports/${exportId}`);
      assert.equal((exp.json as { status: string }).status, 'exported');
      assert.equal((exp.json as { xeroId: string }).xeroId, xeroInvoice.InvoiceID);

      const log = await h.api('GET', '/api/v1/log?level=info&q=SO-00042');
      assert.ok((log.json as { entries: Array<{ message: string }> }).entries.some((e) => /SO-00042.*exported to Xero/.test(e.message)));
    });

    test('posting the same sourceId and revision again queues it once and sends nothing more', async () => {
      const again = await h.api('POST', '/api/v1/documents', invoice);
      assert.equal(again.status, 202);
      const doc = (again.json as { documents: Array<{ duplicate: boolean; status: string }> }).documents[0];
      assert.equal(doc?.duplicate, true);
      assert.equal(doc?.status, 'exported');
      await h.drain();
      const invoices = (await h.xeroGet('/Invoices?InvoiceNumbers=SO-00042')).Invoices as unknown[];
      assert.equal(invoices.length, 1);
    });

    test('invalid documents are refused with their messages and leave no rows', async () => {
      const before = await rowCounts(h);
      const res = await h.api('POST', '/api/v1/documents', {
        documents: [
          { ...customer, sourceId: 'CUST-NEW' },
          { ...invoice, sourceId: 'SO-BAD', date: '2026-02-30', lines: [{ ...invoice.lines[0], unitPrice: 'abc' }] },
          { kind: 'purchase_order', sourceId: 'X' },
        ],
      });
      assert.equal(res.status, 400);
      const err = (res.json as { error: { code: string; details: Array<{ index: number; message: string }> } }).error;
      assert.equal(err.code, 'invalid_document');
      const messages = err.details.map((d) => d.message).join('\n');
      assert.match(messages, /documents\[1\]\.date/);
      assert.match(messages, /documents\[1\]\.lines\[0\]\.unitPrice/);
      assert.match(messages, /documents\[2\]\.kind/);
      assert.deepEqual(await rowCounts(h), before);
    });

    test('a request without a valid API token is refused', async () => {
      const res = await h.api('POST', '/api/v1/documents', customer, 'not-a-token');
      assert.equal(res.status, 401);
      assert.equal((res.json as { error: { code: string } }).error.code, 'unauthorized');
    });

    test("a failure carries Xero's own message to the export and the log", async () => {
      // A name already used by another active contact in Xero is refused by Xero, not by pre-validation.
      const taken = { kind: 'customer', sourceId: 'CUST-DUP', name: 'Acme Ltd', email: 'other@acme.test' };
      const res = await h.api('POST', '/api/v1/documents', taken);
      const exportId = (res.json as { documents: Array<{ exportId: number }> }).documents[0]?.exportId;
      await h.drain();
      const exp = (await h.api('GET', `/api/v1/exports/${exportId}`)).json as { status: string; error: string; actionRequired: string };
      assert.equal(exp.status, 'failed');
      assert.match(exp.error, /The contact name Acme Ltd is already assigned to another contact/);
      assert.ok(exp.actionRequired.length > 10);
      const log = (await h.api('GET', '/api/v1/log?level=error&q=already%20assigned')).json as { entries: unknown[] };
      assert.ok(log.entries.length >= 1);
      const status = (await h.api('GET', '/api/v1/status')).json as { failed: number };
      assert.equal(status.failed, 1);
    });

    test('health and metrics answer', async () => {
      const health = await fetch(`${h.url}/healthz`);
      assert.deepEqual(await health.json(), { ok: true });
      const metrics = await (await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
      assert.match(metrics, /xport_queue_depth\{status="exported"\} 2/);
      assert.match(metrics, /xport_xero_calls_total/);
    });
  });
}
