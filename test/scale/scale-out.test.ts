/**
 * Scale-out on the real PostgreSQL: 4 `xport worker` processes, 50 organisations, 20,000
 * documents, the sandbox with Xero's real limits on. Every document reaches Xero exactly once, no
 * organisation's limits are exceeded (read from the sandbox's request journal), and a worker killed
 * with SIGKILL mid-run loses nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/config';
import { createRuntime, syncConnections, type Runtime } from '../../src/app/runtime';
import { parseDocumentsRequest } from '../../src/domain/documents';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { PG_URL, postgresDatabase, type TestDatabase } from '../helpers/databases';
import { sleep, spawnWorker, waitUntil, type WorkerProcess } from '../helpers/processes';
import { sandboxEnv } from '../helpers/sandbox-env';

const ORGS = 50;
const DOCS = Number(process.env.XPORT_SCALE_DOCS ?? 20_000);
const PER_ORG = Math.floor(DOCS / ORGS);
const CONTACTS_PER_ORG = 10;

interface Journal {
  time: string;
  tenantId: string | null;
  method: string;
  path: string;
  status: number | null;
  durationMs: number;
  elements: number | null;
}

function documentsFor(org: number): unknown[] {
  const docs: unknown[] = [];
  for (let c = 0; c < CONTACTS_PER_ORG; c += 1) docs.push({ kind: 'customer', sourceId: `C${org}-${c}`, name: `Customer ${org}-${c}` });
  for (let i = 0; i < PER_ORG - CONTACTS_PER_ORG; i += 1) {
    docs.push({
      kind: 'sales_invoice',
      sourceId: `INV-${org}-${i}`,
      date: '2026-11-20',
      contact: `C${org}-${i % CONTACTS_PER_ORG}`,
      lines: [{ description: 'Widget', quantity: 1 + (i % 5), unitPrice: '9.95', taxCode: 'G.S.T.', account: 'sales' }],
    });
  }
  return docs;
}

/** The most calls one organisation had in flight at once, from [start, start + duration] intervals. */
function peakConcurrency(entries: Journal[]): number {
  const events = entries.flatMap((e) => {
    const t = Date.parse(e.time);
    return [
      [t, 1],
      [t + e.durationMs, -1],
    ] as Array<[number, number]>;
  });
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let peak = 0;
  for (const [, d] of events) {
    cur += d;
    peak = Math.max(peak, cur);
  }
  return peak;
}

/** The most calls one organisation started within any 60-second span. */
function peakPerMinute(entries: Journal[]): number {
  const times = entries.map((e) => Date.parse(e.time)).sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; i < times.length; i += 1) {
    while ((times[i] ?? 0) - (times[j] ?? 0) >= 60_000) j += 1;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}

describe('scale-out: 4 worker processes, 50 organisations, 20,000 documents', { skip: !PG_URL && 'needs XPORT_TEST_DATABASE_URL (PostgreSQL)' }, () => {
  let db: TestDatabase;
  let sandbox: Sandbox;
  let rt: Runtime;
  const workers: WorkerProcess[] = [];
  let env: Record<string, string>;

  before(async () => {
    db = await postgresDatabase();
    sandbox = await startSandbox({ port: 0 });
    await fetch(`${sandbox.url}/_sandbox/organisations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count: ORGS - sandbox.tenants.length }) });
    env = {
      XPORT_DATABASE_URL: db.url,
      ...sandboxEnv(sandbox),
      XPORT_LEASE_MS: '8000',
      XPORT_XERO_TIMEOUT_MS: '5000',
      XPORT_POLL_MS: '100',
    };
    rt = await createRuntime(loadConfig({ ...env, XPORT_WORKERS: '0', XPORT_LOG_LEVEL: 'silent' }));
    const synced = await syncConnections(rt);
    assert.ok(synced.ok && synced.tenants.length === ORGS, 'all 50 organisations connected');
    // The Australian demo organisation's GST rates are OUTPUT/INPUT, not New Zealand's OUTPUT2/INPUT2.
    const au = synced.tenants.find((t) => t.name.includes('(AU)'));
    if (au) await rt.settings.update(au.id, { taxMappings: { sales: { 'G.S.T.': 'OUTPUT' }, purchases: { 'G.S.T.': 'INPUT' } } });
    for (const [i, t] of synced.tenants.entries()) {
      const parsed = parseDocumentsRequest({ documents: documentsFor(i) });
      assert.ok(parsed.ok);
      for (let k = 0; k < parsed.documents.length; k += 1000) await rt.queue.ingestParsed(t.id, parsed.documents.slice(k, k + 1000));
    }
  });

  after(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await rt?.close();
    await sandbox?.close();
    await db?.drop();
  });

  test('every document exported exactly once, within every limit, despite a SIGKILL', { timeout: 600_000 }, async () => {
    const total = async () => await rt.store.exports.countByStatus(null);
    for (let i = 0; i < 4; i += 1) workers.push(spawnWorker(env));
    const started = Date.now();
    // Kill one worker once about a fifth of the work is done, and start a replacement.
    await waitUntil(async () => (await total()).exported >= DOCS / 5, 300_000, 250);
    await workers[0]?.kill('SIGKILL');
    workers.push(spawnWorker(env));
    const done = await waitUntil(
      async () => {
        const c = await total();
        return c.exported + c.failed + c.skipped === DOCS;
      },
      480_000,
      500,
    );
    const counts = await total();
    const seconds = (Date.now() - started) / 1000;
    assert.ok(done, `not finished: ${JSON.stringify(counts)}\n${workers.map((w) => w.output()).join('\n')}`);
    assert.equal(counts.failed, 0);
    assert.equal(counts.exported, DOCS);
    console.log(`scale-out: ${DOCS} documents, ${ORGS} organisations, 4 workers (one killed): ${seconds.toFixed(1)} s, ${(DOCS / seconds).toFixed(0)} documents/s`);

    const journal = ((await (await fetch(`${sandbox.url}/_sandbox/requests`)).json()) as { requests: Journal[] }).requests;
    assert.equal(journal.filter((e) => e.status === 429).length, 0, 'no call was refused for a rate limit');
    const byTenant = new Map<string, Journal[]>();
    for (const e of journal) if (e.tenantId) byTenant.set(e.tenantId, [...(byTenant.get(e.tenantId) ?? []), e]);
    for (const [tenantId, entries] of byTenant) {
      assert.ok(peakConcurrency(entries) <= 5, `${tenantId}: ${peakConcurrency(entries)} calls at once`);
      assert.ok(peakPerMinute(entries) <= 60, `${tenantId}: ${peakPerMinute(entries)} calls in a minute`);
    }

    // Exactly once, read back from Xero: every invoice number once per organisation.
    await sleep(100);
    const token = (
      (await (
        await fetch(`${sandbox.url}/connect/token`, {
          method: 'POST',
          body: new URLSearchParams({ grant_type: 'client_credentials' }),
          headers: { authorization: `Basic ${Buffer.from(`${sandbox.clientId}:${sandbox.clientSecret}`).toString('base64')}` },
        })
      ).json()) as { access_token: string }
    ).access_token;
    const tenants = await rt.store.tenants.list();
    for (const t of tenants.slice(0, 10)) {
      const numbers: string[] = [];
      for (let page = 1; ; page += 1) {
        const res = await fetch(`${sandbox.url}/api.xro/2.0/Invoices?page=${page}&pageSize=1000`, { headers: { authorization: `Bearer ${token}`, 'xero-tenant-id': t.id } });
        const list = ((await res.json()) as { Invoices: Array<{ InvoiceNumber: string }> }).Invoices;
        numbers.push(...list.map((x) => x.InvoiceNumber));
        if (list.length < 1000) break;
      }
      assert.equal(numbers.length, new Set(numbers).size, `${t.name}: an invoice is in Xero twice`);
      assert.equal(numbers.length, PER_ORG - CONTACTS_PER_ORG, `${t.name}: invoices missing in Xero`);
    }
  });
});
