/**
 * API efficiency: a mixed backlog (default 10,000 documents: customers, suppliers,
 * sales invoices, bills, sales and supplier credits, stock journals) with 2% bad documents — half
 * caught by pre-validation (no API call), half refused by Xero inside a batch — exported to the
 * sandbox with Xero's real limits on (60 calls a minute, 5 in progress, 5,000 a day), twice in the same
 * run on the same backlog: by xport (up to 50 documents a call) and by a one-document-per-call exporter
 * (the same engine with batchSize 1).
 *
 * Time under Xero's limits is not waited for: the worker runs on the sandbox's clock, and whenever
 * the organisation is paused by a 429 the sandbox clock is moved to the end of the pause. The drain
 * time is the sandbox-clock time from the first call to the last, i.e. what the limits would cost in
 * real life (the machine's own processing time is included, as it would be).
 *
 *   node --import tsx bench/api-efficiency.ts [--docs N]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRuntime, syncConnections, type Runtime } from '../src/app/runtime';
import { loadConfig } from '../src/config/config';
import { OpenGate } from '../src/engine/limiter';
import { ExportWorker } from '../src/engine/worker';
import { startSandbox, type Sandbox } from '../src/sandbox/index';
import { sandboxEnv } from '../test/helpers/sandbox-env';

const argv = process.argv.slice(2);
const DOCS = Number(argv[argv.indexOf('--docs') + 1] ?? 10_000) || 10_000;
const TENANT = '6c1d1a3e-2f4b-4c5d-9e8f-0a1b2c3d4e01';

type Doc = Record<string, unknown>;

function day(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

const line = (i: number, account: string, taxCode = 'G.S.T.') => ({
  productCode: `P${i % 40}`,
  description: `Product ${i % 40}`,
  quantity: (i % 7) + 1,
  unitPrice: ((i % 90) + 9.95).toFixed(2),
  taxCode,
  account,
});

/**
 * The backlog: 5% customers, 1% suppliers, 50% sales invoices, 20% bills, 6% sales credits, 4%
 * supplier credits, 14% journals. Every 50th document is bad: alternately one pre-validation catches
 * (unmapped tax code, invalid email, unbalanced journal) and one only Xero refuses (an account
 * archived in Xero after xport cached the chart; a contact name another Xero contact has).
 */
export function backlog(n: number): { docs: Doc[]; bad: number } {
  const customers = Math.max(1, Math.round(n * 0.05));
  const suppliers = Math.max(1, Math.round(n * 0.01));
  const docs: Doc[] = [];
  let bad = 0;
  for (let i = 0; i < customers; i += 1) docs.push({ kind: 'customer', sourceId: `C${i}`, name: `Customer ${i}`, email: `c${i}@example.test`, currency: 'NZD' });
  for (let i = 0; i < suppliers; i += 1) docs.push({ kind: 'supplier', sourceId: `S${i}`, name: `Supplier ${i}`, email: `s${i}@example.test`, currency: 'NZD' });
  const shares: Array<[string, number]> = [
    ['sales_invoice', 0.5],
    ['purchase_bill', 0.2],
    ['sales_credit', 0.06],
    ['supplier_credit', 0.04],
    ['journal', 0.14],
  ];
  const rest = n - docs.length;
  let k = 0;
  for (const [kind, share] of shares) {
    const count = kind === 'journal' ? rest - k : Math.round(rest * share);
    for (let j = 0; j < count; j += 1, k += 1) docs.push(documentOf(kind, k, customers, suppliers));
  }
  // Every 50th document made bad (contacts included), alternating the two kinds of badness.
  for (let i = 25; i < docs.length; i += 50) {
    const d = docs[i] as Doc;
    const xeroSide = bad % 2 === 1;
    bad += 1;
    if (d.kind === 'customer' || d.kind === 'supplier') {
      if (xeroSide) d.name = 'Boom FM';
      else d.email = 'two@x.test, addresses@x.test';
    } else if (d.kind === 'journal') {
      d.lines = xeroSide
        ? [
            { account: '260', amount: '10.00' },
            { account: 'cogs', amount: '-10.00' },
          ]
        : [
            { account: 'cogs', amount: '10.00' },
            { account: 'stock_on_hand', amount: '-9.00' },
          ];
    } else {
      d.lines = [line(i, xeroSide ? '260' : d.kind === 'sales_invoice' || d.kind === 'sales_credit' ? 'sales' : 'purchases', xeroSide ? 'G.S.T.' : 'VAT20')];
    }
  }
  return { docs, bad };
}

function documentOf(kind: string, k: number, customers: number, suppliers: number): Doc {
  const sales = kind === 'sales_invoice' || kind === 'sales_credit';
  const contact = sales ? `C${k % customers}` : `S${k % suppliers}`;
  if (kind === 'journal') {
    const amount = ((k % 500) + 1).toFixed(2);
    return {
      kind,
      sourceId: `J${k}`,
      journalType: 'shipment_cogs',
      date: day(-(k % 20)),
      narration: 'Cost of goods shipped',
      lines: [
        { account: 'cogs', amount },
        { account: 'stock_on_hand', amount: `-${amount}` },
      ],
    };
  }
  const account = sales ? 'sales' : 'stock_on_hand';
  return { kind, sourceId: `${kind.slice(0, 2).toUpperCase()}${k}`, date: day(-(k % 20)), dueDate: day(30), contact, currency: 'NZD', lines: [line(k, account), line(k + 1, account)] };
}

interface RunResult {
  label: string;
  batchSize: number;
  exported: number;
  failed: number;
  other: number;
  sends: number;
  elements: number;
  reads: number;
  refused: number;
  docsPerCall: number;
  simulatedMs: number;
  realMs: number;
}

async function control(sandbox: Sandbox, method: string, p: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${sandbox.url}/_sandbox${p}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
  });
  if (!res.ok) throw new Error(`sandbox ${method} ${p}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function sandboxNow(sandbox: Sandbox): Promise<number> {
  return Date.parse(((await control(sandbox, 'GET', '/clock')) as { now: string }).now);
}

async function run(sandbox: Sandbox, docs: Doc[], label: string, batchSize: number): Promise<RunResult> {
  await control(sandbox, 'POST', '/reset', {});
  await control(sandbox, 'PUT', '/limits', { enabled: true, perMinute: 60, concurrent: 5, perDay: 5000 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xport-bench-api-'));
  const rt: Runtime = await createRuntime(
    loadConfig({
      XPORT_DATABASE_URL: `sqlite:${path.join(dir, 'bench.db')}`,
      XPORT_LOG_LEVEL: 'silent',
      XPORT_WORKERS: '0',
      ...sandboxEnv(sandbox),
    }),
    { noClientLimits: true },
  );
  try {
    const synced = await syncConnections(rt);
    if (!synced.ok) throw new Error(synced.reason);
    // The demo's state: a contact whose name is taken; the chart cached, then an account archived in Xero.
    await rt.xero.call({ method: 'PUT', path: '/Contacts', tenantId: TENANT, body: { Contacts: [{ Name: 'Boom FM 2' }] } });
    await rt.reference.refresh(TENANT);
    await control(sandbox, 'POST', `/organisations/${TENANT}/accounts/260/archive`);
    for (let i = 0; i < docs.length; i += 1000) {
      const r = await rt.queue.ingest(TENANT, { documents: docs.slice(i, i + 1000) });
      if (!r.ok) throw new Error(`ingest refused: ${JSON.stringify(r.issues.slice(0, 3))}`);
    }
    await control(sandbox, 'DELETE', '/requests');

    let offsetMs = (await sandboxNow(sandbox)) - Date.now();
    const { store, xero, bus, reference, logger } = rt;
    const worker = new ExportWorker({ store, xero, bus, gate: new OpenGate(), reference, logger, now: () => new Date(Date.now() + offsetMs) }, { batchSize, pollMs: 10 });
    const simStart = Date.now() + offsetMs;
    const realStart = performance.now();
    for (let round = 0; round < 100_000; round += 1) {
      await worker.drain();
      const now = Date.now() + offsetMs;
      const tenant = await store.tenants.get(TENANT);
      const due = await store.db
        .selectFrom('exports')
        .select((eb) => eb.fn.min<string>('next_attempt_at').as('at'))
        .where('status', '=', 'queued')
        .executeTakeFirst();
      const pausedUntil = tenant?.pausedUntil ? Date.parse(tenant.pausedUntil) : 0;
      const next = Math.max(pausedUntil, due?.at ? Date.parse(due.at) : 0);
      if (!due?.at) break;
      if (next > now) {
        // Move Xero's clock (and the worker's, which is the same) to the end of the wait.
        await control(sandbox, 'POST', '/clock', { advanceSeconds: Math.ceil((next - now) / 1000) + 1 });
        offsetMs = (await sandboxNow(sandbox)) - Date.now();
      }
      if (round % 50 === 49) process.stderr.write(`  ${label}: ${(await store.exports.countByStatus(TENANT)).exported} exported…\r`);
    }
    const simulatedMs = Date.now() + offsetMs - simStart;
    const realMs = performance.now() - realStart;
    const journal = (await control(sandbox, 'GET', `/requests?tenantId=${TENANT}`)) as { requests: Array<{ method: string; status: number | null; elements: number | null }> };
    const counts = await store.exports.countByStatus(TENANT);
    const writes = journal.requests.filter((r) => r.method !== 'GET' && r.status !== 429);
    const sends = writes.length;
    const elements = writes.reduce((sum, r) => sum + (r.elements ?? 0), 0);
    const reads = journal.requests.filter((r) => r.method === 'GET' && r.status !== 429).length;
    const refused = journal.requests.filter((r) => r.status === 429).length;
    return {
      label,
      batchSize,
      exported: counts.exported,
      failed: counts.failed,
      other: counts.queued + counts.waiting + counts.exporting,
      sends,
      elements,
      reads,
      refused,
      docsPerCall: counts.exported / Math.max(1, sends + reads),
      simulatedMs,
      realMs,
    };
  } finally {
    await rt.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function duration(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  const m = Math.round(ms / 60_000);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

async function main(): Promise<void> {
  const { docs, bad } = backlog(DOCS);
  const sandbox = await startSandbox({ port: 0 });
  try {
    console.log(`api-efficiency: ${docs.length} documents (${bad} bad), sandbox limits 60/min, 5 concurrent, 5,000/day, Node ${process.version}, ${os.cpus().length} CPUs`);
    const results: RunResult[] = [];
    for (const [label, size] of [
      ['xport (batches of 50)', 50],
      ['one document per call', 1],
    ] as const) {
      results.push(await run(sandbox, structuredClone(docs), label, size));
      process.stderr.write('\n');
    }
    const header = [
      'exporter',
      'exported',
      'failed',
      'waiting for a failed contact',
      'writes',
      'documents per write',
      'reads',
      '429s',
      'exported per call',
      'drain time under Xero limits',
      'wall time',
    ];
    const rows = results.map((r) =>
      [
        r.label,
        r.exported,
        r.failed,
        r.other,
        r.sends,
        (r.elements / Math.max(1, r.sends)).toFixed(1),
        r.reads,
        r.refused,
        r.docsPerCall.toFixed(1),
        duration(r.simulatedMs),
        `${(r.realMs / 1000).toFixed(0)} s`,
      ].map(String),
    );
    console.log(`| ${header.join(' | ')} |\n|${header.map(() => ' --- ').join('|')}|`);
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
    const [a, b] = results;
    if (a && b)
      console.log(`\nxport: ${(a.docsPerCall / b.docsPerCall).toFixed(0)}× the documents per call, drained in ${((100 * a.simulatedMs) / b.simulatedMs).toFixed(1)}% of the one-per-call time.`);
  } finally {
    await sandbox.close();
  }
}

await main();
