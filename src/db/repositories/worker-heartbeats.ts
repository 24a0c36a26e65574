import type { Kysely, Selectable } from 'kysely';
import type { Database, WorkerHeartbeatsTable } from '../schema';
import { iso } from '../clock';

/** One export worker's state as it last wrote it (times ISO). */
export interface WorkerHeartbeat {
  workerId: string;
  host: string;
  pid: number;
  /** running (last round fine), failing (rounds fail, backing off), stopped. */
  state: 'running' | 'failing' | 'stopped';
  startedAt: string;
  lastRoundAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  consecutiveFailures: number;
  updatedAt: string;
}

function toHeartbeat(r: Selectable<WorkerHeartbeatsTable>): WorkerHeartbeat {
  return {
    workerId: r.worker_id,
    host: r.host,
    pid: r.pid,
    // Only report() writes the state, from the same union.
    state: r.state as WorkerHeartbeat['state'],
    startedAt: r.started_at,
    lastRoundAt: r.last_round_at,
    lastSuccessAt: r.last_success_at,
    lastError: r.last_error,
    lastErrorAt: r.last_error_at,
    consecutiveFailures: Number(r.consecutive_failures),
    updatedAt: r.updated_at,
  };
}

export interface HeartbeatInput {
  workerId: string;
  host: string;
  pid: number;
  state: 'running' | 'failing' | 'stopped';
  startedAt: Date;
  lastRoundAt: Date | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  consecutiveFailures: number;
}

const isoOrNull = (d: Date | null): string | null => (d ? iso(d) : null);

/** Every export worker's last reported state (migration 0009), across the processes on one database. */
export class WorkerHeartbeatsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async report(h: HeartbeatInput, now = new Date()): Promise<void> {
    const values = {
      host: h.host,
      pid: h.pid,
      state: h.state,
      started_at: iso(h.startedAt),
      last_round_at: isoOrNull(h.lastRoundAt),
      last_success_at: isoOrNull(h.lastSuccessAt),
      last_error: h.lastError?.slice(0, 1000) ?? null,
      last_error_at: isoOrNull(h.lastErrorAt),
      consecutive_failures: h.consecutiveFailures,
      updated_at: iso(now),
    };
    await this.db
      .insertInto('worker_heartbeats')
      .values({ worker_id: h.workerId, ...values })
      .onConflict((oc) => oc.column('worker_id').doUpdateSet(values))
      .execute();
  }

  async list(): Promise<WorkerHeartbeat[]> {
    const rows = await this.db.selectFrom('worker_heartbeats').selectAll().orderBy('started_at').execute();
    return rows.map(toHeartbeat);
  }

  /** Forgets workers that have not reported for `olderThanMs` (processes long gone). */
  async prune(olderThanMs: number, now = new Date()): Promise<number> {
    const res = await this.db
      .deleteFrom('worker_heartbeats')
      .where('updated_at', '<', iso(new Date(now.getTime() - olderThanMs)))
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
