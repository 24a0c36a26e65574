/**
 * Throughput end to end: N mixed documents posted over HTTP to xport's API, exported
 * by one worker loop to the sandbox with every limit off (the sandbox's and xport's own call gate,
 * `noClientLimits`), until each is recorded as exported or failed. Measured on SQLite and PostgreSQL,
 * for the batching exporter (50 per call) and a one-document-per-call exporter on the same data in
 * the same run: documents per second, CPU time per document, peak RSS of this process and the ratio.
 * The sandbox and the API client (bench/lib/poster.ts) run in child processes of their own, so that the
 * RSS and CPU time are xport's alone: its HTTP server, its worker, its database work. `--warm-up N`
 * (default 200) documents are ingested and exported before the measurement starts; the JIT compiler is
 * still busy for the first few thousand documents after that, so a larger warm-up gives the figure of
 * a server that has been running for a while. `--rounds R` measures R rounds of `--docs` new documents one
 * after the other on the same server and database and reports the round of median CPU per document (each
 * round's figure is printed too): the figure of a server that keeps running, with less of the noise of one run.
 * `ingest` posts the same documents with no worker running: ingest alone.
 *
 *   node --import tsx bench/throughput.ts [--docs 5000] [--db sqlite|postgres|both] [--only batched|single|ingest] [--parallel 1] [--warm-up 200] [--rounds 1]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/throughput.ts --db sqlite --only batched
 * PostgreSQL: XPORT_BENCH_PG (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/config';
import { createRuntime, syncConnections, type Runtime } from '../src/app/runtime';
import { buildServer } from '../src/web/server';
import { mixedBacklog } from '../test/reliability/lib/documents';
import { benchDatabase } from './lib/databases';
import { mb, row } from './lib/stats';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const DOCS = Number(arg('docs') ?? 5000);
const DBS = (arg('db') ?? 'both') === 'both' ? (['sqlite', 'postgres'] as const) : ([arg('db')] as Array<'sqlite' | 'postgres'>);
const ONLY = arg('only');
const PARALLEL = Math.max(1, Number(arg('parallel') ?? 1));
const TOKEN = 'bench-api-token-0123456789';
/** Documents exported before the measurement starts (not counted). */
const WARM_UP = Number(arg('warm-up') ?? 200);
/** Measured rounds of DOCS documents each, on the same server and database; the median round is reported. */
const ROUNDS = Math.max(1, Number(arg('rounds') ?? 1));

type Exporter = 'batched' | 'single' | 'ingest';
interface Result {
  db: string;
  exporter: Exporter;
  docs: number;
  exported: number;
  failed: number;
  seconds: number;
  perSecond: number;
  cpuMsPerDoc: number;
  peakRssMb: number;
  calls: number;
}

async function startSandboxChild(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [path.resolve('bin/xport.js'), 'sandbox', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', () => reject(new Error(`the sandbox exited: ${out}`)));
  });
  await fetch(`${url}/_sandbox/limits`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enabled: false }) });
  return { url, child };
}

/** The API client's process (bench/lib/poster.ts): one question at a time, answered when done. */
function startPoster(): { ask: (m: object) => Promise<void>; stop: () => void } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('bench/lib/poster.ts')], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return {
    ask: (m) =>
      new Promise<void>((resolve, reject) => {
        child.once('message', (a: { ok: boolean; error?: string }) => (a.ok ? resolve() : reject(new Error(a.error))));
        child.send(m);
      }),
    stop: () => void child.send({ type: 'exit' }),
  };
}

/** Exports that reached exported or failed so far, counted from the engine's events (no query while the bench waits). */
function countFinished(rt: Runtime): () => number {
  let n = 0;
  rt.bus.on('export.exported', () => void (n += 1));
  rt.bus.on('export.failed', () => void (n += 1));
  return () => n;
}

/** Waits for `total` finished exports by their events, then confirms with the counts (polling would cost xport CPU time of its own). */
async function waitSettled(rt: Runtime, tenantId: string, total: number, finished: () => number): Promise<{ exported: number; failed: number }> {
  while (finished() < total) await new Promise((r) => setTimeout(r, 5));
  for (;;) {
    const c = await rt.store.exports.countByStatus(tenantId);
    if (c.exported + c.failed + c.skipped >= total && c.queued + c.exporting + c.waiting === 0) return { exported: c.exported, failed: c.failed };
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function runOnce(kind: 'sqlite' | 'postgres', exporter: Exporter, sandboxUrl: string): Promise<Result> {
  await fetch(`${sandboxUrl}/_sandbox/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  await fetch(`${sandboxUrl}/_sandbox/limits`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enabled: false }) });
  const db = await benchDatabase(kind, 'throughput');
  const config = loadConfig({
    XPORT_DATABASE_URL: db.url,
    XPORT_API_TOKEN: TOKEN,
    XPORT_LOG_LEVEL: 'silent',
    XPORT_WORKERS: '1',
    XPORT_POLL_MS: '20',
    XPORT_BATCH_SIZE: exporter === 'batched' ? '50' : '1',
    XPORT_XERO_TIMEOUT_MS: '30000',
    XERO_CLIENT_ID: 'xport-sandbox',
    XERO_CLIENT_SECRET: 'xport-sandbox-secret',
    XERO_API_URL: sandboxUrl,
    XERO_IDENTITY_URL: sandboxUrl,
    XERO_LOGIN_URL: sandboxUrl,
  });
  // One document per call gets the same rounds as the batcher gets batches: only the batch size differs.
  const rt = await createRuntime(config, { noClientLimits: true, workerOptions: exporter === 'single' ? { batchesPerTenantRound: 100 } : {} });
  const app = await buildServer(rt);
  const finished = countFinished(rt);
  const poster = startPoster();
  try {
    const synced = await syncConnections(rt);
    if (!synced.ok) throw new Error(synced.reason);
    const tenantId = synced.tenants.find((t) => t.name.includes('(NZ)'))?.id ?? '';
    await rt.reference.refresh(tenantId);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const first = mixedBacklog(DOCS, 'T').documents;
    let peak = process.memoryUsage.rss();
    // Four times a second: reading the RSS costs ~0.2 ms of this process's CPU each time (at 25 ms it was ~1 % of
    // the figure measured), and the heap grows and shrinks over seconds, not milliseconds.
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 250);
    // Requests of 500, `--parallel` of them in flight at a time (default 1: one after the other), posted by a
    // process of its own (bench/lib/poster.ts) from bodies serialised before the measurement.
    const load = (docs: unknown[]) => {
      const bodies: string[] = [];
      for (let i = 0; i < docs.length; i += 500) bodies.push(JSON.stringify({ documents: docs.slice(i, i + 500) }));
      return poster.ask({ type: 'load', url, token: TOKEN, bodies, parallel: PARALLEL });
    };
    // Warm-up outside the measurement: modules load and compile on first use (tsx), statements get prepared.
    const warm = mixedBacklog(WARM_UP, 'W').documents;
    await load(warm);
    await poster.ask({ type: 'post' });
    let warmDone = { exported: 0, failed: 0 };
    if (exporter !== 'ingest') {
      rt.startWorkers();
      warmDone = await waitSettled(rt, tenantId, warm.length, finished);
    }
    // `--rounds R`: R measured rounds of DOCS new documents each, one after the other on the same server and
    // database (as a server that keeps running); the result is the round of median CPU per document.
    const rounds: Result[] = [];
    let settledSoFar = warm.length;
    let exportedSoFar = warmDone;
    for (let round = 0; round < ROUNDS; round += 1) {
      // A prefix no other round's names can start with ("T1" + "0" would be "T" + "10": a contact name Xero refuses twice).
      const documents = round === 0 ? first : mixedBacklog(DOCS, `R${round}-`).documents;
      await load(documents);
      const before = (await (await fetch(`${sandboxUrl}/_sandbox/requests?method=POST`)).json()) as { requests: unknown[] };
      const t0 = performance.now();
      const mark0 = process.hrtime.bigint() / 1000n;
      const cpu0 = process.cpuUsage();
      await poster.ask({ type: 'post' });
      settledSoFar += documents.length;
      const done = exporter === 'ingest' ? { exported: 0, failed: 0 } : await waitSettled(rt, tenantId, settledSoFar, finished);
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      // The measured window on the clock of `--cpu-prof`'s timestamps (µs), so that a profile can be read for it alone.
      if (process.env.XPORT_BENCH_MARKS) console.error(`measured window (µs): ${mark0} ${process.hrtime.bigint() / 1000n}`);
      const after = (await (await fetch(`${sandboxUrl}/_sandbox/requests?method=POST`)).json()) as { requests: unknown[] };
      rounds.push({
        db: kind,
        exporter,
        docs: documents.length,
        exported: done.exported - exportedSoFar.exported,
        failed: done.failed - exportedSoFar.failed,
        seconds: Math.round(seconds * 100) / 100,
        perSecond: Math.round(documents.length / seconds),
        cpuMsPerDoc: Math.round(((cpu.user + cpu.system) / 1000 / documents.length) * 1000) / 1000,
        peakRssMb: mb(peak),
        calls: after.requests.length - before.requests.length,
      });
      exportedSoFar = done;
    }
    clearInterval(sampler);
    if (ROUNDS > 1) console.error(`${kind} ${exporter} rounds, ms CPU per document: ${rounds.map((r) => r.cpuMsPerDoc).join(', ')}`);
    const median = [...rounds].sort((a, b) => a.cpuMsPerDoc - b.cpuMsPerDoc)[Math.floor((rounds.length - 1) / 2)] as Result;
    return { ...median, peakRssMb: mb(peak) };
  } finally {
    poster.stop();
    await app.close();
    await rt.close();
    await db.drop();
  }
}

async function main(): Promise<void> {
  const { url, child } = await startSandboxChild();
  const results: Result[] = [];
  try {
    for (const kind of DBS) {
      for (const exporter of ['ingest', 'batched', 'single'] as const) {
        if (ONLY && ONLY !== exporter) continue;
        const r = await runOnce(kind, exporter, url);
        results.push(r);
        console.error(`${kind} ${exporter}: ${r.perSecond} documents/s, ${r.cpuMsPerDoc} ms CPU per document (${r.seconds} s, ${r.calls} calls, peak RSS ${r.peakRssMb} MB)`);
      }
    }
  } finally {
    child.kill('SIGTERM');
  }
  console.log(
    `\nThroughput, ${DOCS} mixed documents (${PARALLEL} request(s) of 500 in flight), ingest over HTTP → export → recorded; sandbox limits off; ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}\n`,
  );
  console.log(row(['database', 'exporter', 'documents/s', 'CPU ms per document', 'seconds', 'Xero calls', 'exported', 'failed', 'peak RSS (MB)']));
  console.log(row(['---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  const label = { batched: 'batched (50 per call)', single: 'one per call', ingest: 'ingest only (no worker)' } as const;
  for (const r of results) console.log(row([r.db, label[r.exporter], r.perSecond, r.cpuMsPerDoc, r.seconds, r.calls, r.exported, r.failed, r.peakRssMb]));
  for (const kind of DBS) {
    const b = results.find((r) => r.db === kind && r.exporter === 'batched');
    const s = results.find((r) => r.db === kind && r.exporter === 'single');
    if (b && s) console.log(`\n${kind}: batched / one-per-call = ${(b.perSecond / s.perSecond).toFixed(1)}×`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
