import type { Kysely, Selectable } from 'kysely';
import type { Database, WorkerHeartbeatsTable } from '../schema';
import { iso } from '../clock';

export type WorkerHeartbeat = Selectable<WorkerHeartbeatsTable>;

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
      host: h.host, pid: h.pid, state: h.state, started_at: iso(h.startedAt), last_round_at: isoOrNull(h.lastRoundAt),
      last_success_at: isoOrNull(h.lastSuccessAt), last_error: h.lastError?.slice(0, 1000) ?? null, last_error_at: isoOrNull(h.lastErrorAt),
      consecutive_failures: h.consecutiveFailures, updated_at: iso(now),
    };
    await this.db.insertInto('worker_heartbeats').values({ worker_id: h.workerId, ...values })
      .onConflict((oc) => oc.column('worker_id').doUpdateSet(values)).execute();
  }

  async list(): Promise<WorkerHeartbeat[]> {
    return this.db.selectFrom('worker_heartbeats').selectAll().orderBy('started_at').execute();
  }

  /** Forgets workers that have not reported for `olderThanMs` (processes long gone). */
  async prune(olderThanMs: number, now = new Date()): Promise<number> {
    const res = await this.db.deleteFrom('worker_heartbeats').where('updated_at', '<', iso(new Date(now.getTime() - olderThanMs))).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
