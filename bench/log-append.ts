/**
 * The Connection Log's write path alone: appends of export entries shaped like the writer's
 * (`export.exported`, a reference, details), in writes of `--batch` entries (the writer's coalesced
 * flushes hold a few hundred), into a log that already holds `--fill` entries. Prints the CPU time of
 * this process per entry (median of `--runs` timed rounds of `--writes` writes each), per database.
 *
 *   node --import tsx bench/log-append.ts [--db sqlite|postgres|both] [--batch 500] [--fill 50000] [--writes 20] [--runs 7]
 */
import { openStore } from '../src/db/store';
import type { LogEntryInput } from '../src/db/repositories/connection-log';
import { benchDatabase } from './lib/databases';
import { row } from './lib/stats';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const DBS = arg('db', 'both') === 'both' ? (['sqlite', 'postgres'] as const) : ([arg('db', 'sqlite')] as Array<'sqlite' | 'postgres'>);
const BATCH = Number(arg('batch', '500'));
const FILL = Number(arg('fill', '50000'));
const WRITES = Number(arg('writes', '20'));
const RUNS = Number(arg('runs', '7'));
const TENANT = { id: 'bbbbbbbb-0000-4000-8000-00000000000b', name: 'Bench Ltd' };

let n = 0;
function entries(count: number): LogEntryInput[] {
  return Array.from({ length: count }, () => {
    n += 1;
    const ref = `INV-${String(n).padStart(7, '0')}`;
    return {
      tenantId: TENANT.id,
      level: 'info',
      event: 'export.exported',
      exportId: n,
      documentRef: ref,
      message: `${ref} exported to Xero`,
      details: { kind: 'sales_invoice', xeroId: `0f8fad5b-d9cb-469f-a165-${String(n).padStart(12, '0')}`, durationMs: 212, correlationId: 'c0ffee00-0000-4000-8000-000000000000', limits: null },
      at: new Date(),
    };
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<void> {
  const out: string[] = [];
  for (const kind of DBS) {
    const db = await benchDatabase(kind, 'logappend');
    const store = await openStore(db.url);
    try {
      await store.tenants.upsert(TENANT);
      for (let i = 0; i < FILL; i += 1000) await store.log.append(entries(Math.min(1000, FILL - i)));
      const perEntry: number[] = [];
      for (let r = 0; r < RUNS + 1; r += 1) {
        const batches = Array.from({ length: WRITES }, () => entries(BATCH));
        const c0 = process.cpuUsage();
        for (const b of batches) await store.log.append(b);
        const c = process.cpuUsage(c0);
        if (r > 0) perEntry.push((c.user + c.system) / (WRITES * BATCH)); // the first round warms up
      }
      out.push(row([kind, BATCH, FILL, median(perEntry).toFixed(1), Math.min(...perEntry).toFixed(1), Math.max(...perEntry).toFixed(1)]));
    } finally {
      await store.close();
      await db.drop();
    }
  }
  console.log(`\nConnection Log appends of ${BATCH} export entries, ${WRITES} writes per round, ${RUNS} rounds (CPU µs per entry)\n`);
  console.log('| database | entries per write | entries before | median µs/entry | min | max |\n| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const line of out) console.log(line);
}

await main();
