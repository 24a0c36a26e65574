/**
 * A backlog of N queued documents (default 1,000,000) on SQLite and PostgreSQL:
 * with `serve` running as its own process, times /queue, /api/v1/status and the banner's status
 * (median / p95, target under 200 ms) and samples the server's memory under sustained requests
 * (target: flat, under 300 MB RSS); then times the worker's queries over the backlog (claim of 50,
 * the due-work scan, lease recovery) and one whole worker round (no Xero behind it: it pauses
 * each organisation when reference data cannot be read, which is expected here).
 *   node --import tsx bench/backlog.ts [--rows N] [--db sqlite|postgres|both] [--runs N]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { openStore, type Store } from '../src/db/store';
import { EventBus } from '../src/engine/events';
import { QueueService } from '../src/engine/service';
import { parseArgs } from './lib/args';
import { BACKLOG_TENANTS, fillBacklog } from './lib/backlog-fill';
import { benchDatabase } from './lib/databases';
import { get, signIn, startRuntime } from './lib/http';
import { mb, row, timeRuns, type Timing } from './lib/stats';

const args = parseArgs(process.argv.slice(2), { rows: 1_000_000, runs: 41 });
const BIG = BACKLOG_TENANTS[0].id;
const SOAK_REQUESTS = 300;

function line(what: string, t: Timing, target = 200): void {
  console.log(row([what, t.median, t.p95, t.max, t.p95 < target ? 'yes' : '**no**']));
}

interface Child {
  proc: ChildProcess;
  url: string;
  memory(): Promise<NodeJS.MemoryUsage>;
  stop(): Promise<void>;
}

async function startChild(databaseUrl: string): Promise<Child> {
  const proc = fork(fileURLToPath(new URL('./lib/serve-child.ts', import.meta.url)), [databaseUrl], { execArgv: ['--import', 'tsx'] });
  const [first] = (await once(proc, 'message')) as [{ url: string }];
  return {
    proc,
    url: first.url,
    async memory() {
      proc.send('memory');
      for (;;) {
        const [m] = (await once(proc, 'message')) as [{ memory?: NodeJS.MemoryUsage }];
        if (m.memory) return m.memory;
      }
    },
    async stop() {
      proc.send('stop');
      await once(proc, 'exit');
    },
  };
}

async function pages(store: Store, child: Child): Promise<void> {
  const cookie = { cookie: await signIn(child.url) };
  const { token } = await store.tokens.create({ tenantId: BIG, name: 'bench', role: 'admin' });
  const bearer = { authorization: `Bearer ${token}` };
  const queue = new QueueService(store, new EventBus(() => {}));
  const cases: Array<[string, () => Promise<unknown>]> = [
    ['`/queue` (signed in)', () => get(`${child.url}/queue`, cookie)],
    ['`/api/v1/status`', () => get(`${child.url}/api/v1/status`, bearer)],
    ['banner: `QueueService.status` (one SSE update)', () => queue.status(BIG)],
    ['`/api/v1/exports?status=queued`', () => get(`${child.url}/api/v1/exports?status=queued`, bearer)],
    ['`/documents` (signed in)', () => get(`${child.url}/documents`, cookie)],
  ];
  const before = await child.memory();
  for (const [what, fn] of cases) line(what, await timeRuns(args.runs, fn));
  const samples: NodeJS.MemoryUsage[] = [before];
  const t0 = performance.now();
  for (let i = 0; i < SOAK_REQUESTS; i++) {
    const [, fn] = cases[i % 2 === 0 ? 0 : 1] ?? cases[0] ?? ['', async () => {}];
    await fn();
    if (i % 25 === 0) samples.push(await child.memory());
  }
  const soakMs = performance.now() - t0;
  samples.push(await child.memory());
  const rss = samples.map((s) => s.rss);
  const heap = samples.map((s) => s.heapUsed);
  console.log(
    `\nserver memory over ${SOAK_REQUESTS} more requests (/queue and /api/v1/status alternately, ${Math.round(soakMs / SOAK_REQUESTS)} ms each): ` +
      `RSS ${mb(before.rss)} MB before → peak ${mb(Math.max(...rss))} MB → ${mb(rss[rss.length - 1] ?? 0)} MB after; ` +
      `heap used ${mb(before.heapUsed)} MB before → peak ${mb(Math.max(...heap))} MB → ${mb(heap[heap.length - 1] ?? 0)} MB after`,
  );
}

async function workerQueries(store: Store, databaseUrl: string): Promise<void> {
  console.log(`\n${row(['worker query', 'median ms', 'p95 ms', 'max ms', 'p95 < 200 ms'])}\n${row(['---', '---:', '---:', '---:', '---'])}`);
  const groups = [['sales_invoice', 'purchase_bill'], ['sales_credit', 'supplier_credit'], ['journal'], ['customer', 'supplier']];
  for (const kinds of groups) {
    line(`claim 50 of ${kinds.join(' + ')}`, await timeRuns(Math.min(args.runs, 21), () => store.exports.claim({ tenantId: BIG, kinds, limit: 50, owner: 'bench', leaseMs: 3_600_000 })));
  }
  line('tenantsWithDueWork', await timeRuns(Math.min(args.runs, 21), () => store.exports.tenantsWithDueWork()));
  line('recoverExpiredLeases', await timeRuns(Math.min(args.runs, 21), () => store.exports.recoverExpiredLeases()));
  const rt = await startRuntime(databaseUrl, { XPORT_WORKERS: '1' });
  try {
    const worker = rt.workers[0];
    if (!worker) throw new Error('no worker');
    const t0 = performance.now();
    await worker.runOnce();
    const paused = (await rt.store.tenants.list()).filter((t) => t.pausedUntil).length;
    console.log(`\none worker round over the backlog: ${Math.round(performance.now() - t0)} ms (${paused} of ${BACKLOG_TENANTS.length} organisations paused: no Xero behind the bench)`);
  } finally {
    await rt.close();
  }
}

async function benchOne(kind: 'sqlite' | 'postgres'): Promise<void> {
  const database = await benchDatabase(kind, 'backlog');
  const store = await openStore(database.url);
  let child: Child | null = null;
  try {
    for (const t of BACKLOG_TENANTS) await store.tenants.upsert({ id: t.id, name: t.name });
    const ms = await fillBacklog(store, args.rows);
    if (kind === 'postgres') await sql`vacuum analyze`.execute(store.db); // what autovacuum does after a bulk load
    console.log(`\n### ${kind}: ${args.rows.toLocaleString('en')} queued exports (+2,000 failed) filled in ${(ms / 1000).toFixed(1)} s, database ${mb(await database.size())} MB\n`);
    console.log(`${row(['request', 'median ms', 'p95 ms', 'max ms', 'p95 < 200 ms'])}\n${row(['---', '---:', '---:', '---:', '---'])}`);
    child = await startChild(database.url);
    await pages(store, child);
    await child.stop();
    child = null;
    await workerQueries(store, database.url);
  } finally {
    if (child) child.proc.kill();
    await store.close();
    await database.drop();
  }
}

for (const kind of args.databases) await benchOne(kind);
