/**
 * The OpenAPI document is the truth about the answers: every operation is called over real HTTP
 * against a real runtime and the sandbox, in its successes and its failures (202, 400, 401, 403,
 * 404, 409, 413, 415, 429, 500, 502, 503 …), and every answer must be a status the document declares for it,
 * with a body its schema accepts (Ajv, JSON Schema 2020-12). Every operation of the document must have
 * been answered at least once. The documented examples of each kind are posted as they are. A second
 * xport on its own database has a Xero app but no organisation connected yet (409 `no_organisation`)
 * and a rate limit of 3 a minute (429 `rate_limited`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { createRuntime, syncConnections, type Runtime } from '../../src/app/runtime';
import { loadConfig } from '../../src/config/config';
import { DOCUMENT_KINDS } from '../../src/domain/document-schemas';
import { DOCUMENT_EXAMPLES } from '../../src/web/api/document-bodies';
import { xeroSignature } from '../../src/web/xero/webhooks';
import { buildServer } from '../../src/web/server';
import { databaseKinds, makeDatabase, type TestDatabase } from '../helpers/databases';
import { API_TOKEN, METRICS_TOKEN, startHarness, type Harness } from '../helpers/harness';
import { ownPostgresAvailable, startOwnPostgres, type OwnPostgres } from '../helpers/own-postgres';
import { sandboxEnv } from '../helpers/sandbox-env';
import { ReconciliationMarks } from '../../src/db/repositories/reconciliation-marks';
import { contactIdByName, control, customer, post, salesInvoice } from '../engine-e2e/helpers';
import { inXero } from '../reconciliation/helpers';
import { fail } from '../ui/helpers';
import { startReceiver } from '../write-back/receiver';
import { AnswerValidator, fetchDocument, operations, type Doc } from './openapi-helpers';

const WEBHOOK_KEY = 'openapi-test-webhook-key';
const RATE_LIMIT = 3;

interface Call {
  body?: unknown;
  raw?: string | Buffer;
  token?: string | null;
  headers?: Record<string, string>;
  /** Another xport than the harness's (the one without an organisation). */
  base?: string;
}

/** An xport with a Xero app (OAuth) that nobody has connected an organisation to yet, and a low rate limit. */
async function startUnconnected(kind: 'sqlite' | 'postgres', xero: Record<string, string>): Promise<{ db: TestDatabase; rt: Runtime; app: FastifyInstance; url: string }> {
  const db = await makeDatabase(kind);
  const env = { XPORT_DATABASE_URL: db.url, XPORT_API_TOKEN: API_TOKEN, XPORT_LOG_LEVEL: 'silent', XPORT_WORKERS: '0', XPORT_API_RATE_LIMIT: String(RATE_LIMIT) };
  const rt = await createRuntime(loadConfig({ ...env, ...xero, XERO_REDIRECT_URI: 'http://127.0.0.1:3000/settings/xero/callback' }));
  const synced = await syncConnections(rt);
  assert.ok(synced.ok && synced.tenants.length === 0, 'no organisation connected');
  const app = await buildServer(rt);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const a = app.server.address();
  return { db, rt, app, url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}` };
}

for (const kind of databaseKinds()) {
  describe(`every answer of the API is one the OpenAPI document declares (${kind})`, () => {
    let h: Harness;
    let doc: Doc;
    let v: AnswerValidator;
    let viewer: string;
    let bare: Awaited<ReturnType<typeof startUnconnected>>;

    /** Calls `path` (an instance of `template`), validates the answer against the document, returns it. */
    async function call(method: string, template: string, path: string, c: Call = {}): Promise<{ status: number; json: unknown }> {
      const token = c.token === undefined ? API_TOKEN : c.token;
      const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...c.headers };
      let body: string | Buffer | undefined = c.raw;
      if (c.body !== undefined) {
        body = JSON.stringify(c.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(`${c.base ?? h.url}${path}`, { method, headers, body });
      const text = await res.text();
      v.check(method, template, res.status, res.headers.get('content-type'), text);
      const type = res.headers.get('content-type') ?? '';
      return { status: res.status, json: text && type.startsWith('application/json') ? (JSON.parse(text) as unknown) : text };
    }

    async function expect(status: number, method: string, template: string, path: string, c: Call = {}): Promise<unknown> {
      const res = await call(method, template, path, c);
      assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res.json).slice(0, 400)}`);
      return res.json;
    }

    before(async () => {
      h = await startHarness(kind, { sandbox: { limits: { enabled: false } }, runtime: { noClientLimits: true }, env: { XERO_WEBHOOK_KEY: WEBHOOK_KEY } });
      doc = await fetchDocument(h.url);
      v = new AnswerValidator(doc);
      viewer = (await h.rt.apiTokens.create('test', { tenantId: h.tenantId, name: 'openapi-viewer', role: 'viewer' })).token;
      bare = await startUnconnected(kind, sandboxEnv(h.sandbox));
    });
    after(async () => {
      await bare.app.close();
      await bare.rt.close();
      await bare.db.drop();
      await h.close();
    });

    test('operations: health, readiness, metrics and the Xero webhook', async () => {
      await expect(200, 'GET', '/healthz', '/healthz', { token: null });
      await expect(200, 'GET', '/readyz', '/readyz', { token: null });
      await expect(200, 'GET', '/metrics', '/metrics', { token: METRICS_TOKEN });
      await expect(401, 'GET', '/metrics', '/metrics', { token: null });
      const payload = JSON.stringify({ events: [], firstEventSequence: 0, lastEventSequence: 0, entropy: 'ABCDEFGHIJ' });
      await expect(200, 'POST', '/webhooks/xero', '/webhooks/xero', {
        token: null,
        raw: payload,
        headers: { 'content-type': 'application/json', 'x-xero-signature': xeroSignature(payload, WEBHOOK_KEY) },
      });
      await expect(401, 'POST', '/webhooks/xero', '/webhooks/xero', { token: null, raw: payload, headers: { 'content-type': 'application/json', 'x-xero-signature': 'wrong' } });
    });

    test('documents in: the example of every kind, and each way a request is refused', async () => {
      const all = DOCUMENT_KINDS.map((k) => DOCUMENT_EXAMPLES[k]);
      const answer = (await expect(202, 'POST', '/api/v1/documents', '/api/v1/documents', { body: { documents: all } })) as { documents: Array<{ duplicate: boolean }> };
      assert.equal(answer.documents.length, DOCUMENT_KINDS.length);
      await expect(202, 'POST', '/api/v1/documents', '/api/v1/documents', { body: DOCUMENT_EXAMPLES.customer });
      const invalid = (await expect(400, 'POST', '/api/v1/documents', '/api/v1/documents', { body: { ...DOCUMENT_EXAMPLES.sales_invoice, date: '2026-02-30' } })) as { error: { code: string } };
      assert.equal(invalid.error.code, 'invalid_document');
      const conflict = (await expect(409, 'POST', '/api/v1/documents', '/api/v1/documents', { body: { ...DOCUMENT_EXAMPLES.sales_invoice, reference: 'changed' } })) as { error: { code: string } };
      assert.equal(conflict.error.code, 'revision_conflict');
      await expect(400, 'POST', '/api/v1/documents', '/api/v1/documents', { raw: '{"kind":', headers: { 'content-type': 'application/json' } });
      await expect(415, 'POST', '/api/v1/documents', '/api/v1/documents', { raw: 'kind=customer', headers: { 'content-type': 'text/plain' } });
      await expect(413, 'POST', '/api/v1/documents', '/api/v1/documents', { raw: `{"documents":["${'x'.repeat(11 * 1024 * 1024)}"]}`, headers: { 'content-type': 'application/json' } });
      await expect(401, 'POST', '/api/v1/documents', '/api/v1/documents', { body: DOCUMENT_EXAMPLES.customer, token: 'not-a-token' });
      await expect(403, 'POST', '/api/v1/documents', '/api/v1/documents', { body: DOCUMENT_EXAMPLES.customer, token: viewer });
    });

    test('exports: lists, one export, and the actions on failed ones', async () => {
      await h.drain();
      const list = (await expect(200, 'GET', '/api/v1/exports', '/api/v1/exports?limit=2')) as { exports: Array<{ id: number; xeroUrl: string | null; status: string }>; nextCursor: number | null };
      assert.ok(list.nextCursor, 'a second page');
      await expect(200, 'GET', '/api/v1/exports', `/api/v1/exports?status=exported&cursor=${list.nextCursor}`);
      await expect(400, 'GET', '/api/v1/exports', '/api/v1/exports?status=lost');
      const exported = (await expect(200, 'GET', '/api/v1/exports', '/api/v1/exports?status=exported&kind=customer')) as { exports: Array<{ id: number; xeroUrl: string | null }> };
      const first = exported.exports[0];
      assert.ok(first, 'an exported customer');
      // The sandbox's organisation has a short code: the link selects that organisation first.
      assert.match(first.xeroUrl ?? '', /^https:\/\/go\.xero\.com\/organisationlogin\/default\.aspx\?shortcode=!nzdm0&redirecturl=%2FContacts%2FView%2F[0-9a-f-]{36}$/);
      const one = (await expect(200, 'GET', '/api/v1/exports/{id}', `/api/v1/exports/${first.id}`)) as { xeroUrl: string; attemptsHistory: unknown[] };
      assert.equal(one.xeroUrl, first.xeroUrl);
      assert.ok(one.attemptsHistory.length > 0);
      await expect(400, 'GET', '/api/v1/exports/{id}', '/api/v1/exports/abc');
      await expect(404, 'GET', '/api/v1/exports/{id}', '/api/v1/exports/999999');

      const ids = list.exports.map((e) => e.id);
      await fail(h.rt, ids);
      const [a, b] = ids as [number, number];
      await expect(403, 'POST', '/api/v1/exports/{id}/retry', `/api/v1/exports/${a}/retry`, { token: viewer });
      await expect(200, 'POST', '/api/v1/exports/{id}/retry', `/api/v1/exports/${a}/retry`);
      await expect(409, 'POST', '/api/v1/exports/{id}/retry', `/api/v1/exports/${a}/retry`);
      await expect(400, 'POST', '/api/v1/exports/{id}/retry', '/api/v1/exports/0/retry');
      await expect(200, 'POST', '/api/v1/exports/{id}/skip', `/api/v1/exports/${a}/skip`);
      await expect(409, 'POST', '/api/v1/exports/{id}/skip', `/api/v1/exports/${first.id}/skip`);
      await expect(200, 'DELETE', '/api/v1/exports/{id}', `/api/v1/exports/${b}`);
      await expect(404, 'DELETE', '/api/v1/exports/{id}', `/api/v1/exports/${b}`);
      await fail(h.rt, [first.id]);
      await expect(200, 'POST', '/api/v1/exports/retry-all', '/api/v1/exports/retry-all', { raw: '', headers: { 'content-type': 'application/json' } });
      await fail(h.rt, [first.id]);
      await expect(403, 'POST', '/api/v1/exports/delete-all', '/api/v1/exports/delete-all', { token: viewer });
      const gone = (await expect(200, 'POST', '/api/v1/exports/delete-all', '/api/v1/exports/delete-all')) as { deleted: number };
      assert.equal(gone.deleted, 1);
    });

    test('status, the connection log and reference data', async () => {
      await expect(200, 'GET', '/api/v1/status', '/api/v1/status');
      await expect(200, 'GET', '/api/v1/status', '/api/v1/status', { token: viewer });
      await expect(401, 'GET', '/api/v1/status', '/api/v1/status', { token: null });
      const log = (await expect(200, 'GET', '/api/v1/log', '/api/v1/log?level=info&limit=3')) as { nextCursor: number | null };
      await expect(200, 'GET', '/api/v1/log', `/api/v1/log?q=CUST-001&cursor=${log.nextCursor ?? 1}`);
      await expect(400, 'GET', '/api/v1/log', '/api/v1/log?level=debug');
      await expect(200, 'POST', '/api/v1/reference/refresh', '/api/v1/reference/refresh');
      await control(h, 'POST', '/faults', { kind: 'error500', count: 50, match: { path: '/Organisation' } });
      await expect(502, 'POST', '/api/v1/reference/refresh', '/api/v1/reference/refresh');
      await control(h, 'DELETE', '/faults');
    });

    test('settings and contact links', async () => {
      await expect(200, 'GET', '/api/v1/settings', '/api/v1/settings');
      await expect(200, 'PATCH', '/api/v1/settings', '/api/v1/settings', { body: { lockDatePolicy: 'move_to_first_open_day', productGroupSalesAccounts: { Hardware: '200' } } });
      await expect(400, 'PATCH', '/api/v1/settings', '/api/v1/settings', { body: { lockDatePolicy: 'later' } });
      await expect(403, 'PATCH', '/api/v1/settings', '/api/v1/settings', { body: {}, token: viewer });
      await expect(200, 'GET', '/api/v1/settings/health', '/api/v1/settings/health');
      await expect(200, 'POST', '/api/v1/settings/requeue', '/api/v1/settings/requeue', { body: { errorCodes: ['account_code_invalid'] } });
      await expect(400, 'POST', '/api/v1/settings/requeue', '/api/v1/settings/requeue', { body: { errorCodes: [] } });
      const contactId = await contactIdByName(h, 'Acme Ltd');
      await expect(200, 'POST', '/api/v1/contacts/{kind}/{sourceId}/link', '/api/v1/contacts/customer/CUST-LINKED/link', { body: { xeroContactId: contactId } });
      await expect(400, 'POST', '/api/v1/contacts/{kind}/{sourceId}/link', '/api/v1/contacts/vendor/CUST-LINKED/link', { body: { xeroContactId: 'not-a-uuid' } });
    });

    test('write-back: webhook subscriptions, their delivery log, redelivery and the event feed', async () => {
      const receiver = await startReceiver();
      try {
        const webhooks = '/api/v1/webhooks';
        const sub = (await expect(201, 'POST', webhooks, webhooks, { body: { url: receiver.url, events: ['export.exported'] } })) as { id: string; secret: string };
        receiver.setSecret(sub.secret);
        const refused = [
          { url: 'ftp://erp.example.com/x' },
          { url: 'https://user:pw@erp.example.com/x' },
          { url: 'erp.example.com' },
          { url: receiver.url, events: [] },
          { url: receiver.url, events: ['export.lost'] },
        ];
        for (const body of [...refused, { url: receiver.url, events: ['export.failed', 'export.failed'] }, { url: receiver.url, secret: 'mine' }, {}]) {
          const answer = (await expect(400, 'POST', webhooks, webhooks, { body })) as { error: { code: string } };
          assert.equal(answer.error.code, 'invalid_webhook', JSON.stringify(body));
        }
        await expect(403, 'POST', webhooks, webhooks, { body: { url: receiver.url }, token: viewer });
        const listed = (await expect(200, 'GET', webhooks, webhooks, { token: viewer })) as { webhooks: Array<{ id: string }> };
        assert.ok(listed.webhooks.some((w) => w.id === sub.id));
        await expect(401, 'GET', webhooks, webhooks, { token: null });

        await expect(202, 'POST', '/api/v1/documents', '/api/v1/documents', {
          body: { ...DOCUMENT_EXAMPLES.customer, sourceId: 'CUST-WEBHOOK', name: 'Webhook Receiver Ltd', code: 'WEBHOOK', accountNumber: 'AC-WEBHOOK' },
        });
        await h.drain();
        await h.rt.dispatcher.drain();
        const log = '/api/v1/webhooks/{id}/deliveries';
        const own = `${webhooks}/${sub.id}/deliveries`;
        const page = (await expect(200, 'GET', log, `${own}?status=delivered&limit=1`, { token: viewer })) as {
          deliveries: Array<{ id: number; status: string; eventId: string }>;
          nextCursor: number | null;
        };
        const delivered = page.deliveries[0];
        assert.ok(delivered && delivered.status === 'delivered', JSON.stringify(page));
        assert.equal(page.nextCursor, delivered.id);
        await expect(200, 'GET', log, `${own}?before=${page.nextCursor}`);
        await expect(400, 'GET', log, `${own}?limit=0`);
        await expect(400, 'GET', log, `${webhooks}/${'x'.repeat(65)}/deliveries`);
        await expect(404, 'GET', log, `${webhooks}/wh_none/deliveries`);

        const redeliver = '/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver';
        await expect(403, 'POST', redeliver, `${own}/${delivered.id}/redeliver`, { token: viewer });
        await expect(202, 'POST', redeliver, `${own}/${delivered.id}/redeliver`);
        await h.rt.dispatcher.drain();
        assert.equal(receiver.requests.filter((id) => id === `msg_${delivered.eventId}`).length, 2, 'sent again, with the same webhook-id');
        await expect(400, 'POST', redeliver, `${own}/abc/redeliver`);
        await expect(404, 'POST', redeliver, `${own}/999999/redeliver`);
        await expect(404, 'POST', redeliver, `${webhooks}/wh_none/deliveries/${delivered.id}/redeliver`);

        const feed = (await expect(200, 'GET', '/api/v1/events', '/api/v1/events?limit=1000', { token: viewer })) as { events: Array<{ id: string }>; next: string };
        assert.ok(
          feed.events.some((e) => e.id === delivered.eventId),
          'the feed holds the delivered event, with the same id',
        );
        assert.deepEqual(await expect(200, 'GET', '/api/v1/events', `/api/v1/events?after=${feed.next}`), { events: [], next: feed.next });
        await expect(400, 'GET', '/api/v1/events', '/api/v1/events?after=abc');
        await expect(400, 'GET', '/api/v1/events', '/api/v1/events?limit=1001');

        const one = '/api/v1/webhooks/{id}';
        await expect(403, 'DELETE', one, `${webhooks}/${sub.id}`, { token: viewer });
        await expect(204, 'DELETE', one, `${webhooks}/${sub.id}`);
        await expect(404, 'DELETE', one, `${webhooks}/${sub.id}`);
        await expect(400, 'DELETE', one, `${webhooks}/${'x'.repeat(65)}`);
      } finally {
        await receiver.close();
      }
    });

    test('reconciliation: the document look-up, a run, the report, accepting a difference, and valuations', async () => {
      const [, invoiceId] = await post(h, customer('CUST-RECON', 'Reconcile Answers Ltd'), salesInvoice('SO-RECON', 'CUST-RECON'));
      assert.ok(invoiceId);
      await h.drain();
      const one = '/api/v1/documents/{kind}/{sourceId}';
      const before = (await expect(200, 'GET', one, '/api/v1/documents/sales_invoice/SO-RECON', { token: viewer })) as { status: string; xeroStatus: string | null };
      assert.deepEqual([before.status, before.xeroStatus], ['exported', null]);
      await expect(404, 'GET', one, '/api/v1/documents/sales_invoice/SO-NEVER-SENT');
      await expect(400, 'GET', one, '/api/v1/documents/invoice/SO-RECON');
      await expect(400, 'GET', one, `/api/v1/documents/sales_invoice/${'x'.repeat(256)}`);

      await inXero(h, invoiceId, 'void');
      const run = '/api/v1/reconciliation/run';
      await expect(403, 'POST', run, run, { token: viewer });
      const summary = (await expect(200, 'POST', run, run)) as { outcome: string; newDifferences: Array<{ sourceId: string; issue: string }> };
      assert.equal(summary.outcome, 'complete');
      assert.deepEqual(
        summary.newDifferences.filter((d) => d.sourceId === 'SO-RECON').map((d) => d.issue),
        ['voided_in_xero'],
      );
      // Another process's run holds the organisation's lease.
      const marks = new ReconciliationMarks(h.rt.store.db);
      const lease = `reconciliation.lease:${h.tenantId}`;
      assert.ok(await marks.tryLease(lease, 'openapi-answers', 60_000));
      try {
        const busy = (await expect(409, 'POST', run, run)) as { error: { code: string } };
        assert.equal(busy.error.code, 'reconciliation_running');
      } finally {
        await marks.releaseLease(lease, 'openapi-answers');
      }
      const report = (await expect(200, 'GET', '/api/v1/reconciliation', '/api/v1/reconciliation', { token: viewer })) as { documents: Array<{ sourceId: string; issue: string }>; lastRun: unknown };
      assert.deepEqual(
        report.documents.filter((d) => d.sourceId === 'SO-RECON').map((d) => d.issue),
        ['voided_in_xero'],
      );
      assert.ok(report.lastRun);

      const accept = '/api/v1/reconciliation/{exportId}/accept';
      await expect(403, 'POST', accept, `/api/v1/reconciliation/${invoiceId}/accept`, { token: viewer });
      assert.deepEqual(await expect(200, 'POST', accept, `/api/v1/reconciliation/${invoiceId}/accept`), { exportId: invoiceId, accepted: ['voided_in_xero'] });
      await expect(404, 'POST', accept, `/api/v1/reconciliation/${invoiceId}/accept`);
      await expect(400, 'POST', accept, '/api/v1/reconciliation/abc/accept');
      const after = (await expect(200, 'GET', one, '/api/v1/documents/sales_invoice/SO-RECON')) as { xeroStatus: string; differences: Array<{ issue: string; accepted: boolean }> };
      assert.equal(after.xeroStatus, 'VOIDED');
      assert.deepEqual(
        after.differences.map((d) => [d.issue, d.accepted]),
        [['voided_in_xero', true]],
      );

      const valuations = '/api/v1/valuations';
      await expect(201, 'POST', valuations, valuations, { body: { date: '2026-11-30', account: 'stock_on_hand', value: '12500.00' } });
      const stored = (await expect(201, 'POST', valuations, valuations, { body: { date: '2026-11-30', account: '630', value: -12.5 } })) as { value: string };
      assert.equal(stored.value, '-12.50');
      const refused = [
        { date: '2026-02-30', account: 'stock_on_hand', value: '1' },
        { date: '30/11/2026', account: 'stock_on_hand', value: '1' },
        { date: '2026-11-30', account: ' ', value: '1' },
      ];
      for (const body of [...refused, { date: '2026-11-30', account: '630', value: '1e3' }, { date: '2026-11-30', account: '630', value: '1', note: 'x' }]) {
        const answer = (await expect(400, 'POST', valuations, valuations, { body })) as { error: { code: string } };
        assert.equal(answer.error.code, 'invalid_request', JSON.stringify(body));
      }
      await expect(400, 'POST', valuations, valuations, { raw: '', headers: { 'content-type': 'application/json' } });
      await expect(403, 'POST', valuations, valuations, { body: { date: '2026-11-30', account: '630', value: '1' }, token: viewer });
      const listed = (await expect(200, 'GET', valuations, valuations, { token: viewer })) as { valuations: Array<{ account: string; value: string }> };
      assert.ok(listed.valuations.some((x) => x.account === 'stock_on_hand' && x.value === '12500.00'));
    });

    test('a database that refuses writes: 503 with the envelope and Retry-After', { skip: kind !== 'sqlite' && 'query_only is an SQLite pragma' }, async () => {
      await sql`pragma query_only = on`.execute(h.rt.store.db);
      try {
        const res = await call('POST', '/api/v1/documents', '/api/v1/documents', { body: { ...DOCUMENT_EXAMPLES.customer, sourceId: 'CUST-RO' } });
        assert.equal(res.status, 503, JSON.stringify(res.json));
        assert.equal((res.json as { error: { code: string } }).error.code, 'database_unavailable');
      } finally {
        await sql`pragma query_only = off`.execute(h.rt.store.db);
      }
    });

    test('a fault of xport: 500 internal_error, without the details', async () => {
      // The cached organisation corrupted in the database (nothing in xport writes such a row): reading it fails.
      await sql`update reference_cache set data = ${'{"Organisations": [tr'} where tenant_id = ${h.tenantId} and kind = 'organisation'`.execute(h.rt.store.db);
      try {
        const res = (await expect(500, 'GET', '/api/v1/exports', '/api/v1/exports?limit=1')) as { error: { code: string; message: string } };
        assert.equal(res.error.code, 'internal_error');
        assert.doesNotMatch(res.error.message, /JSON|Organisations|position/);
      } finally {
        const again = await h.rt.reference.refresh(h.tenantId); // Xero's answer written over the corrupt row
        assert.ok(again.ok);
      }
      await expect(200, 'GET', '/api/v1/exports', '/api/v1/exports?limit=1');
    });

    test('no organisation connected yet: 409 no_organisation; over the rate limit: 429 rate_limited with Retry-After', async () => {
      const base = bare.url;
      const first = (await expect(409, 'GET', '/api/v1/status', '/api/v1/status', { base })) as { error: { code: string } };
      assert.equal(first.error.code, 'no_organisation');
      await expect(409, 'POST', '/api/v1/documents', '/api/v1/documents', { base, body: DOCUMENT_EXAMPLES.customer });
      await expect(409, 'GET', '/api/v1/exports', '/api/v1/exports', { base });
      const limited = (await expect(429, 'GET', '/api/v1/status', '/api/v1/status', { base })) as { error: { code: string } };
      assert.equal(limited.error.code, 'rate_limited');
      await expect(429, 'POST', '/api/v1/documents', '/api/v1/documents', { base, body: DOCUMENT_EXAMPLES.customer });
      const res = await fetch(`${base}/api/v1/exports`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
      assert.equal(res.status, 429);
      assert.match(res.headers.get('retry-after') ?? '', /^\d+$/);
      assert.equal(res.headers.get('x-ratelimit-limit'), String(RATE_LIMIT));
      assert.equal(res.headers.get('x-ratelimit-remaining'), '0');
    });

    test('every operation of the document was answered, and the answers cover the statuses that matter', () => {
      for (const { path, method } of operations(doc)) {
        assert.ok(
          [...v.covered].some((c) => c.startsWith(`${method.toUpperCase()} ${path} `)),
          `${method.toUpperCase()} ${path} was never called: add its calls (success and failures) to this file`,
        );
      }
      const statuses = new Set([...v.covered].map((c) => Number(c.split(' ').pop())));
      for (const s of [200, 202, 400, 401, 403, 404, 409, 413, 415, 429, 500, 502, ...(kind === 'sqlite' ? [503] : [])]) assert.ok(statuses.has(s), `no answer with ${s}`);
      assert.ok(v.covered.size >= 40, `${v.covered.size} (operation, status) pairs answered`);
    });
  });
}

describe('a PostgreSQL server that stops: /readyz and the API answer 503 as the document says', { skip: ownPostgresAvailable() ?? false }, () => {
  let own: OwnPostgres;
  let rt: Runtime;
  let app: FastifyInstance;
  let url = '';
  before(async () => {
    own = await startOwnPostgres(); // the test's own server, never the shared one
    rt = await createRuntime(loadConfig({ XPORT_DATABASE_URL: own.url, XPORT_LOG_LEVEL: 'silent', XPORT_WORKERS: '0' }));
    await rt.store.tenants.upsert({ id: 'tenant-ready', name: 'Ready Ltd' });
    app = await buildServer(rt);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const a = app.server.address();
    url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });
  after(async () => {
    await app?.close();
    await rt?.close().catch(() => {});
    own?.destroy();
  });

  test('ready, then the server is stopped: 503 database_unavailable with the reason', async () => {
    const v = new AnswerValidator(await fetchDocument(url));
    const token = (await rt.apiTokens.create('test', { tenantId: 'tenant-ready', name: 'ready', role: 'admin' })).token;
    const get = async (path: string, auth?: string) => {
      const res = await fetch(`${url}${path}`, { headers: auth ? { authorization: `Bearer ${auth}` } : {} });
      const text = await res.text();
      v.check('GET', path, res.status, res.headers.get('content-type'), text);
      return { status: res.status, json: JSON.parse(text) as Record<string, unknown>, retryAfter: res.headers.get('retry-after') };
    };
    assert.equal((await get('/readyz')).status, 200);
    assert.equal((await get('/api/v1/status', token)).status, 200);
    own.stopImmediate();
    const ready = await get('/readyz');
    assert.equal(ready.status, 503);
    assert.equal(ready.json.reason, 'database_unavailable');
    assert.equal(ready.json.fault, 'connection');
    const api = await get('/api/v1/status', token);
    assert.equal(api.status, 503);
    assert.equal((api.json.error as { code: string }).code, 'database_unavailable');
    assert.equal(api.retryAfter, '5');
    assert.equal((await fetch(`${url}/healthz`)).status, 200, 'alive all the same');
  });
});
