/**
 * Documents waiting for a contact that is already in Xero (exported, or linked) go back to the queue,
 * with the missing link recorded: a database written before a contact's export and the release of its
 * waiting documents shared one transaction may hold such rows from a crash. Run at worker start and
 * with the periodic wait sweep; each contact repaired gets one Connection Log entry.
 */
import { createStore, type Store } from '../db/store';
import { releaseStuckContactWaits } from '../db/repositories/contact-wait-repair';
import { plural } from '../domain/words';
import type { EventBus } from './events';

/** Returns how many documents were released. */
export async function repairStuckContactWaits(store: Store, bus: EventBus, now: Date): Promise<number> {
  // The links, the releases and their log entries commit together: a crash here repeats the repair, never half of it.
  const released = await store.db.transaction().execute(async (trx) => {
    const groups = await releaseStuckContactWaits(trx, now);
    await createStore({ ...store, db: trx }).log.append(groups.map((g) => ({
      tenantId: g.tenantId, level: 'info', event: 'export.wait_repaired', documentRef: g.sourceId, at: now,
      exportId: g.exportIds.length === 1 ? (g.exportIds[0] ?? null) : null,
      message: `released ${plural(g.exportIds.length, 'document')} waiting for ${g.sourceId}, which was already in Xero`,
      details: { contactKind: g.contactKind, linkRecorded: g.linkRecorded, exportIds: g.exportIds.slice(0, 200) },
    })));
    return groups;
  });
  for (const tenantId of new Set(released.map((g) => g.tenantId))) await bus.emit('queue.changed', { tenantId });
  return released.reduce((n, g) => n + g.exportIds.length, 0);
}
