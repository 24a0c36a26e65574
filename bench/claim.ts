/**
 * What a claim costs beside a large backlog of another kind: N queued exports (default 300,000, of which
 * 80 % — 240,000 — in one organisation, `fillBacklog`), every queued export of that organisation made a
 * sales invoice; then claims of 50 for the worker's endpoint groups, timed (median / p95 / max, ms):
 * the kinds with nothing queued (contacts, journals) and the filled kind (invoices and bills).
 * `--against DIR` times another checkout's claim the same way on its own database, the two
 * interleaved claim by claim (load on the machine varies); the rows give both.
 *
 *   node --import tsx bench/claim.ts [--rows 300000] [--db sqlite|postgres|both] [--runs 41] [--against ../other-checkout]
 * PostgreSQL: XPORT_BENCH_PG (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import type { Store } from '../src/db/store';
import { parseArgs } from './lib/args';
import { BACKLOG_TENANTS, fillBacklog } from './lib/backlog-fill';
import { benchDatabase, type BenchDatabase } from './lib/databases';
import { row, summarise } from './lib/stats';

const args = parseArgs(process.argv.slice(2), { rows: 300_000, runs: 41 });
const against = ((i) => (i >= 0 ? process.argv[i + 1] : undefined))(process.argv.indexOf('--against'));
const BIG = BACKLOG_TENANTS[0].id;
const FILLED = 'sales_invoice';

const CASES: Array<[string, string[]]> = [
  ['empty: contacts (`customer`, `supplier`)', ['customer', 'supplier']],
  ['empty: journals (`journal`)', ['journal']],
  ['filled: invoices and bills (`sales_invoice`, `purchase_bill`)', ['sales_invoice', 'purchase_bill']],
  ['filled: one kind (`sales_invoice`)', [FILLED]],
];

interface Checkout {
  label: string;
  store: Store;
  db: BenchDatabase;
  samples: number[][];
}

async function open(root: string, kind: 'sqlite' | 'postgres', label: string): Promise<Checkout> {
  const { openStore } = (await import(pathToFileURL(path.join(root, 'src/db/store.ts')).href)) as typeof import('../src/db/store');
  const db = await benchDatabase(kind, 'claim');
  const store = await openStore(db.url);
  for (const t of BACKLOG_TENANTS) await store.tenants.upsert({ id: t.id, name: t.name });
  const ms = await fillBacklog(store, args.rows);
  // The big organisation's whole queue of one kind: a claim of any other kind finds nothing in it.
  await store.db.updateTable('exports').set({ kind: FILLED }).where('tenant_id', '=', BIG).where('status', '=', 'queued').execute();
  if (kind === 'postgres') await sql`vacuum analyze exports`.execute(store.db);
  const queued = await store.exports.countByStatus(BIG);
  process.stderr.write(`  ${label} (${kind}): filled in ${Math.round(ms / 1000)} s, ${queued.queued} queued in ${BIG}\n`);
  return { label, store, db, samples: CASES.map(() => []) };
}

for (const kind of args.databases) {
  const checkouts = [await open(fileURLToPath(new URL('..', import.meta.url)), kind, 'this checkout')];
  if (against) checkouts.push(await open(path.resolve(against), kind, against));
  try {
    for (const [c, [, kinds]] of CASES.entries()) {
      for (let i = -2; i < args.runs; i++) {
        for (const co of checkouts) {
          const t = performance.now();
          const got = await co.store.exports.claim({ tenantId: BIG, kinds, limit: 50, owner: 'bench', leaseMs: 3_600_000 });
          const ms = performance.now() - t;
          if (i >= 0) co.samples[c]?.push(ms);
          if (kinds.includes(FILLED) !== (got.length === 50)) throw new Error(`${co.label}: claimed ${got.length} of ${kinds.join(', ')}`);
        }
      }
    }
    console.log(`\n### ${kind}: ${args.rows.toLocaleString('en')} queued, claims of 50 (ms, ${args.runs} runs)\n`);
    console.log(row(['claim', ...checkouts.flatMap((co) => [`${co.label}: median`, 'p95', 'max'])]));
    console.log(row(['---', ...checkouts.flatMap(() => ['---:', '---:', '---:'])]));
    for (const [c, [what]] of CASES.entries()) {
      console.log(
        row([
          what,
          ...checkouts.flatMap((co) => {
            const t = summarise(co.samples[c] ?? []);
            return [t.median, t.p95, t.max];
          }),
        ]),
      );
    }
  } finally {
    for (const co of checkouts) {
      await co.store.close();
      await co.db.drop();
    }
  }
}
