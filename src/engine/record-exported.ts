/**
 * Recording documents as in Xero: exported with Xero's id, the attempt that reached it marked ok, and
 * for a contact its link and the documents waiting for it released, all in one transaction; the
 * events follow.
 */
import { contactWaitLockKey } from '../db/repositories/exports';
import { createStore } from '../db/store';
import type { Batch, Response, SendItem } from './batch';
import { contactWaitKey } from './prepare';

export interface Accepted {
  item: SendItem;
  x: { xeroId: string; number: string | null; total: string | null };
}

/** Records a document as in Xero under `x`: exported, its attempt ok, and (a contact) its link and waiters released. */
export async function markExported(b: Batch, item: SendItem, x: Accepted['x'], res: Response | null, reconciled = false): Promise<void> {
  await markManyExported(b, [{ item, x }], res, reconciled);
}

export async function markManyExported(b: Batch, accepted: Accepted[], res: Response | null, reconciled = false): Promise<void> {
  if (accepted.length === 0) return;
  const { deps, tenantId, endpoint } = b;
  const rows = accepted.map(({ item, x }) => ({ id: item.row.id, xeroId: x.xeroId, xeroNumber: x.number, xeroTotal: x.total }));
  const attempt = b.key === null ? null : { batchId: b.key, result: { outcome: 'ok', httpStatus: res?.status ?? null, error: null, correlationId: res?.correlationId ?? null } };
  const contacts =
    endpoint === 'Contacts'
      ? accepted.flatMap(({ item, x }) => (item.row.kind === 'customer' || item.row.kind === 'supplier' ? [{ kind: item.row.kind, sourceId: item.row.sourceId, xeroId: x.xeroId }] : []))
      : [];
  if (contacts.length === 0) {
    // Atomic by itself (one statement on PostgreSQL, a transaction of its own on SQLite).
    await deps.store.exports.recordExported(rows, attempt, deps.now());
  } else {
    // One transaction: a crash between "exported" and releasing the documents waiting for this contact
    // left them waiting for good (found by the long chaos run on PostgreSQL).
    await deps.store.db.transaction().execute(async (trx) => {
      const store = createStore({ ...deps.store, db: trx });
      // One statement for the exports and one for their attempts (one in all on PostgreSQL), whatever the batch's size.
      await store.exports.recordExported(rows, attempt, deps.now());
      // Every contact's lock in one round trip, in a fixed order (an export starting to wait takes one of them).
      await deps.store.adapter.lockKeysInTransaction(trx, contacts.map((c) => contactWaitLockKey(tenantId, contactWaitKey(c.kind, c.sourceId))).sort());
      await store.contacts.setMany(
        tenantId,
        contacts.map((c) => ({ contactKind: c.kind, sourceId: c.sourceId, xeroContactId: c.xeroId, linkedBy: 'export' })),
      );
      await store.exports.releaseWaiting(
        tenantId,
        contacts.map((c) => contactWaitKey(c.kind, c.sourceId)),
      );
    });
  }
  for (const { item, x } of accepted) {
    if (item.moved) await deps.bus.emit('export.redated', { tenantId, exportId: item.row.id, reference: item.reference, moved: item.moved });
    if (item.dropped.length > 0) await deps.bus.emit('export.lines_dropped', { tenantId, exportId: item.row.id, reference: item.reference, lines: item.dropped });
    await deps.bus.emit('export.exported', {
      tenantId,
      exportId: item.row.id,
      kind: item.row.kind,
      reference: item.reference,
      xeroId: x.xeroId,
      durationMs: res?.durationMs ?? 0,
      correlationId: res?.correlationId ?? null,
      limits: res?.limits ?? null,
      reconciled,
    });
  }
}
