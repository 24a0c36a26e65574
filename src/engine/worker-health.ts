/**
 * What an export worker knows about its own rounds: the last one, the last error, how many failed
 * in a row. It decides the back-off after a failed round (exponential, capped, with jitter so that
 * workers do not all come back at the same instant), logs an outage once when it starts and once
 * when it ends (not once per round), and reports its state to the worker_heartbeats table so that
 * the status API and metrics of every process show it.
 */
import os from 'node:os';
import type { Logger } from 'pino';
import type { HeartbeatInput } from '../db/repositories/worker-heartbeats';
import type { Store } from '../db/store';
import { databaseFault } from '../db/faults';

/** What a worker reports of itself: the heartbeat row without where it runs. */
export type WorkerState = Omit<HeartbeatInput, 'host' | 'pid'>;
export type WorkerStateName = WorkerState['state'];

export interface HealthOptions {
  /** Longest pause between two failed rounds. Default 5 s, so work resumes within seconds of recovery. */
  maxBackoffMs: number;
  /** First pause after a failed round. Default 250 ms. */
  minBackoffMs: number;
  /** How often the state is written while nothing changes. Default 5 s. */
  heartbeatEveryMs: number;
}

const DEFAULTS: HealthOptions = { maxBackoffMs: 5_000, minBackoffMs: 250, heartbeatEveryMs: 5_000 };

function describe(err: unknown): string {
  const fault = databaseFault(err);
  if (fault) return `database unavailable (${fault.kind}): ${fault.message}`;
  return err instanceof Error ? err.message : String(err);
}

export class WorkerHealth {
  private readonly o: HealthOptions;
  private readonly s: WorkerState;
  private outageStartedAt: Date | null = null;
  private readonly loggedThisOutage = new Set<string>();
  private lastReportAt = 0;
  private reportedState: WorkerStateName | null = null;

  constructor(
    workerId: string,
    private readonly logger: Logger,
    private readonly random: () => number = Math.random,
    options: Partial<HealthOptions> = {},
  ) {
    this.o = { ...DEFAULTS, ...options };
    this.s = { workerId, state: 'running', startedAt: new Date(), lastRoundAt: null, lastSuccessAt: null, lastError: null, lastErrorAt: null, consecutiveFailures: 0 };
  }

  snapshot(): WorkerState {
    return { ...this.s };
  }

  roundSucceeded(now: Date): void {
    this.s.lastRoundAt = now;
    this.s.lastSuccessAt = now;
    if (this.outageStartedAt) {
      const seconds = Math.round((now.getTime() - this.outageStartedAt.getTime()) / 100) / 10;
      this.logger.info({ worker: this.s.workerId, failedRounds: this.s.consecutiveFailures, seconds }, 'export worker recovered: rounds succeed again');
    }
    this.outageStartedAt = null;
    this.loggedThisOutage.clear();
    this.s.consecutiveFailures = 0;
    this.s.state = 'running';
  }

  roundFailed(err: unknown, now: Date): void {
    this.s.lastRoundAt = now;
    this.s.lastError = describe(err);
    this.s.lastErrorAt = now;
    this.s.consecutiveFailures += 1;
    this.s.state = 'failing';
    if (!this.outageStartedAt) {
      this.outageStartedAt = now;
      this.logger.error(
        { err, worker: this.s.workerId, fault: databaseFault(err)?.kind ?? null },
        `export round failed: ${this.s.lastError}; backing off and retrying (logged once until it recovers)`,
      );
    }
  }

  /** Logs `message` once per outage for `key` (lease renewals, claim hand-backs), then stays quiet. */
  logOnce(key: string, err: unknown, message: string): void {
    if (this.loggedThisOutage.has(key)) return;
    this.loggedThisOutage.add(key);
    this.logger.warn({ err, worker: this.s.workerId }, message);
  }

  /** The pause before the next round: 250 ms doubling to 5 s, each drawn between half and all of it. */
  backoffMs(): number {
    const n = Math.max(0, this.s.consecutiveFailures - 1);
    const ceiling = Math.min(this.o.maxBackoffMs, this.o.minBackoffMs * 2 ** Math.min(n, 20));
    return Math.round(ceiling / 2 + this.random() * (ceiling / 2));
  }

  stopped(): void {
    this.s.state = 'stopped';
  }

  /** Writes the state when it changed or every few seconds; a failed write is tried again next round. */
  async report(store: Store, now: Date): Promise<void> {
    if (this.reportedState === this.s.state && now.getTime() - this.lastReportAt < this.o.heartbeatEveryMs) return;
    try {
      await store.workers.report({ ...this.s, host: os.hostname(), pid: process.pid }, now);
      this.lastReportAt = now.getTime();
      this.reportedState = this.s.state;
    } catch {
      // The database is what is failing; the next round reports again.
    }
  }
}
