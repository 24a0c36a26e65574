/**
 * The process's own health as /readyz, /metrics and the worker views need it: whether the database
 * answers, which database it is, and the export workers' heartbeats. Also what a database error
 * means (`databaseFault`), for the error pages.
 */
import { sql } from 'kysely';
import { databaseFault } from '../db/faults';
import type { WorkerHeartbeat } from '../db/repositories/worker-heartbeats';
import type { Store } from '../db/store';

export { databaseFault };
export type { WorkerHeartbeat };

export class SystemService {
  constructor(private readonly store: Store) {}

  /** 'sqlite' or 'postgres'. */
  get databaseName(): string {
    return this.store.adapter.name;
  }

  /**
   * A small read of a real table (the migrations' record), answered within `timeoutMs` or classified as a
   * fault: `select 1` never touches SQLite's file, so a database that cannot be read would look ready.
   */
  async ping(timeoutMs: number): Promise<{ ok: true } | { ok: false; reason: string; message: string }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_r, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`no answer in ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
    });
    try {
      await Promise.race([sql`select name from kysely_migration order by name desc limit 1`.execute(this.store.db), timeout]);
      return { ok: true };
    } catch (err) {
      const fault = databaseFault(err);
      return { ok: false, reason: fault?.kind ?? 'error', message: fault?.message ?? (err instanceof Error ? err.message : String(err)) };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Every worker's last heartbeat, across the processes on this database. */
  workerHeartbeats(): Promise<WorkerHeartbeat[]> {
    return this.store.workers.list();
  }
}
