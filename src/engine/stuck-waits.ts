/**
 * Documents waiting for a contact that is already in Xero (exported, or linked) go back to the queue,
 * with the missing link recorded: a database written before a contact's export and the release of its
 * waiting documents shared one transaction may hold such rows from a crash. Run at worker start and
 * with the periodic wait sweep; each contact repaired gets one Connection Log entry (an
 * `export.wait_repaired` event, emitted once the releases have committed).
 */
import type { Store } from '../db/store';
import { releaseStuckContactWaits } from '../db/repositories/contact-wait-repair';
import type { EventBus } from './events';

/** Returns how many documents were released. */
export async function repairStuckContactWaits(store: Store, bus: EventBus, now: Date): Promise<number> {
  // The links and the releases commit together: a crash here repeats the repair, never half of it. Only the
  // transaction that released a group reports it, so two repairs at once log each group once.
  const released = await store.db.transaction().execute((trx) => releaseStuckContactWaits(trx, now));
  for (const g of released) {
    await bus.emit('export.wait_repaired', { tenantId: g.tenantId, sourceId: g.sourceId, contactKind: g.contactKind, linkRecorded: g.linkRecorded, exportIds: g.exportIds, at: now });
  }
  for (const tenantId of new Set(released.map((g) => g.tenantId))) await bus.emit('queue.changed', { tenantId });
  return released.reduce((n, g) => n + g.exportIds.length, 0);
}
