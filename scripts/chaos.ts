/**
 * The chaos run: a real `xport worker` process killed with SIGKILL at random
 * moments and restarted, while the sandbox injects 500s, 503s, hangs (timeouts), dropped
 * connections and 429 bursts, before and after the write. It ends with the check that every
 * document is in Xero exactly once or failed with a reason, prints a summary and exits 1 otherwise.
 *
 *   npx tsx scripts/chaos.ts --mode ci                      # one cycle, ~1-2 minutes
 *   npx tsx scripts/chaos.ts --mode long --minutes 240      # cycles of 2,000 documents for 4 hours
 *   options: --docs N (per cycle) --kills K (per cycle) --db sqlite|postgres --seed S --lease-ms MS
 *            --json FILE (the report as JSON too)
 *
 * The long mode arms 503 "The Organisation is offline" as well. Each cycle's worker is killed and
 * awaited before the next starts, and a worker left running on the run's database fails the run.
 *
 * PostgreSQL: XPORT_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import fs from 'node:fs';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function intArg(name: string, fallback: number): number {
  const raw = arg(name);
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, not ${raw}`);
  return n;
}

async function main(): Promise<number> {
  const mode = arg('mode') ?? 'ci';
  const db = arg('db') ?? 'sqlite';
  if (mode !== 'ci' && mode !== 'long') throw new Error(`--mode must be ci or long, not ${mode}`);
  if (db !== 'sqlite' && db !== 'postgres') throw new Error(`--db must be sqlite or postgres, not ${db}`);
  if (db === 'postgres') process.env.XPORT_TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  // Imported after the environment is settled: the test helpers read XPORT_TEST_DATABASE_URL when loaded.
  const { formatReport, runChaos } = await import('../test/reliability/lib/chaos-run');
  const long = mode === 'long';
  const report = await runChaos({
    db,
    faults: 'soak',
    docs: intArg('docs', long ? 2000 : 1000),
    kills: intArg('kills', long ? 10 : 6),
    minutes: intArg('minutes', long ? 60 : 0),
    offline: long,
    // "The Organisation is offline" waits 5 minutes (Xero's advice) in the long mode's soak.
    settleMs: long ? 8 * 60_000 : 120_000,
    leaseMs: intArg('lease-ms', 3000),
    seed: arg('seed') === undefined ? undefined : intArg('seed', 0),
    log: (line) => console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`),
  });
  console.log(formatReport(report));
  const json = arg('json');
  if (json) fs.writeFileSync(json, `${JSON.stringify({ mode, db, ...report }, null, 2)}\n`);
  return report.verdict.ok && report.verdict.unexpectedFailures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
