/**
 * The look-up step of a claim: the exports that may already be in Xero (domain/in-xero.ts decides
 * which, and from when) are looked up in as few GETs as the URL limit allows (reconcile.ts) before
 * anything is sent. Found: recorded as exported. Not found: sent. A look-up that failed: looked up
 * again a little later, never sent blind.
 */
import type { Export } from '../domain/export';
import type { Store } from '../db/store';
import { lookupNeed, type AttemptRecord, type EarlierRevisions, type LookupNeed } from '../domain/in-xero';
import { ENDPOINTS } from '../domain/registry';
import type { XeroEndpoint } from '../domain/types';
import { asUpdate, journalNarration } from '../domain/xero-payloads';
import { parseStored } from './batching';
import { throughGate } from './limiter';
import { findManyInXero } from './reconcile';
import { markExported, type BatchDeps, type SendItem } from './send-batch';

/** How long an export waits after a failed look-up before it is looked up again. */
const RECHECK_AFTER_MS = 5_000;
const NO_EARLIER: EarlierRevisions = { uncertain: false, lastStartedAt: null };

/** Said of an export whose unanswered call may still land in Xero (it is looked up once it cannot). */
export const UNSETTLED_REASON = 'waiting for an unanswered call to Xero to settle before looking the document up';

/** An export to look up, and the attempt a find is recorded against (null: an earlier revision's). */
export interface LookUp {
  item: SendItem;
  batchId: string | null;
}

/** Whether this export must be looked up in Xero before it is sent, and from when. */
export async function lookupNeedOf(store: Store, row: Export, attempts: AttemptRecord[], now: Date, settleMs: number): Promise<LookupNeed> {
  const earlier = row.revision > 1 && !row.xeroId ? await store.exports.earlierRevisions(row) : NO_EARLIER;
  return lookupNeed({ needsReconcile: row.needsReconcile, attempts, earlier, now, settleMs });
}

/** Looks the exports up; returns those that must still be sent. */
export async function lookUpBeforeSending(deps: BatchDeps, tenantId: string, endpoint: XeroEndpoint, lookups: LookUp[]): Promise<SendItem[]> {
  if (lookups.length === 0) return [];
  const { gate, store } = deps;
  const items = lookups.map((l) => l.item);
  const earlier = endpoint === 'ManualJournals' ? await Promise.all(items.map((i) => earlierNarrations(store, i.row))) : [];
  const found = await findManyInXero(
    deps.xero,
    tenantId,
    endpoint,
    items.map((i) => i.payload),
    throughGate(gate, tenantId),
    earlier,
  );
  const send: SendItem[] = [];
  const retryLater: SendItem[] = [];
  let lastError = '';
  for (const [i, item] of items.entries()) {
    const r = found[i] ?? { found: false };
    if ('error' in r) {
      retryLater.push(item);
      lastError = r.error;
    } else if (!r.found) send.push(item);
    else if (item.row.revision > 1 && !item.row.xeroId) {
      // A later revision found by its number: Xero may hold an earlier one, so send this one as an update
      // (and keep the id: should the update fail, xport still knows which Xero object is this document's).
      asUpdate(endpoint, ENDPOINTS[endpoint].idField, r.xeroId, item.payload);
      await store.exports.setXeroId(item.row.id, r.xeroId);
      send.push(item);
    } else {
      // Found as an earlier attempt sent it: the date it has in Xero is the one to show (the
      // policy may have moved this attempt's date since).
      const sourceDate = 'date' in item.doc ? item.doc.date : null;
      await store.exports.setXeroDates([{ id: item.row.id, date: r.date !== null && r.date !== sourceDate ? r.date : null }]);
      // Recorded against the unanswered attempt that reached Xero (none: it was an earlier revision's).
      await markExported({ deps, tenantId, endpoint, key: lookups[i]?.batchId ?? null }, item, { xeroId: r.xeroId, number: r.number, total: r.total }, null, true);
    }
  }
  await store.exports.requeue(
    retryLater.map((i) => i.row.id),
    { at: new Date(deps.now().getTime() + RECHECK_AFTER_MS), waitReason: `checking Xero before re-sending: ${lastError}`, needsReconcile: true },
  );
  return send;
}

/** A journal's narration holds its content: earlier revisions may be in Xero under theirs. */
async function earlierNarrations(store: Store, row: Export): Promise<string[]> {
  if (row.revision <= 1) return [];
  const docs = (await store.exports.earlierRevisionDocuments(row)).map(parseStored);
  return docs.flatMap((d) => (d.kind === 'journal' ? [journalNarration(d)] : []));
}
