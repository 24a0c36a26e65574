/**
 * Connection Log at scale: fills N entries (default 1,000,000) over
 * the last 7 days across five organisations on SQLite and on PostgreSQL, then times
 *   (a) level filter + free-text search through the repository,
 *   (b) the first page of /log over real HTTP, signed in (plain and filtered),
 *   (c) GET /api/v1/log?level=error&q=… over real HTTP with an API token,
 *   (d) retention pruning of all N rows in batches while another connection keeps appending (after
 *       5 s of the appends alone, whose event-loop delays show what the machine's load alone costs).
 *   node --import tsx bench/log-search.ts [--rows N] [--db sqlite|postgres|both] [--runs N] [--prune-only]
 * (`--prune-only`: fill, then only (d), to iterate on pruning.)
 * Prints median / p95 / max in ms per case (target: p95 under 50 ms).
 */
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { sql } from 'kysely';
import { openStore, type Store } from '../src/db/store';
import type { LogQuery } from '../src/db/repositories/connection-log';
import { parseArgs } from './lib/args';
import { benchDatabase, type BenchDatabase } from './lib/databases';
import { get, signIn, startRuntime, startServer } from './lib/http';
import { BENCH_TENANTS, makeEntry, prng, type EntryWindow } from './lib/log-entries';
import { mb, row, summarise, timeRuns, type Timing } from './lib/stats';

const args = parseArgs(process.argv.slice(2), { rows: 1_000_000, runs: 41 });
const TENANT = BENCH_TENANTS[0].id;
const BATCH = 1000;
const PRUNE_ONLY = process.argv.includes('--prune-only');

async function fill(store: Store, w: EntryWindow): Promise<number> {
  const rand = prng(w.seed ?? 42);
  const t0 = performance.now();
  for (let start = 0; start < w.total; start += BATCH) {
    const n = Math.min(BATCH, w.total - start);
    await store.log.append(Array.from({ length: n }, (_, k) => makeEntry(start + k, w, rand)));
    if ((start / BATCH) % 100 === 99) process.stderr.write(`  ${start + n} entries…\r`);
  }
  return performance.now() - t0;
}

/** A document reference of the big organisation that has an error entry, from the middle of the log. */
async function rareRef(store: Store, total: number): Promise<string> {
  for (let id = Math.floor(total / 2); id < total; id++) {
    const e = await store.log.get(id);
    if (e?.tenantId === TENANT && e.level === 'error' && e.documentRef) return e.documentRef;
  }
  throw new Error('no error entry with a document reference');
}

function line(what: string, t: Timing, hits?: number): void {
  console.log(row([what, hits === undefined ? '' : hits, t.median, t.p95, t.max, t.p95 < 50 ? 'yes' : '**no**']));
}

async function searches(store: Store, ref: string): Promise<void> {
  const cases: Array<[string, LogQuery]> = [
    ['error + document ref (rare)', { tenantId: TENANT, level: 'error', q: ref }],
    ['error + "period lock date" (common)', { tenantId: TENANT, level: 'error', q: 'period lock date' }],
    ['error + "HTTP 503"', { tenantId: TENANT, level: 'error', q: 'HTTP 503' }],
    ['error + text found nowhere', { tenantId: TENANT, level: 'error', q: 'no such words' }],
    ['error + "exported to Xero" (in half the entries, none an error)', { tenantId: TENANT, level: 'error', q: 'exported to Xero' }],
    ['all levels + "archived"', { tenantId: TENANT, level: 'all', q: 'archived' }],
    ['all levels + text found nowhere', { tenantId: TENANT, level: 'all', q: 'zqxj' }],
    ['all levels + 2 letters ("zq", no index)', { tenantId: TENANT, level: 'all', q: 'zq' }],
    ['error, no text, page 2 (cursor)', { tenantId: TENANT, level: 'error', beforeId: Math.floor(args.rows * 0.9) }],
  ];
  for (const [what, query] of cases) {
    let hits = 0;
    const t = await timeRuns(args.runs, async () => {
      hits = (await store.log.search({ ...query, limit: 50 })).entries.length;
    });
    line(`repository: ${what}`, t, hits);
  }
}

async function overHttp(store: Store, databaseUrl: string, ref: string): Promise<void> {
  const rt = await startRuntime(databaseUrl);
  const server = await startServer(rt);
  try {
    const cookie = { cookie: await signIn(server.url) };
    const { token } = await store.tokens.create({ tenantId: TENANT, name: 'bench', role: 'admin' });
    const bearer = { authorization: `Bearer ${token}` };
    const pages: Array<[string, string, Record<string, string>]> = [
      ['/log (first page)', '/log', cookie],
      ['/log?level=error&q=period lock date', '/log?level=error&q=period+lock+date', cookie],
      [`/log?level=error&q=${ref}`, `/log?level=error&q=${ref}`, cookie],
      ['/log?q=text found nowhere', '/log?q=no+such+words', cookie],
      ['/api/v1/log?level=error&q=period lock date', '/api/v1/log?level=error&q=period%20lock%20date', bearer],
      [`/api/v1/log?level=error&q=${ref}`, `/api/v1/log?level=error&q=${ref}`, bearer],
      ['/api/v1/log?level=error&q=text found nowhere', '/api/v1/log?level=error&q=no%20such%20words', bearer],
    ];
    for (const [what, path, headers] of pages) line(`HTTP: \`${what}\``, await timeRuns(args.runs, () => get(`${server.url}${path}`, headers)));
  } finally {
    await server.close();
    await rt.close();
  }
}

/** Prunes every filled entry (all older than the cut-off) while a second connection appends every 20 ms; times each append from when it was due. */
async function pruneWhileAppending(store: Store, databaseUrl: string, cutoff: Date): Promise<void> {
  const writer = await openStore(databaseUrl, { migrate: false });
  const latencies: number[] = [];
  let running = true;
  const appender = (async () => {
    while (running) {
      // From when the append was due (20 ms after the last one), so time spent waiting for a turn of
      // the event loop (SQLite's prune runs on this thread) counts as well as waiting for a lock.
      const due = performance.now() + 20;
      await new Promise((r) => setTimeout(r, 20));
      await writer.log.append([{ tenantId: TENANT, level: 'info', event: 'bench.append', message: 'appended while pruning' }]);
      latencies.push(performance.now() - due);
    }
  })();
  // The same for 5 s of appends alone first: what the machine's load costs without any prune (on a
  // shared machine, a process that waits for a core shows as a held event loop too).
  const idle = monitorEventLoopDelay({ resolution: 10 });
  idle.enable();
  await new Promise((r) => setTimeout(r, 5_000));
  idle.disable();
  // The longest the event loop was held at once (resolution 10 ms): what a request waits at worst.
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const t0 = performance.now();
  const deleted = await store.log.prune(cutoff);
  const took = performance.now() - t0;
  loop.disable();
  running = false;
  await appender;
  await writer.close();
  const left = await store.db
    .selectFrom('connection_log')
    .select(sql<number>`count(*)`.as('n'))
    .where('event', '=', 'bench.append')
    .executeTakeFirstOrThrow();
  const a = summarise(latencies);
  console.log(
    `\npruned ${deleted} entries in ${Math.round(took)} ms (${Math.round(deleted / (took / 1000))}/s); ` +
      `${latencies.length} concurrent appends: median ${a.median} ms, p95 ${a.p95} ms, max ${a.max} ms; ${Number(left.n)} appended entries kept; event loop held at most ${Math.round(loop.max / 1e6)} ms at a time (p99 of its delays ${Math.round(loop.percentile(99) / 1e6)} ms); ` +
      `with the appends alone before it, at most ${Math.round(idle.max / 1e6)} ms (p99 ${Math.round(idle.percentile(99) / 1e6)} ms); load average ${os.loadavg()[0]?.toFixed(1)}`,
  );
}

async function benchOne(kind: 'sqlite' | 'postgres'): Promise<void> {
  const database: BenchDatabase = await benchDatabase(kind, 'log');
  const store = await openStore(database.url);
  try {
    for (const t of BENCH_TENANTS) await store.tenants.upsert({ id: t.id, name: t.name });
    const to = new Date(Date.now() - 10 * 60_000);
    const window = { total: args.rows, from: new Date(to.getTime() - 7 * 86_400_000 + 3_600_000), to };
    const ms = await fill(store, window);
    if (kind === 'postgres') await sql`vacuum analyze connection_log`.execute(store.db); // what autovacuum does after a bulk load
    console.log(
      `\n### ${kind}: ${args.rows.toLocaleString('en')} entries filled in ${(ms / 1000).toFixed(1)} s (${Math.round(args.rows / (ms / 1000))}/s), database ${mb(await database.size())} MB\n`,
    );
    if (!PRUNE_ONLY) {
      console.log(row(['case', 'hits', 'median ms', 'p95 ms', 'max ms', 'p95 < 50 ms']));
      console.log(row(['---', '---:', '---:', '---:', '---:', '---']));
      const ref = await rareRef(store, args.rows);
      await searches(store, ref);
      await overHttp(store, database.url, ref);
    }
    await pruneWhileAppending(store, database.url, new Date(to.getTime() + 1));
  } finally {
    await store.close();
    await database.drop();
  }
}

for (const kind of args.databases) await benchOne(kind);
