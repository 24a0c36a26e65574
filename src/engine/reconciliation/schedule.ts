/**
 * The reconciliation schedule inside `serve`: every few minutes each process looks for organisations
 * whose last run started longer ago than the interval and runs them. Several processes on one database
 * run each organisation once: the run's lease lets one through, and under it the others then see its fresh run.
 * Xero's webhooks make it sooner, never necessary: a document Xero reports voided or deleted brings
 * that organisation's next run forward to a minute later (one run for a burst of events).
 */
import type { Logger } from 'pino';
import type { Store } from '../../db/store';
import type { EventBus } from '../events';
import { ReconciliationBusyError, type Reconciler } from './run';

export interface ReconcileScheduleOptions {
  /** Hours between runs of an organisation (XPORT_RECONCILE_EVERY_HOURS); 0 turns the schedule off. */
  everyHours: number;
  /** How often a process looks for organisations due. Default 5 minutes (less when the interval is shorter). */
  checkEveryMs?: number;
  /** Where Xero's webhook events arrive (xero.document_voided); without it, the schedule alone. */
  bus?: EventBus;
  /** How long after a webhook event the organisation is reconciled. Default 60 s. */
  soonMs?: number;
}

/** Runs every organisation that is due, one after the other; returns how many it ran. */
export async function runDue(store: Store, reconciler: Reconciler, everyMs: number, now = new Date()): Promise<number> {
  let ran = 0;
  for (const t of await store.tenants.list()) {
    if (t.status === 'active' && (await reconciler.runIfDue(t.id, everyMs, now))) ran += 1;
  }
  return ran;
}

export function startReconcileSchedule(store: Store, reconciler: Reconciler, logger: Logger, o: ReconcileScheduleOptions): () => void {
  const stops = [soonAfterWebhooks(reconciler, logger, o)];
  if (o.everyHours > 0) {
    const everyMs = o.everyHours * 3_600_000;
    let running = false;
    const tick = (): void => {
      if (running) return;
      running = true;
      runDue(store, reconciler, everyMs)
        .catch((err: unknown) => logger.error({ err }, 'scheduled reconciliation failed'))
        .finally(() => {
          running = false;
        });
    };
    const timer = setInterval(tick, o.checkEveryMs ?? Math.min(5 * 60_000, everyMs));
    timer.unref();
    stops.push(() => clearInterval(timer));
  }
  return () => stops.forEach((stop) => stop());
}

function soonAfterWebhooks(reconciler: Reconciler, logger: Logger, o: ReconcileScheduleOptions): () => void {
  if (!o.bus) return () => {};
  const pending = new Map<string, NodeJS.Timeout>();
  const unsubscribe = o.bus.on('xero.document_voided', (e) => {
    if (pending.has(e.tenantId)) return;
    const timer = setTimeout(() => {
      pending.delete(e.tenantId);
      reconciler.run(e.tenantId, 'webhook').catch((err: unknown) => {
        if (!(err instanceof ReconciliationBusyError)) logger.error({ err, tenantId: e.tenantId }, 'reconciliation after a Xero webhook failed');
      });
    }, o.soonMs ?? 60_000);
    timer.unref();
    pending.set(e.tenantId, timer);
  });
  return () => {
    unsubscribe();
    for (const t of pending.values()) clearTimeout(t);
  };
}
