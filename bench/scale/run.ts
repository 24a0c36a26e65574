/**
 * bench/scale: documents per second with 1, 2 and 4 `xport worker` processes on PostgreSQL against
 * the sandbox with its limits off, and the same backlog spread over 50 organisations under Xero's
 * real limits (5 concurrent, 60 a minute per organisation).
 *
 * Besides documents per second it prints the CPU time the worker processes used per document (user +
 * system from /proc/PID/stat, read just before they are stopped): flat CPU per document with more workers
 * means the work spreads; documents per second then follow the cores that are free.
 *
 * `--latency MS` makes every POST to the sandbox take that long before it is answered (real Xero answers a
 * batch in 0.3–1 s): each worker then waits on Xero, not on a core, and N workers should give N times one
 * worker's rate as long as cores are free (on a machine whose cores the workers, PostgreSQL and the sandbox
 * already fill, more workers cannot add throughput, whatever the design).
 *
 *   npx tsx bench/scale/run.ts [--docs 10000] [--workers 1,2,4] [--limited yes|no] [--latency 0] [--db postgres://postgres@127.0.0.1:5432/postgres]
 */
import fs from 'node:fs';
import os from 'node:os';
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../../src/config/config';
import { createRuntime, syncConnections } from '../../src/app/runtime';
import { parseDocumentsRequest } from '../../src/domain/documents';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { spawnWorker, waitUntil } from '../../test/helpers/processes';
import { sandboxEnv } from '../../test/helpers/sandbox-env';

const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '10000' },
    workers: { type: 'string', default: '1,2,4' },
    limited: { type: 'string', default: 'yes' },
    latency: { type: 'string', default: '0' },
    db: { type: 'string', default: process.env.XPORT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const DOCS = Number(values.docs);
const LATENCY_MS = Number(values.latency);

function docsFor(org: number, count: number): unknown[] {
  const contacts = Math.max(1, Math.floor(count / 40));
  const out: unknown[] = [];
  for (let c = 0; c < contacts; c += 1) out.push({ kind: 'customer', sourceId: `C${org}-${c}`, name: `Customer ${org}-${c}` });
  for (let i = 0; out.length < count; i += 1) {
    out.push({
      kind: 'sales_invoice',
      sourceId: `INV-${org}-${i}`,
      date: '2026-11-20',
      contact: `C${org}-${i % contacts}`,
      lines: [{ description: 'Widget', quantity: 1 + (i % 5), unitPrice: '9.95', taxCode: 'G.S.T.', account: 'sales' }],
    });
  }
  return out;
}

/** User + system CPU time of a process so far, in milliseconds (Linux: /proc/PID/stat, in clock ticks of 10 ms). */
function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** cpuMsOf a process and every process below it. */
function groupCpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  let children: number[] = [];
  try {
    children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    children = [];
  }
  return cpuMsOf(pid) + children.reduce((sum, c) => sum + groupCpuMs(c), 0);
}

async function createDb(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `xport_bench_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: values.db });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(values.db ?? '');
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: values.db });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

async function run(p: { workers: number; orgs: number; limits: boolean }): Promise<{ seconds: number; docsPerSecond: number; calls: number; cpuMsPerDoc: number }> {
  const db = await createDb();
  const sandbox: Sandbox = await startSandbox({ port: 0, limits: { enabled: p.limits } });
  try {
    if (p.orgs > sandbox.tenants.length) {
      await fetch(`${sandbox.url}/_sandbox/organisations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count: p.orgs - sandbox.tenants.length }) });
    }
    const env = {
      XPORT_DATABASE_URL: db.url,
      ...sandboxEnv(sandbox),
      XPORT_POLL_MS: '50',
      XPORT_CLIENT_LIMITS: p.limits ? 'on' : 'off',
    };
    const rt = await createRuntime(loadConfig({ ...env, XPORT_WORKERS: '0', XPORT_LOG_LEVEL: 'silent' }));
    const synced = await syncConnections(rt);
    if (!synced.ok) throw new Error(synced.reason);
    const tenants = synced.tenants.filter((t) => !t.name.includes('(AU)')).slice(0, p.orgs);
    for (const [i, t] of tenants.entries()) {
      const docs = docsFor(i, Math.floor(DOCS / tenants.length));
      for (let k = 0; k < docs.length; k += 1000) {
        const parsed = parseDocumentsRequest({ documents: docs.slice(k, k + 1000) });
        if (!parsed.ok) throw new Error(`bad bench documents: ${parsed.issues[0]?.message}`);
        await rt.queue.ingestParsed(t.id, parsed.documents);
      }
    }
    const expected = (await rt.store.exports.countByStatus(null)).queued;
    // The workers start while every organisation is paused, so that loading the program (TypeScript
    // compiled on the fly in a checkout) is not counted: the clock and their CPU time start when the
    // organisations resume.
    for (const t of tenants) await rt.store.tenants.pause(t.id, { until: new Date('9999-12-31T00:00:00Z'), reason: 'bench: workers starting', code: 'bench' });
    const workers = Array.from({ length: p.workers }, () => spawnWorker(env));
    await waitUntil(async () => (await rt.store.workers.list()).filter((h) => h.state === 'running').length >= p.workers, 120_000, 200);
    const cpuBefore = workers.reduce((sum, w) => sum + groupCpuMs(w.child.pid), 0);
    const started = Date.now();
    if (LATENCY_MS > 0) {
      const rule = { kind: 'latency', rate: 1, latencyMs: LATENCY_MS, match: { method: 'POST' } };
      await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
    }
    for (const t of tenants) await rt.store.tenants.resume(t.id);
    await waitUntil(
      async () => {
        const c = await rt.store.exports.countByStatus(null);
        return c.exported + c.failed === expected;
      },
      1_800_000,
      200,
    );
    const seconds = (Date.now() - started) / 1000;
    // `xport worker` runs as a child of its launcher (bin/xport.js → tsx → node): count the whole group.
    const cpuMs = workers.reduce((sum, w) => sum + groupCpuMs(w.child.pid), 0) - cpuBefore;
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    const journal = ((await (await fetch(`${sandbox.url}/_sandbox/requests?method=POST`)).json()) as { requests: unknown[] }).requests;
    await rt.close();
    return { seconds, docsPerSecond: expected / seconds, calls: journal.length, cpuMsPerDoc: cpuMs / expected };
  } finally {
    await sandbox.close();
    await db.drop();
  }
}

const rows: string[] = [];
const line = (what: string, workers: number, r: Awaited<ReturnType<typeof run>>) =>
  `| ${what} | ${workers} | ${DOCS} | ${r.seconds.toFixed(1)} | ${r.docsPerSecond.toFixed(0)} | ${r.cpuMsPerDoc.toFixed(3)} | ${r.calls} |`;
for (const workers of (values.workers ?? '1,2,4').split(',').map(Number)) {
  rows.push(line(`limits off, 8 organisations${LATENCY_MS > 0 ? `, Xero answers in ${LATENCY_MS} ms` : ''}`, workers, await run({ workers, orgs: 8, limits: false })));
  console.log(rows[rows.length - 1]);
}
if (values.limited !== 'no') {
  rows.push(line("Xero's limits, 50 organisations", 4, await run({ workers: 4, orgs: 50, limits: true })));
  console.log(rows[rows.length - 1]);
}
console.log(
  `\n${os.cpus().length} cores, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} at the end`,
);
console.log(['', '| run | workers | documents | seconds | documents/s | worker CPU ms per document | POST calls |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |', ...rows].join('\n'));
