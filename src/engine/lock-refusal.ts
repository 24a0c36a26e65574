/**
 * Xero refused a document with its lock-date message although pre-validation let it through: someone
 * set a lock date in Xero after xport read the lock dates. Xero's answer is newer than the cache, so
 * the lock dates are read again (through the call gate, like every reference read) and the lock-date
 * policy is applied as pre-validation would have applied it:
 * - move: the export is queued again now; prepared against the new lock dates it is sent re-dated;
 * - hold: it waits for the lock date to move, like any held export;
 * - fail, or new lock dates that still do not block the date sent (nothing xport can do about it):
 *   the refusal stands and the export fails with Xero's message.
 */
import type { CatalogCode, Classified } from '../domain/catalog';
import { blockingLock } from '../domain/lock-dates';
import { lockHoldReason } from '../domain/prevalidate';
import type { OrgSettings } from '../domain/settings';
import type { ReferenceData, XeroOrganisation } from '../domain/types';
import type { ReferenceService } from './reference';
import type { BatchDeps, SendItem } from './send-batch';
import { LOCK_DATE_WAIT } from './prepare';

export interface LockDateRefresh {
  policy: OrgSettings['lockDatePolicy'];
  /** The organisation read again from Xero (at most once per batch); null when Xero could not be read. */
  organisation(): Promise<XeroOrganisation | null>;
}

/**
 * Reads the lock dates again at most once for the batches of one claim, and puts them in the round's
 * context, so that the batches that follow (the re-queued export among them) are prepared with them.
 */
export function lockDateRefresh(reference: ReferenceService, tenantId: string, ctx: { settings: OrgSettings; reference: ReferenceData }, now: Date): LockDateRefresh {
  let read: Promise<XeroOrganisation | null> | null = null;
  return {
    policy: ctx.settings.lockDatePolicy,
    organisation: () =>
      (read ??= reference.refreshOrganisation(tenantId, now).then((org) => {
        if (org) ctx.reference = { ...ctx.reference, organisation: org };
        return org;
      })),
  };
}

const LOCK_CODES = new Set<CatalogCode>(['period_lock_date', 'end_of_year_lock_date']);

/** Returns true when the refusal was handled (re-queued or held); false: fail it as usual. */
export async function handleLockRefusal(deps: BatchDeps, tenantId: string, item: SendItem, key: string, c: Classified, r: { httpStatus: number; correlationId: string | null }): Promise<boolean> {
  const refresh = deps.lockDates;
  if (!refresh || !LOCK_CODES.has(c.code) || item.date === null || refresh.policy === 'fail') return false;
  const org = await refresh.organisation();
  const lock = org ? blockingLock(item.date, org) : null;
  if (!lock) return false;
  const { store, bus } = deps;
  await store.exports.finishAttempt(item.row.id, key, { outcome: 'error', httpStatus: r.httpStatus, error: c.message, correlationId: r.correlationId });
  const sourceDate = item.moved?.from ?? item.date;
  if (refresh.policy === 'hold') {
    const reason = lockHoldReason(sourceDate, lock);
    await store.exports.setWaiting(item.row.id, reason, LOCK_DATE_WAIT);
    await bus.emit('export.waiting', { tenantId, exportId: item.row.id, kind: item.row.kind, reference: item.reference, reason });
    return true;
  }
  const what = lock.kind === 'period' ? 'period lock date' : 'end-of-year lock date';
  await store.exports.requeue([item.row.id], { at: deps.now(), waitReason: `Xero's ${what} is now ${lock.lockDate}: sending it again on the first open day` });
  await bus.emit('export.waiting', {
    tenantId,
    exportId: item.row.id,
    kind: item.row.kind,
    reference: item.reference,
    reason: `Xero refused ${item.date}: its ${what} is now ${lock.lockDate}; sending it again on the first open day`,
  });
  return true;
}
