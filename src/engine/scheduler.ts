/**
 * Periodic housekeeping inside `serve`: Connection Log retention (and the event feed's, the same) (pruned in small batches, no long
 * locks) and a scheduled refresh of every organisation's Xero reference data. Exports also refresh
 * stale reference data on demand, so the schedule only keeps idle organisations' data current.
 */
import type { Logger } from 'pino';
import type { Store } from '../db/store';
import { DbGate } from './db-gate';
import type { ReferenceService } from './reference';

export interface ScheduleOptions {
  /** Connection Log retention in days (XPORT_LOG_RETENTION_DAYS). */
  retentionDays: number;
  /** How often the log is pruned. Default hourly. */
  pruneEveryMs?: number;
  /** How often reference data is refreshed for every active organisation. Default 6 hours. */
  referenceEveryMs?: number;
}

export function startSchedules(store: Store, reference: ReferenceService, logger: Logger, o: ScheduleOptions): () => void {
  const prune = async (): Promise<void> => {
    const cutoff = new Date(Date.now() - o.retentionDays * 86_400_000);
    const n = await store.log.prune(cutoff);
    await store.outbox.prune(cutoff);
    await DbGate.prune(store);
    await store.workers.prune(86_400_000);
    if (n > 0) logger.info({ deleted: n }, 'connection log pruned');
  };
  const refresh = async (): Promise<void> => {
    for (const t of await store.tenants.list()) {
      if (t.status === 'active') await reference.refresh(t.id);
    }
  };
  const safe = (fn: () => Promise<void>, what: string) => () => {
    fn().catch((err: unknown) => logger.error({ err }, `${what} failed`));
  };
  safe(prune, 'log pruning')();
  const timers = [setInterval(safe(prune, 'log pruning'), o.pruneEveryMs ?? 3_600_000), setInterval(safe(refresh, 'reference refresh'), o.referenceEveryMs ?? 6 * 3_600_000)];
  for (const t of timers) t.unref();
  return () => timers.forEach((t) => clearInterval(t));
}
