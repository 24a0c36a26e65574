/**
 * One claim of exports for one organisation and endpoint: each is prepared (or parked waiting, or
 * failed before sending with its reason), those that may already be in Xero are looked up first
 * (look-up-step.ts), and the rest are sent in calls within Xero's limits (send-batch.ts).
 */
import type { Export } from '../domain/export';
import { prevalidationFailure, type Classified } from '../domain/catalog';
import { requiredContact, type SourceDocument } from '../domain/documents';
import { XERO_LIMITS } from '../domain/registry';
import type { OrgSettings } from '../domain/settings';
import { expectedTotals } from '../domain/totals';
import type { ReferenceData, XeroEndpoint } from '../domain/types';
import { requestBytesOfSizes } from '../domain/xero-payloads';
import { chunkBatch, parseStored, PayloadJsonMemo } from './batching';
import { lockDateRefresh } from './lock-refusal';
import { lookUpBeforeSending, lookupNeedOf, UNSETTLED_REASON, type LookUp } from './look-up-step';
import { prepareExport, type PrepareContext, type Prepared } from './prepare';
import type { ContactKind, ContactLinksRepository } from '../db/repositories/contact-links';
import type { ReferenceService } from './reference';
import { sendBatch, type BatchDeps, type SendItem } from './send-batch';
import { exportFailed } from './events';

export interface ClaimDeps extends BatchDeps {
  reference: ReferenceService;
  /** How long after an unanswered call started a look-up of its documents is conclusive (the lease span). */
  settleMs: number;
  batchSize: number;
  maxBatchBytes: number;
}

export interface RoundContext {
  settings: OrgSettings;
  reference: ReferenceData;
}

export async function handleClaim(deps: ClaimDeps, tenantId: string, endpoint: XeroEndpoint, rows: Export[], ctx: RoundContext): Promise<void> {
  const { store, bus } = deps;
  const payloads = await store.exports.documentPayloads(rows.map((r) => r.documentId));
  const docs = rows.map((row) => parseStored(payloads.get(row.documentId)));
  const needs = docs.map(requiredContact).filter((c) => c !== null);
  const contacts = await store.contacts.preloaded(tenantId, needs);
  const contactExports = await contactExportsOf(store, tenantId, contacts, needs);
  const today = deps.now().toISOString().slice(0, 10);
  // Attempts are recorded only with the count they raise (startAttempt): an export never tried has none to read.
  const history = await store.exports.attemptsOf(rows.filter((r) => r.attempts > 0).map((r) => r.id));
  const toSend: SendItem[] = [];
  const toLookUp: LookUp[] = [];
  const unsettled: Array<{ id: number; at: Date }> = [];
  const totals: Array<{ documentId: number; total: string }> = [];
  const waits: Array<Extract<Prepared, { kind: 'wait' }>> = [];
  // Each payload serialised once: measured (the limit, then the chunks) and sent as that text. A look-up
  // that turns one into an update changes it in place, so those are serialised again.
  const json = new PayloadJsonMemo();
  const sizeOf = (p: SendItem): number => json.of(p.payload).bytes;
  for (const [i, row] of rows.entries()) {
    const p = await prepareExport(row, docs[i] as SourceDocument, { tenantId, settings: ctx.settings, reference: ctx.reference, today, contacts, exports: contactExports });
    if (p.kind === 'wait') {
      waits.push(p);
    } else if (p.kind === 'fail') {
      await failBeforeSending(deps, tenantId, p, p.failure);
    } else if (requestBytesOfSizes(endpoint, [sizeOf(p)]) > XERO_LIMITS.maxRequestBytes) {
      // No batch split can help a document that alone is over Xero's limit: fail it now.
      await failBeforeSending(deps, tenantId, p, prevalidationFailure('document_too_large', { size: String(requestBytesOfSizes(endpoint, [sizeOf(p)])), limit: String(XERO_LIMITS.maxRequestBytes) }));
    } else {
      const need = await lookupNeedOf(store, p.row, history.get(p.row.id) ?? [], deps.now(), deps.settleMs);
      if (need.kind === 'later') {
        unsettled.push({ id: p.row.id, at: need.at });
        continue;
      }
      const t = expectedTotals(p.doc, { settings: ctx.settings, reference: ctx.reference, dropped: p.dropped });
      if (t) totals.push({ documentId: p.row.documentId, total: t.total });
      if (need.kind === 'none') toSend.push(p);
      else toLookUp.push({ item: p, batchId: need.batchId });
    }
  }
  await store.exports.setManyWaiting(
    tenantId,
    waits.map((w) => ({ id: w.row.id, reason: w.reason, waitingFor: w.waitingFor })),
  );
  for (const w of waits) await bus.emit('export.waiting', { tenantId, exportId: w.row.id, kind: w.row.kind, reference: w.reference, reason: w.reason });
  for (const u of unsettled) await store.exports.requeue([u.id], { at: u.at, needsReconcile: true, waitReason: UNSETTLED_REASON });
  await store.exports.setDocumentTotals(totals);
  await store.exports.setXeroDates(
    toSend
      .concat(toLookUp.map((l) => l.item))
      .filter((p) => p.moved || p.row.xeroDate)
      .map((p) => ({ id: p.row.id, date: p.moved?.to ?? null })),
  );
  for (const l of toLookUp) json.forget(l.item.payload);
  toSend.push(...(await lookUpBeforeSending(deps, tenantId, endpoint, toLookUp)));
  toSend.sort((a, b) => a.row.id - b.row.id);
  const sendDeps = { ...deps, lockDates: lockDateRefresh(deps.reference, tenantId, ctx, deps.now()) };
  for (const chunk of chunkBatch(toSend, deps.batchSize, deps.maxBatchBytes, sizeOf)) await sendBatch(sendDeps, tenantId, endpoint, chunk, json);
}

/** The latest exports of the contacts not linked yet, read together: a document waiting for one says why. */
async function contactExportsOf(store: ClaimDeps['store'], tenantId: string, links: ContactLinksRepository, needs: Array<{ kind: ContactKind; sourceId: string }>): Promise<PrepareContext['exports']> {
  const unlinked = [];
  for (const n of needs) if (!(await links.get(tenantId, n.kind, n.sourceId))) unlinked.push(n);
  const latest = await store.exports.latestForSources(tenantId, unlinked);
  return {
    latestForSource: async (t, kind, sourceId) => {
      const known = latest.get(`${kind}:${sourceId}`);
      return t === tenantId && known !== undefined ? known : store.exports.latestForSource(t, kind, sourceId);
    },
  };
}

async function failBeforeSending(deps: BatchDeps, tenantId: string, p: { row: Export; reference: string }, failure: Classified): Promise<void> {
  await deps.store.exports.markFailed(p.row.id, { message: failure.message, code: failure.code, errorClass: failure.class, action: failure.action }, deps.now());
  await deps.bus.emit('export.failed', exportFailed(tenantId, p.row, p.reference, failure));
}
