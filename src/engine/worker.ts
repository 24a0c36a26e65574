/**
 * The export worker: a loop that, for each organisation with due work (oldest first, a bounded
 * share each round so no backlog starves the others), claims contacts before the documents that
 * need them, prepares them, reconciles what may already be in Xero and sends the rest in batches.
 */
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { Store } from '../db/store';
import { ENDPOINT_GROUPS, XERO_LIMITS } from '../domain/registry';
import { orgSettingsSchema } from '../domain/settings';
import { decideNext } from '../domain/retry';
import type { XeroClient } from '../xero/client';
import { handleClaim } from './claim';
import { failStaleContactWaits } from './contact-waits';
import type { EventBus } from './events';
import type { CallGate } from './limiter';
import type { ReferenceFailure, ReferenceService } from './reference';
import type { BatchDeps } from './send-batch';
import { repairStuckContactWaits } from './stuck-waits';
import { WorkerHealth, type WorkerState } from './worker-health';

/** Every kind the worker sends, for the one look at which of them are due. */
const ALL_KINDS = ENDPOINT_GROUPS.flatMap((g) => g.kinds);

export interface WorkerOptions {
  /** Elements per Xero call (Xero recommends ≤ 50). Default 50. */
  batchSize: number;
  /** Request body cap in bytes (Xero's limit is 3.5 MB). Default 3,400,000. */
  maxBatchBytes: number;
  /** How long a claim is held before another worker may take it over. Default 120 s. */
  leaseMs: number;
  /** Pause between rounds when there was nothing to do. Default 500 ms. */
  pollMs: number;
  /** Batches per endpoint per organisation in one round (fairness). Default 2. */
  batchesPerTenantRound: number;
  /** Organisations worked on in parallel by one worker. Default 4. */
  tenantParallelism: number;
  /** How long a document waits for a contact xport never receives before it fails. Default 6 h. */
  contactWaitMs: number;
}

export const DEFAULT_WORKER_OPTIONS: WorkerOptions = {
  batchSize: XERO_LIMITS.maxElementsPerCall,
  maxBatchBytes: XERO_LIMITS.maxRequestBytes - 100_000,
  leaseMs: 120_000,
  pollMs: 500,
  batchesPerTenantRound: 2,
  tenantParallelism: 4,
  contactWaitMs: 6 * 3_600_000,
};

export interface WorkerDeps {
  store: Store;
  xero: XeroClient;
  bus: EventBus;
  gate: CallGate;
  reference: ReferenceService;
  logger: Logger;
  now?: () => Date;
  random?: () => number;
}

export class ExportWorker {
  readonly id = `worker-${crypto.randomUUID().slice(0, 8)}`;
  private readonly options: WorkerOptions;
  private running = false;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private lastWaitSweep = 0;
  private readonly health: WorkerHealth;
  /** Set when a round failed: the claims it left must be handed back before the next round. */
  private mustRelease = false;

  constructor(
    private readonly deps: WorkerDeps,
    options: Partial<WorkerOptions> = {},
  ) {
    this.options = { ...DEFAULT_WORKER_OPTIONS, ...options };
    this.health = new WorkerHealth(this.id, deps.logger, deps.random);
  }

  /** Last round, last error, consecutive failures (this process's view; other processes' are in the database). */
  state(): WorkerState {
    return this.health.snapshot();
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.loop = this.run();
  }

  /**
   * Stops claiming; the batches in hand finish. With a deadline, what is still in hand when it
   * passes is handed back (queued, looked up in Xero before it is sent again, not before a lease
   * span, by when no call of ours can still land). Returns how many exports were handed back.
   */
  async stop(deadlineMs?: number): Promise<number> {
    this.running = false;
    this.stopping = true;
    this.wake?.();
    if (deadlineMs === undefined) {
      await this.loop;
      return 0;
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), deadlineMs);
    });
    const finished = await Promise.race([(this.loop ?? Promise.resolve()).then(() => true), timedOut]);
    clearTimeout(timer);
    if (finished) return 0;
    return this.deps.store.exports.handBack(this.id, new Date(this.now().getTime() + this.leaseSpanMs()));
  }

  isRunning(): boolean {
    return this.running;
  }

  /** Wakes a sleeping loop now (new documents arrived, a person pressed Export). */
  poke(): void {
    this.wake?.();
  }

  /**
   * Rounds until stopped. A round that fails (the database is down, full, locked or read-only) never
   * ends the loop: its claims are handed back at once (or as soon as the database answers), the
   * worker backs off with jitter and tries again, so work moves within seconds of recovery.
   */
  private async run(): Promise<void> {
    while (this.running) {
      let worked = false;
      let pauseMs = this.options.pollMs;
      try {
        if (this.mustRelease) await this.releaseClaims();
        worked = await this.runOnce();
        this.health.roundSucceeded(this.now());
      } catch (err) {
        // The claims go back first thing in the next round, after a short pause: trying at once would
        // only double the wait when the database is what failed (an SQLite busy wait holds this thread).
        this.health.roundFailed(err, this.now());
        this.mustRelease = true;
        worked = false;
        pauseMs = this.health.backoffMs();
      }
      if (!this.mustRelease) await this.health.report(this.deps.store, this.now());
      if (!worked && this.running) await this.pause(pauseMs);
    }
    // Stopping after a failed round: give its claims back now if the database answers (else their leases run out).
    if (this.mustRelease) await this.releaseClaims().catch(() => undefined);
    this.health.stopped();
    await this.health.report(this.deps.store, this.now()).catch((err: unknown) => this.deps.logger.warn({ err, worker: this.id }, 'could not record that the worker stopped'));
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private async releaseClaims(): Promise<void> {
    const n = await this.deps.store.exports.releaseClaims(this.id, this.now());
    this.mustRelease = false;
    if (n > 0) this.deps.logger.info({ worker: this.id, exports: n }, 'claimed exports handed back after a failed round; they are looked up in Xero before any re-send');
  }

  /** One round over every organisation with due work. Returns whether anything was done. */
  async runOnce(): Promise<boolean> {
    const { store, bus } = this.deps;
    const now = this.now();
    await store.exports.recoverExpiredLeases(now);
    // At most once a minute (and once the shortest wait could be over): a look at every waiting export.
    if (now.getTime() - this.lastWaitSweep >= Math.min(60_000, this.options.contactWaitMs)) {
      this.lastWaitSweep = now.getTime();
      await repairStuckContactWaits(store, bus, now);
      await failStaleContactWaits(store, bus, this.options.contactWaitMs, now);
    }
    for (const tenantId of await store.tenants.clearExpiredPauses(now)) {
      await bus.emit('tenant.resumed', { tenantId, reason: 'the pause ended' });
    }
    const tenants = await store.exports.tenantsWithDueWork(now);
    let worked = false;
    for (let i = 0; i < tenants.length; i += this.options.tenantParallelism) {
      const slice = tenants.slice(i, i + this.options.tenantParallelism);
      // Settled, not Promise.all: a failure is raised only once no other organisation's call is in flight,
      // so the claims handed back after it are not being sent at that moment.
      const done = await Promise.allSettled(slice.map((t) => this.processTenant(t)));
      const failure = done.find((d) => d.status === 'rejected');
      if (failure) throw failure.reason;
      worked ||= done.some((d) => d.status === 'fulfilled' && d.value);
    }
    return worked;
  }

  /** Drains until nothing is due (tests and the import command). */
  async drain(maxRounds = 10_000): Promise<void> {
    for (let i = 0; i < maxRounds; i += 1) if (!(await this.runOnce())) return;
  }

  private async processTenant(tenantId: string): Promise<boolean> {
    const { store, reference } = this.deps;
    const tenant = await store.tenants.get(tenantId);
    if (!tenant || tenant.status !== 'active') return false;
    const ref = await reference.get(tenantId, this.now());
    if (!ref.ok) {
      await this.pauseForReference(tenantId, ref);
      return false;
    }
    const settings = orgSettingsSchema.parse(tenant.settings ?? {});
    // One context for the round: lock dates read again after a refusal serve the batches that follow.
    const ctx = { settings, reference: ref.data };
    let worked = false;
    // The endpoints with nothing due are skipped without a claim; once contacts were sent, the documents
    // they released may be due, so the rest is looked at again.
    let due = await store.exports.dueKinds(tenantId, ALL_KINDS, this.now());
    let contactsSent = false;
    for (const group of ENDPOINT_GROUPS) {
      if (contactsSent) {
        due = await store.exports.dueKinds(tenantId, ALL_KINDS, this.now());
        contactsSent = false;
      }
      if (!group.kinds.some((k) => due.has(k))) continue;
      for (let b = 0; b < this.options.batchesPerTenantRound; b += 1) {
        if (this.stopping) return worked; // claim nothing more once asked to stop
        const rows = await store.exports.claim({ tenantId, kinds: group.kinds, limit: this.options.batchSize, owner: this.id, leaseMs: this.leaseSpanMs(), now: this.now() });
        if (rows.length === 0) break;
        worked = true;
        contactsSent ||= group.endpoint === 'Contacts';
        const stopRenewing = this.keepLeases(rows.map((r) => r.id));
        try {
          await handleClaim(
            { ...this.batchDeps(), reference: this.deps.reference, settleMs: this.leaseSpanMs(), batchSize: this.options.batchSize, maxBatchBytes: this.options.maxBatchBytes },
            tenantId,
            group.endpoint,
            rows,
            ctx,
          );
        } finally {
          stopRenewing();
        }
        // A pause (this batch's rate limit, a person, another worker) is seen by the next claim, which then
        // takes nothing: no read of the organisation after every batch.
        // A short claim took all that was due of these kinds: another claim now would come back empty.
        if (rows.length < this.options.batchSize) break;
      }
    }
    return worked;
  }

  /**
   * Leases are renewed while their rows are worked on, each time to now + leaseMs + the renewal
   * interval. So a lease only runs out once its holder has been gone for at least leaseMs (which
   * config keeps above the Xero timeout): by then no call it started can still land in Xero, and
   * looking the documents up before sending them again is conclusive. Without renewal a slow
   * batch (waiting for the call gate, a long timeout) would lose its lease while its call was out.
   */
  private renewEveryMs(): number {
    return Math.max(250, Math.floor(this.options.leaseMs / 3));
  }

  private leaseSpanMs(): number {
    return this.options.leaseMs + this.renewEveryMs();
  }

  private keepLeases(ids: number[]): () => void {
    const timer = setInterval(() => {
      const until = new Date(this.now().getTime() + this.leaseSpanMs());
      this.deps.store.exports.renewLease(ids, this.id, until).catch((err: unknown) => this.health.logOnce('renew', err, 'renewing export leases failed (logged once until rounds succeed again)'));
    }, this.renewEveryMs());
    return () => clearInterval(timer);
  }

  /** Reference data is needed to pre-validate: without it the organisation waits, as long as the failure says. */
  private async pauseForReference(tenantId: string, ref: ReferenceFailure): Promise<void> {
    const now = this.now();
    const d = decideNext(ref.classified, { attempts: 1, headers: ref.headers, now, random: this.deps.random });
    const until = d.kind === 'pause' ? d.until : d.kind === 'retry' ? new Date(Math.max(d.at.getTime(), now.getTime() + 5_000)) : new Date(now.getTime() + 60_000);
    const reason = d.kind === 'pause' ? d.reason : `Xero reference data could not be read: ${ref.classified.message}`;
    await this.deps.store.tenants.pause(tenantId, { until, reason, code: ref.classified.code });
    await this.deps.bus.emit('tenant.paused', { tenantId, until: until.toISOString(), reason, code: ref.classified.code });
  }

  private batchDeps(): BatchDeps {
    return { store: this.deps.store, xero: this.deps.xero, bus: this.deps.bus, gate: this.deps.gate, now: () => this.now(), random: this.deps.random ?? Math.random, owner: this.id };
  }
}
