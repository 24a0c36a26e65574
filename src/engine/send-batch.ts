/**
 * Sends one batch (≤ 50 elements, < 3.5 MB, one organisation, one endpoint) with
 * summarizeErrors=false and applies each element's outcome on its own. Whole-call failures are
 * classified once and decided by the one retry function: retry with backoff, pause the
 * organisation (rate limit, lost connection), or fail with the catalog's Action Required.
 */
import crypto from 'node:crypto';
import { contactWaitLockKey } from '../db/repositories/exports';
import { createStore, type Store } from '../db/store';
import { classifyElementErrors, classifyHttpResponse, classifyNetworkFailure, prevalidationFailure, retriesExhausted, type Classified } from '../domain/catalog';
import { MAX_REQUEST_BYTES, requestBytes } from '../domain/xero-payloads';
import { decideNext } from '../domain/retry';
import type { XeroEndpoint } from '../domain/types';
import { parseJson, type XeroCallOutcome, type XeroClient } from '../xero/client';
import type { EventBus } from './events';
import { throughGate, type CallGate } from './limiter';
import { contactWaitKey, type Prepared } from './prepare';
import { findInXero, xeroIdOf } from './reconcile';
import { classifyNoToken } from './reference';
import { handleLockRefusal, type LockDateRefresh } from './lock-refusal';

export type SendItem = Extract<Prepared, { kind: 'send' }>;

export interface BatchDeps {
  store: Store;
  xero: XeroClient;
  bus: EventBus;
  gate: CallGate;
  now: () => Date;
  random: () => number;
  /** The worker's lease owner id: only rows it still holds are sent. */
  owner?: string;
  /** Lock dates read again when Xero refuses an element for one (lock-refusal.ts). */
  lockDates?: LockDateRefresh;
}

const failureInfo = (c: Classified) => ({ message: c.message, code: c.code, errorClass: c.class, action: c.action });

export async function sendBatch(deps: BatchDeps, tenantId: string, endpoint: XeroEndpoint, items: SendItem[]): Promise<void> {
  if (items.length === 0) return;
  const key = crypto.randomUUID();
  const release = await deps.gate.acquire(tenantId);
  let res: XeroCallOutcome;
  try {
    // The key is on record before the call: after a crash we know exactly what may have been sent.
    // Only rows whose lease this worker still holds go out (it may have stalled while waiting).
    const held = new Set(await deps.store.exports.startAttempt(items.map((i) => i.row.id), key, key, deps.now(), deps.owner));
    items = items.filter((i) => held.has(i.row.id));
    if (items.length === 0) return;
    res = await deps.xero.call({
      method: 'POST', path: `/${endpoint}`, tenantId, idempotencyKey: key,
      query: { summarizeErrors: false, ...(endpoint === 'Invoices' || endpoint === 'CreditNotes' ? { unitdp: 4 } : {}) },
      body: { [endpoint]: items.map((i) => i.payload) },
    });
  } finally {
    release();
  }
  if (res.kind === 'response') deps.gate.observe(tenantId, res.limits.minuteRemaining);
  await deps.bus.emit('batch.sent', {
    tenantId, endpoint, size: items.length, idempotencyKey: key,
    httpStatus: res.kind === 'response' ? res.status : null,
    durationMs: res.kind === 'no_token' ? 0 : res.durationMs,
    correlationId: res.kind === 'response' ? res.correlationId : null,
    limits: res.kind === 'response' ? res.limits : null,
  });

  if (res.kind === 'response' && res.status === 200) {
    await applyElements(deps, tenantId, endpoint, items, key, res);
    return;
  }
  if (res.kind === 'response' && res.status === 413) {
    await splitTooLarge(deps, tenantId, endpoint, items, key, res);
    return;
  }
  const classified = res.kind === 'response'
    ? classifyHttpResponse({ status: res.status, headers: res.headers, bodyText: res.bodyText })
    : res.kind === 'network'
      ? classifyNetworkFailure(res.failure, res.detail)
      : classifyNoToken(res.code, res.reason);
  const outcomeUnknown = res.kind === 'network' && res.mayHaveReachedServer;
  await applyWholeFailure(deps, tenantId, items, key, classified, {
    headers: res.kind === 'response' ? res.headers : {},
    httpStatus: res.kind === 'response' ? res.status : null,
    correlationId: res.kind === 'response' ? res.correlationId : null,
    outcomeUnknown,
  });
}

/**
 * HTTP 413: Xero refused the whole request before processing it. Several elements: send each half
 * again (each in turn splits further if it must). One element: no split can help, so it fails now
 * with its size, the limit and what to do.
 */
async function splitTooLarge(deps: BatchDeps, tenantId: string, endpoint: XeroEndpoint, items: SendItem[], key: string, res: Extract<XeroCallOutcome, { kind: 'response' }>): Promise<void> {
  for (const item of items) {
    await deps.store.exports.finishAttempt(item.row.id, key, { outcome: 'refused', httpStatus: 413, error: 'Xero refused the request as too large (HTTP 413).', correlationId: res.correlationId });
  }
  const [only] = items;
  if (items.length === 1 && only) {
    const c = prevalidationFailure('document_too_large', { size: String(requestBytes(endpoint, [only.payload])), limit: String(MAX_REQUEST_BYTES) });
    await applyDecision(deps, tenantId, only, key, c, { headers: res.headers, httpStatus: 413, correlationId: res.correlationId, outcomeUnknown: false });
    return;
  }
  const half = Math.ceil(items.length / 2);
  await sendBatch(deps, tenantId, endpoint, items.slice(0, half));
  await sendBatch(deps, tenantId, endpoint, items.slice(half));
}

async function applyElements(deps: BatchDeps, tenantId: string, endpoint: XeroEndpoint, items: SendItem[], key: string, res: Extract<XeroCallOutcome, { kind: 'response' }>): Promise<void> {
  const body = parseJson(res.bodyText) as Record<string, unknown> | null;
  const elements = (body?.[endpoint] ?? []) as Array<Record<string, unknown>>;
  for (const [index, item] of items.entries()) {
    const element = elements[index];
    if (!element) {
      // Xero answered 200 without this element: its fate is unknown, so reconcile before resending.
      await scheduleRetry(deps, tenantId, item, key, classifyNetworkFailure('unknown', 'Xero answered without this element'), {}, true, res.status, res.correlationId);
      continue;
    }
    const status = String(element.StatusAttributeString ?? 'OK');
    if (status === 'OK' || status === 'WARNING') {
      const x = xeroIdOf(endpoint, element);
      if (x.id) {
        await markExported(deps, tenantId, endpoint, item, key, { xeroId: x.id, number: x.number, total: x.total }, res);
        continue;
      }
    }
    const messages = ((element.ValidationErrors ?? []) as Array<{ Message?: string }>).map((v) => v.Message ?? '').filter(Boolean);
    const classified = classifyElementErrors(messages.length ? messages : ['Xero did not accept this element and gave no reason']);
    if (await alreadyInXero(deps, tenantId, endpoint, item, key, classified, res)) continue;
    if (await handleLockRefusal(deps, tenantId, item, key, classified, { httpStatus: res.status, correlationId: res.correlationId })) continue;
    await applyDecision(deps, tenantId, item, key, classified, { headers: res.headers, httpStatus: res.status, correlationId: res.correlationId, outcomeUnknown: false });
  }
}

/**
 * "Invoice # must be unique" on a document we sent before means an earlier attempt did reach Xero:
 * find it and record it, instead of failing a document that is in fact exported.
 */
async function alreadyInXero(deps: BatchDeps, tenantId: string, endpoint: XeroEndpoint, item: SendItem, key: string, c: Classified, res: Extract<XeroCallOutcome, { kind: 'response' }>): Promise<boolean> {
  const duplicate = /must be unique|already assigned to another contact/i.test(c.message);
  if (!duplicate || item.row.attempts < 1) return false;
  // Only an earlier attempt whose outcome is unknown can have created it. After a definite refusal
  // (a name that belongs to another contact), the same answer again is that refusal, not our record.
  const previous = (await deps.store.exports.attempts(item.row.id)).filter((a) => a.batch_id !== key);
  if (!previous.some((a) => a.outcome === null || a.outcome === 'unknown' || a.outcome === 'transient')) return false;
  const found = await findInXero(deps.xero, tenantId, endpoint, item.payload, throughGate(deps.gate, tenantId));
  if (!('found' in found) || !found.found) return false;
  await markExported(deps, tenantId, endpoint, item, key, { xeroId: found.xeroId, number: found.number, total: found.total }, res, true);
  return true;
}

async function markExported(
  deps: BatchDeps, tenantId: string, endpoint: XeroEndpoint, item: SendItem, key: string,
  x: { xeroId: string; number: string | null; total: string | null }, res: Extract<XeroCallOutcome, { kind: 'response' }> | null, reconciled = false,
): Promise<void> {
  // One transaction: a crash between "exported" and releasing the documents waiting for this contact
  // left them waiting for good (found by the long chaos run on PostgreSQL).
  await deps.store.db.transaction().execute(async (trx) => {
    const store = createStore({ ...deps.store, db: trx });
    await store.exports.markExported(item.row.id, { xeroId: x.xeroId, xeroNumber: x.number, xeroTotal: x.total }, deps.now());
    await store.exports.finishAttempt(item.row.id, key, { outcome: 'ok', httpStatus: res?.status ?? null, error: null, correlationId: res?.correlationId ?? null });
    if (endpoint === 'Contacts' && (item.row.kind === 'customer' || item.row.kind === 'supplier')) {
      const waitKey = contactWaitKey(item.row.kind, item.row.source_id);
      await deps.store.adapter.lockKeyInTransaction(trx, contactWaitLockKey(tenantId, waitKey));
      await store.contacts.set(tenantId, { contactKind: item.row.kind, sourceId: item.row.source_id, xeroContactId: x.xeroId, linkedBy: 'export' });
      await store.exports.releaseWaiting(tenantId, waitKey);
    }
  });
  if (item.moved) await deps.bus.emit('export.redated', { tenantId, exportId: item.row.id, reference: item.reference, moved: item.moved });
  if (item.dropped.length > 0) await deps.bus.emit('export.lines_dropped', { tenantId, exportId: item.row.id, reference: item.reference, lines: item.dropped });
  await deps.bus.emit('export.exported', {
    tenantId, exportId: item.row.id, kind: item.row.kind, reference: item.reference, xeroId: x.xeroId,
    durationMs: res?.durationMs ?? 0, correlationId: res?.correlationId ?? null, limits: res?.limits ?? null, reconciled,
  });
}

interface FailureContext {
  headers: Record<string, string>;
  httpStatus: number | null;
  correlationId: string | null;
  outcomeUnknown: boolean;
}

async function applyWholeFailure(deps: BatchDeps, tenantId: string, items: SendItem[], key: string, c: Classified, f: FailureContext): Promise<void> {
  const decision = decideNext(c, { attempts: 1, headers: f.headers, now: deps.now(), random: deps.random });
  if (decision.kind === 'pause') {
    await pauseTenant(deps, tenantId, items, key, c, decision, f);
    return;
  }
  for (const item of items) await applyDecision(deps, tenantId, item, key, c, f);
}

async function pauseTenant(deps: BatchDeps, tenantId: string, items: SendItem[], key: string, c: Classified, d: { until: Date; reason: string }, f: FailureContext): Promise<void> {
  const { store } = deps;
  await store.tenants.pause(tenantId, { until: d.until, reason: d.reason, code: c.code });
  for (const item of items) {
    await store.exports.finishAttempt(item.row.id, key, { outcome: c.class, httpStatus: f.httpStatus, error: c.message, correlationId: f.correlationId });
  }
  // Paused work stays queued, never failed; the attempt does not count against its retries.
  await store.exports.requeue(items.map((i) => i.row.id), { at: d.until, waitReason: `paused: ${d.reason}`, needsReconcile: f.outcomeUnknown || undefined });
  await deps.bus.emit('tenant.paused', { tenantId, until: d.until.toISOString(), reason: d.reason, code: c.code });
}

/**
 * Attempts that count against a transient failure's retries, this one included: those since the
 * last definite answer (a person's Export after a failure starts afresh), without the ones a rate
 * limit or a lost connection refused (a pause is not the document's fault).
 */
export function countedAttempts(history: ReadonlyArray<{ batch_id: string; outcome: string | null }>, currentKey: string): number {
  let n = 0;
  for (const a of history) {
    if (a.batch_id === currentKey) continue;
    if (a.outcome === 'error' || a.outcome === 'ok') n = 0;
    else if (a.outcome === null || a.outcome === 'transient' || a.outcome === 'unknown') n += 1;
  }
  return n + 1;
}

async function applyDecision(deps: BatchDeps, tenantId: string, item: SendItem, key: string, c: Classified, f: FailureContext): Promise<void> {
  const attempts = c.class === 'validation' || c.class === 'conflict' ? item.row.attempts + 1 : countedAttempts(await deps.store.exports.attempts(item.row.id), key);
  const decision = decideNext(c, { attempts, headers: f.headers, now: deps.now(), random: deps.random });
  if (decision.kind === 'fail') {
    if (c.class === 'transient') c = retriesExhausted(c, attempts);
    await deps.store.exports.markFailed(item.row.id, failureInfo(c), deps.now());
    await deps.store.exports.finishAttempt(item.row.id, key, { outcome: 'error', httpStatus: f.httpStatus, error: c.message, correlationId: f.correlationId });
    await onContactFailed(deps, tenantId, item, c);
    await deps.bus.emit('export.failed', {
      tenantId, exportId: item.row.id, kind: item.row.kind, reference: item.reference, code: c.code, errorClass: c.class,
      message: c.message, action: c.action, correlationId: f.correlationId, httpStatus: f.httpStatus,
    });
    return;
  }
  const at = decision.kind === 'retry' ? decision.at : decision.until;
  await scheduleRetry(deps, tenantId, item, key, c, f.headers, f.outcomeUnknown, f.httpStatus, f.correlationId, at, attempts);
}

async function scheduleRetry(
  deps: BatchDeps, tenantId: string, item: SendItem, key: string, c: Classified, headers: Record<string, string>,
  outcomeUnknown: boolean, httpStatus: number | null, correlationId: string | null, at?: Date, counted = item.row.attempts + 1,
): Promise<void> {
  const when = at ?? (() => {
    const d = decideNext(c, { attempts: counted, headers, now: deps.now(), random: deps.random });
    return d.kind === 'retry' ? d.at : d.kind === 'pause' ? d.until : new Date(deps.now().getTime() + 60_000);
  })();
  await deps.store.exports.finishAttempt(item.row.id, key, { outcome: outcomeUnknown ? 'unknown' : 'transient', httpStatus, error: c.message, correlationId });
  await deps.store.exports.requeue([item.row.id], { at: when, failure: failureInfo(c), needsReconcile: outcomeUnknown || undefined, waitReason: `retrying: ${c.message}` });
  await deps.bus.emit('export.retry_scheduled', {
    tenantId, exportId: item.row.id, kind: item.row.kind, reference: item.reference, at: when.toISOString(), attempts: counted, message: c.message, code: c.code,
  });
}

async function onContactFailed(deps: BatchDeps, tenantId: string, item: SendItem, c: Classified): Promise<void> {
  if (item.row.kind !== 'customer' && item.row.kind !== 'supplier') return;
  await deps.store.exports.updateWaitReason(tenantId, contactWaitKey(item.row.kind, item.row.source_id), `waiting for ${item.row.source_id}, whose export failed: ${c.message}`);
}

export { markExported as recordExported };
