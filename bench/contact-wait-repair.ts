/**
 * The cost of the stuck-contact-wait repair that every worker runs at start and once a minute, over
 * a large queue: N exports (default 200,000) of which 50,000 failed and 20,000 wait for contacts that
 * were never received (nothing to repair: the usual case), then with 1,000 documents stuck behind 100
 * exported contacts without a link (repaired once).
 *   node --import tsx bench/contact-wait-repair.ts [--rows N] [--db sqlite|postgres|both] [--runs N]
 */
import { sql } from 'kysely';
import { openStore } from '../src/db/store';
import { EventBus } from '../src/engine/events';
import { repairStuckContactWaits } from '../src/engine/stuck-waits';
import { parseArgs } from './lib/args';
import { BACKLOG_TENANTS, fillBacklog } from './lib/backlog-fill';
import { benchDatabase } from './lib/databases';
import { row, timeRuns } from './lib/stats';

const args = parseArgs(process.argv.slice(2), { rows: 200_000, runs: 21 });
const BIG = BACKLOG_TENANTS[0].id;

async function benchOne(kind: 'sqlite' | 'postgres'): Promise<void> {
  const database = await benchDatabase(kind, 'repair');
  const store = await openStore(database.url);
  const bus = new EventBus();
  try {
    for (const t of BACKLOG_TENANTS) await store.tenants.upsert({ id: t.id, name: t.name });
    await fillBacklog(store, args.rows, 50_000);
    // 20,000 invoices waiting for contacts never received.
    await sql`update exports set status = 'waiting', waiting_for = 'customer:NEVER-' || (id % 2000), waiting_since = updated_at
      where id in (select id from exports where kind = 'sales_invoice' and status = 'queued' order by id limit 20000)`.execute(store.db);
    if (kind === 'postgres') await sql`vacuum analyze`.execute(store.db);
    console.log(`\n### ${kind}: ${args.rows.toLocaleString('en')} exports, 50,000 failed, 20,000 waiting\n`);
    console.log(`${row(['repair', 'median ms', 'p95 ms', 'max ms', 'released'])}\n${row(['---', '---:', '---:', '---:', '---:'])}`);
    const idle = await timeRuns(args.runs, () => repairStuckContactWaits(store, bus, new Date()));
    console.log(row(['nothing stuck', idle.median, idle.p95, idle.max, 0]));
    await stick(store.db);
    let released = 0;
    const t0 = performance.now();
    released = await repairStuckContactWaits(store, bus, new Date());
    console.log(row(['1,000 stuck behind 100 contacts', Math.round(performance.now() - t0), '', '', released]));
  } finally {
    await store.close();
    await database.drop();
  }
}

/** 100 customers marked exported without a link, 10 queued invoices each made to wait for them. */
async function stick(db: Parameters<typeof fillBacklog>[0]['db']): Promise<void> {
  await sql`update exports set status = 'exported', xero_id = 'xero-' || source_id
    where id in (select id from exports where tenant_id = ${BIG} and kind = 'customer' and status = 'queued' order by id limit 100)`.execute(db);
  const contacts = await db.selectFrom('exports').select('source_id').where('tenant_id', '=', BIG).where('kind', '=', 'customer').where('status', '=', 'exported').execute();
  const invoices = await db.selectFrom('exports').select('id').where('tenant_id', '=', BIG).where('kind', '=', 'sales_invoice').where('status', '=', 'queued').orderBy('id').limit(1000).execute();
  for (const [i, inv] of invoices.entries()) {
    await db
      .updateTable('exports')
      .set({ status: 'waiting', waiting_for: `customer:${contacts[i % contacts.length]?.source_id ?? ''}` })
      .where('id', '=', inv.id)
      .execute();
  }
}

for (const kind of args.databases) await benchOne(kind);
