/**
 * The crash-and-fault run shared by test/reliability/*.test.ts and scripts/chaos.ts: a real
 * `xport worker` child process on a real database exports a mixed backlog to a sandbox started in
 * this process; it is killed with SIGKILL at random moments (some while a call is in flight, found
 * from the sandbox's request journal) and restarted each time, while faults are armed in the
 * sandbox; at the end every document must be in Xero exactly once or failed with a reason.
 */
import { loadConfig } from '../../../src/config/config';
import { createRuntime, syncConnections, type Runtime } from '../../../src/app/runtime';
import { parseDocumentsRequest } from '../../../src/domain/documents';
import { startSandbox, type FaultRule, type JournalEntry, type Sandbox } from '../../../src/sandbox/index';
import { makeDatabase, type TestDatabase } from '../../helpers/databases';
import { sleep, spawnWorker, waitUntil, workersOn, type WorkerProcess } from '../../helpers/processes';
import { mixedBacklog } from './documents';
import { sandboxApi, summariseJournal, verifyExactlyOnce, type JournalSummary, type Verdict } from './verify';
import { sandboxEnv } from '../../helpers/sandbox-env';

export interface ChaosOptions {
  db: 'sqlite' | 'postgres';
  /** Documents per cycle. */
  docs: number;
  /** SIGKILLs per cycle. */
  kills: number;
  /** `crash`: latency and lost-answer faults so that kills land mid-call; `soak`: every fault kind as well. */
  faults: 'crash' | 'soak';
  /** Cycles keep starting until this many minutes have passed (long mode); at least one cycle runs. */
  minutes?: number;
  /** Arm 503 "The Organisation is offline" too (retried after 5 minutes, so for long runs). Default: minutes > 10. */
  offline?: boolean;
  /** Longest wait for the backlog to finish after the last kill of a cycle. Default 120 s. */
  settleMs?: number;
  seed?: number;
  /** XPORT_LEASE_MS of the worker; XPORT_XERO_TIMEOUT_MS is 2/3 of it. Default 3000. */
  leaseMs?: number;
  log?: (line: string) => void;
}

export interface ChaosReport {
  seed: number;
  cycles: number;
  kills: number;
  /** Kills that landed while a write call was in flight in the sandbox. */
  killsMidCall: number;
  seconds: number;
  /** Most `xport worker` processes seen on the run's database at one time before a start (must be 0). */
  strayWorkers: number;
  verdict: Verdict;
  journal: JournalSummary;
}

/** A small seeded PRNG (mulberry32) so that a failing run can be repeated with its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WRITE = { method: 'POST' };

/** Every write is slowed a little for the whole run, so that there is always a call for a kill to land in. */
function slowWrites(timeoutMs: number): FaultRule {
  return { kind: 'latency', rate: 1, latencyMs: Math.round(timeoutMs / 2), phase: 'before', problem: 'minute', match: WRITE };
}

/** Armed before each restart: answers lost after the write on each endpoint, and a dropped connection. */
function crashFaults(): FaultRule[] {
  // Bills, credit notes and journals can be created twice in Xero (only sales invoice numbers are unique): aim at each.
  const lost = ['/Invoices', '/CreditNotes', '/ManualJournals'].map((path): FaultRule => ({ kind: 'error500', count: 1, phase: 'after', latencyMs: 0, problem: 'minute', match: { ...WRITE, path } }));
  return [...lost, { kind: 'drop', count: 1, phase: 'after', latencyMs: 0, problem: 'minute', match: WRITE }];
}

/** The fault soak: 500s, 503s, hangs (timeouts), dropped connections and 429 bursts, before and after the write. */
function soakFaults(random: () => number, offline: boolean): FaultRule[] {
  const phase = (): 'before' | 'after' => (random() < 0.5 ? 'before' : 'after');
  const base = { latencyMs: 0, problem: 'minute' as const, match: {} };
  return [
    ...crashFaults(),
    { ...base, kind: 'error500', rate: 0.1, count: 4, phase: phase() },
    { ...base, kind: 'unavailable503', count: 1, phase: phase() },
    // "The Organisation is offline" is retried after 5 minutes as Xero advises: only the long run can wait for it.
    ...(offline ? [{ ...base, kind: 'offline503' as const, count: 1, phase: phase() }] : []),
    { ...base, kind: 'hang', count: 1, phase: phase(), match: WRITE },
    { ...base, kind: 'drop', rate: 0.05, count: 2, phase: phase() },
    { ...base, kind: 'rate429', count: 3, retryAfter: 1, phase: phase() },
  ];
}

interface Context {
  o: Required<Omit<ChaosOptions, 'log' | 'seed'>>;
  log: (line: string) => void;
  random: () => number;
  sandbox: Sandbox;
  rt: Runtime;
  tenantId: string;
  env: Record<string, string>;
  worker: WorkerProcess | null;
  kills: number;
  killsMidCall: number;
  strayWorkers: number;
}

/** Adds rules; rules that have not fired yet stay armed across restarts. */
async function armFaults(c: Context, rules: FaultRule[]): Promise<void> {
  await fetch(`${c.sandbox.url}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ faults: rules }) });
}

async function inFlightWrites(c: Context): Promise<JournalEntry[]> {
  const res = await fetch(`${c.sandbox.url}/_sandbox/requests?method=POST&tenantId=${c.tenantId}`);
  const list = ((await res.json()) as { requests: JournalEntry[] }).requests;
  return list.filter((e) => e.status === null && e.fault !== 'hang' && e.fault !== 'drop');
}

async function ingest(c: Context, docs: unknown[]): Promise<void> {
  const parsed = parseDocumentsRequest({ documents: docs });
  if (!parsed.ok)
    throw new Error(
      `generated documents do not parse: ${parsed.issues
        .slice(0, 3)
        .map((i) => i.message)
        .join('; ')}`,
    );
  for (let i = 0; i < parsed.documents.length; i += 500) await c.rt.queue.ingestParsed(c.tenantId, parsed.documents.slice(i, i + 500));
}

/**
 * The previous worker is killed and awaited (its whole process group) before the next one starts, and
 * the check that no worker is left on this database fails the run otherwise.
 */
async function startWorker(c: Context): Promise<void> {
  await c.worker?.kill('SIGKILL');
  c.worker = null;
  const url = c.env.XPORT_DATABASE_URL ?? '';
  let left = workersOn(url) ?? [];
  if (left.length > 0) await waitUntil(async () => (left = workersOn(url) ?? []).length === 0, 2_000, 50);
  c.strayWorkers = Math.max(c.strayWorkers, left.length);
  if (left.length > 0) throw new Error(`stray xport worker process(es) still running on the run's database: ${left.join(', ')}`);
  c.worker = spawnWorker(c.env);
}

/** Kills the worker: half the time after a random delay, half the time as soon as a write is in flight. */
async function killOnce(c: Context, n: number): Promise<void> {
  const midCall = n % 2 === 1;
  // A restarted worker first starts up and looks up what its predecessor left unanswered (reads, not
  // writes): on a loaded machine its first write can take longer than a few seconds to come.
  if (midCall) await waitUntil(async () => (await inFlightWrites(c)).length > 0, 20_000, 15);
  else await sleep(1_500 + Math.floor(c.random() * 2_500));
  const flying = (await inFlightWrites(c)).length;
  await c.worker?.kill('SIGKILL');
  c.kills += 1;
  if (flying > 0) c.killsMidCall += 1;
  c.log(`kill ${c.kills}: ${midCall ? 'waiting for a call in flight' : 'random delay'}, ${flying} write(s) in flight`);
}

async function openStatuses(c: Context): Promise<number> {
  const counts = await c.rt.store.exports.countByStatus(c.tenantId);
  return counts.queued + counts.exporting + counts.waiting;
}

async function runCycle(c: Context, prefix: string): Promise<Set<string>> {
  const backlog = mixedBacklog(c.o.docs, prefix);
  // Half now, the rest in two waves while the worker is down, as the inventory system would keep sending.
  const half = Math.ceil(backlog.documents.length / 2);
  const quarter = Math.ceil(backlog.documents.length / 4);
  await ingest(c, backlog.documents.slice(0, half));
  await armFaults(c, [slowWrites((c.o.leaseMs * 2) / 3)]);
  for (let k = 0; k < c.o.kills; k += 1) {
    await armFaults(c, c.o.faults === 'soak' ? soakFaults(c.random, c.o.offline) : crashFaults());
    await startWorker(c);
    await killOnce(c, k);
    c.worker = null;
    if (k === 1) await ingest(c, backlog.documents.slice(half, half + quarter));
    if (k === 3) await ingest(c, backlog.documents.slice(half + quarter));
  }
  if (c.o.kills < 4) await ingest(c, backlog.documents.slice(half + (c.o.kills < 2 ? 0 : quarter)));
  // Armed faults stay until they have fired: the last worker meets them too.
  await startWorker(c);
  const settled = await waitUntil(async () => (await openStatuses(c)) === 0, c.o.settleMs, 250);
  c.log(settled ? 'backlog settled' : `backlog did not settle in ${c.o.settleMs} ms: ${await openStatuses(c)} open`);
  return backlog.mustFail;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const log = options.log ?? (() => {});
  const o = { settleMs: 120_000, leaseMs: 3000, minutes: 0, offline: (options.minutes ?? 0) > 10, ...options };
  const timeoutMs = Math.floor((o.leaseMs * 2) / 3);
  const started = Date.now();
  let db: TestDatabase | null = null;
  let sandbox: Sandbox | null = null;
  let rt: Runtime | null = null;
  let c: Context | null = null;
  try {
    db = await makeDatabase(o.db);
    sandbox = await startSandbox({ port: 0 });
    const env = {
      XPORT_DATABASE_URL: db.url,
      ...sandboxEnv(sandbox),
      XPORT_LEASE_MS: String(o.leaseMs),
      XPORT_XERO_TIMEOUT_MS: String(timeoutMs),
      XPORT_POLL_MS: '100',
      XPORT_BATCH_SIZE: '50',
      XPORT_LOG_LEVEL: 'error',
    };
    rt = await createRuntime(loadConfig({ ...env, XPORT_WORKERS: '0', XPORT_LOG_LEVEL: 'silent' }));
    const synced = await syncConnections(rt);
    if (!synced.ok) throw new Error(synced.reason);
    const tenantId = synced.tenants.find((t) => t.name.includes('(NZ)'))?.id ?? synced.tenants[0]?.id ?? '';
    // Reference data is read once before the faults start (the cache is shared through the database):
    // the run is about exports; a refresh that fails later falls back to the cached data.
    const ref = await rt.reference.refresh(tenantId);
    if (!ref.ok) throw new Error(`reference data could not be read: ${ref.reason}`);
    c = { o, log, random: prng(seed), sandbox, rt, tenantId, env, worker: null, kills: 0, killsMidCall: 0, strayWorkers: 0 };
    log(`seed ${seed}, ${o.db}, ${o.docs} documents per cycle, ${o.kills} kills per cycle, faults: ${o.faults}${o.offline ? ' + offline503' : ''}`);
    const mustFail = new Set<string>();
    const prefixes: string[] = [];
    let cycles = 0;
    do {
      const prefix = `R${cycles}-`;
      prefixes.push(prefix);
      for (const id of await runCycle(c, prefix)) mustFail.add(id);
      cycles += 1;
      log(`cycle ${cycles} done after ${Math.round((Date.now() - started) / 1000)} s`);
    } while (Date.now() - started < o.minutes * 60_000);
    await c.worker?.kill('SIGTERM');
    c.worker = null;
    const left = workersOn(db.url) ?? [];
    if (left.length > 0) throw new Error(`xport worker process(es) still running after the run: ${left.join(', ')}`);
    const api = await sandboxApi(sandbox.url, sandbox.clientId, sandbox.clientSecret, tenantId);
    const verdict = await verifyExactlyOnce(rt.store, tenantId, api, mustFail, prefixes);
    const journal = summariseJournal(await api.journal());
    return { seed, cycles, kills: c.kills, killsMidCall: c.killsMidCall, seconds: Math.round((Date.now() - started) / 1000), strayWorkers: c.strayWorkers, verdict, journal };
  } catch (err) {
    if (c?.worker) log(`worker output:\n${c.worker.output()}`);
    throw err;
  } finally {
    await c?.worker?.kill('SIGKILL');
    await rt?.close();
    await sandbox?.close();
    await db?.drop();
  }
}

/** A few lines for people: what the run did and what the check found. */
export function formatReport(r: ChaosReport): string {
  const v = r.verdict;
  const list = (name: string, xs: string[]) => (xs.length ? [`  ${name} (${xs.length}): ${xs.slice(0, 10).join('; ')}${xs.length > 10 ? ' …' : ''}`] : []);
  return [
    `${v.ok ? 'PASS' : 'FAIL'}: ${v.documents} documents, ${v.exactlyOnce} in Xero exactly once, ${v.failed} failed with a reason; ${r.kills} SIGKILLs (${r.killsMidCall} mid-call), ${r.cycles} cycle(s), ${r.seconds} s, seed ${r.seed}, stray workers ${r.strayWorkers}`,
    `  Xero calls ${r.journal.calls} (${r.journal.writes} writes carrying ${r.journal.elementsSent} elements, ${r.journal.lookups} look-ups, ${r.journal.replayed} idempotent replays, ${r.journal.unanswered} unanswered); faults ${JSON.stringify(r.journal.faults)}`,
    ...Object.entries(v.failureReasons).map(([reason, n]) => `  failed ×${n}: ${reason}`),
    ...list('duplicates', v.duplicates),
    ...list('missing', v.missing),
    ...list('failed badly', v.badFailures),
    ...list('unfinished', v.unfinished),
    ...list('should have failed', v.notFailed),
    ...list('unexpected failures', v.unexpectedFailures),
  ].join('\n');
}
