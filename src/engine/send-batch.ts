/**
 * Sends one batch (≤ 50 elements, < 3.5 MB, one organisation, one endpoint) with
 * summarizeErrors=false and applies each element's outcome on its own. Whole-call failures are
 * classified once and decided by the one retry function: retry with backoff, pause the
 * organisation (rate limit, lost connection), or fail with the catalog's Action Required.
 */
import crypto from 'node:crypto';
import { answerOf, failureInfo, finish, type Answer, type Batch, type BatchDeps, type Response, type SendItem } from './batch';
import { markExported, markManyExported, type Accepted } from './record-exported';
import { classifyElementErrors, classifyHttpResponse, classifyNetworkFailure, prevalidationFailure, retriesExhausted, type Classified } from '../domain/catalog';
import { requestBytesOfSizes, requestJson } from '../domain/xero-payloads';
import type { PayloadJsonMemo } from './batching';
import { ENDPOINTS, XERO_LIMITS } from '../domain/registry';
import { decideNext } from '../domain/retry';
import { isUncertain } from '../domain/in-xero';
import type { XeroEndpoint } from '../domain/types';
import { parseJson, type XeroCallOutcome } from '../xero/client';
import { throughGate } from './limiter';
import { contactWaitKey } from './prepare';
import { findInXero, xeroIdOf } from './reconcile';
import { classifyNoToken } from './reference';
import { handleLockRefusal } from './lock-refusal';
import { exportFailed } from './events';

export type { Batch, BatchDeps, SendItem } from './batch';
export { markExported };

/** `json`: the claim's payloads serialised once (its sizes chunked them; its texts make the body). */
export async function sendBatch(deps: BatchDeps, tenantId: string, endpoint: XeroEndpoint, items: SendItem[], json: PayloadJsonMemo): Promise<void> {
  if (items.length === 0) return;
  const key = crypto.randomUUID();
  const b: Batch = { deps, tenantId, endpoint, key };
  const release = await deps.gate.acquire(tenantId);
  let res: XeroCallOutcome;
  try {
    // The key is on record before the call: after a crash we know exactly what may have been sent.
    // Only rows whose lease this worker still holds go out (it may have stalled while waiting).
    const held = new Set(
      await deps.store.exports.startAttempt(
        items.map((i) => i.row.id),
        key,
        key,
        deps.now(),
        deps.owner,
      ),
    );
    items = items.filter((i) => held.has(i.row.id));
    if (items.length === 0) return;
    res = await deps.xero.call({
      method: 'POST',
      path: `/${endpoint}`,
      tenantId,
      idempotencyKey: key,
      query: { summarizeErrors: false, ...(ENDPOINTS[endpoint].unitdp ? { unitdp: 4 } : {}) },
      // The text of JSON.stringify({ [endpoint]: payloads }), from each payload's JSON serialised once.
      json: requestJson(
        endpoint,
        items.map((i) => json.of(i.payload).json),
      ),
    });
  } finally {
    release();
  }
  if (res.kind === 'response') deps.gate.observe(tenantId, res.limits.minuteRemaining);
  await deps.bus.emit('batch.sent', {
    tenantId,
    endpoint,
    size: items.length,
    idempotencyKey: key,
    httpStatus: res.kind === 'response' ? res.status : null,
    durationMs: res.kind === 'no_token' ? 0 : res.durationMs,
    correlationId: res.kind === 'response' ? res.correlationId : null,
    limits: res.kind === 'response' ? res.limits : null,
  });

  if (res.kind === 'response' && res.status === 200) return applyElements(b, items, res);
  if (res.kind === 'response' && res.status === 413) return splitTooLarge(b, items, res, json);
  if (res.kind === 'response') return applyWholeFailure(b, items, classifyHttpResponse({ status: res.status, headers: res.headers, bodyText: res.bodyText }), answerOf(res));
  const classified = res.kind === 'network' ? classifyNetworkFailure(res.failure, res.detail) : classifyNoToken(res.code, res.reason);
  await applyWholeFailure(b, items, classified, { headers: {}, httpStatus: null, correlationId: null, outcomeUnknown: res.kind === 'network' && res.mayHaveReachedServer });
}

/**
 * HTTP 413: Xero refused the whole request before processing it. Several elements: send each half
 * again (each in turn splits further if it must). One element: no split can help, so it fails now
 * with its size, the limit and what to do.
 */
async function splitTooLarge(b: Batch, items: SendItem[], res: Response, json: PayloadJsonMemo): Promise<void> {
  for (const item of items) await finish(b, item, { outcome: 'refused', httpStatus: 413, error: 'Xero refused the request as too large (HTTP 413).', correlationId: res.correlationId });
  const [only] = items;
  if (items.length === 1 && only) {
    const c = prevalidationFailure('document_too_large', { size: String(requestBytesOfSizes(b.endpoint, [json.of(only.payload).bytes])), limit: String(XERO_LIMITS.maxRequestBytes) });
    await applyDecision(b, only, c, answerOf(res));
    return;
  }
  const half = Math.ceil(items.length / 2);
  await sendBatch(b.deps, b.tenantId, b.endpoint, items.slice(0, half), json);
  await sendBatch(b.deps, b.tenantId, b.endpoint, items.slice(half), json);
}

async function applyElements(b: Batch, items: SendItem[], res: Response): Promise<void> {
  const body = parseJson(res.bodyText) as Record<string, unknown> | null;
  const elements = (body?.[b.endpoint] ?? []) as Array<Record<string, unknown>>;
  const accepted: Accepted[] = [];
  const refused: Array<{ item: SendItem; element: Record<string, unknown> | undefined }> = [];
  for (const [index, item] of items.entries()) {
    const element = elements[index];
    const status = String(element?.StatusAttributeString ?? 'OK');
    const x = element && (status === 'OK' || status === 'WARNING') ? xeroIdOf(b.endpoint, element) : null;
    if (x?.id) accepted.push({ item, x: { xeroId: x.id, number: x.number, total: x.total } });
    else refused.push({ item, element });
  }
  // Every accepted element of the answer recorded in one transaction (one commit, not one each).
  await markManyExported(b, accepted, res);
  for (const { item, element } of refused) {
    if (!element) {
      // Xero answered 200 without this element: its fate is unknown, so reconcile before resending.
      await scheduleRetry(b, item, classifyNetworkFailure('unknown', 'Xero answered without this element'), { ...answerOf(res, true), headers: {} });
      continue;
    }
    const messages = ((element.ValidationErrors ?? []) as Array<{ Message?: string }>).map((v) => v.Message ?? '').filter(Boolean);
    const classified = classifyElementErrors(messages.length ? messages : ['Xero did not accept this element and gave no reason']);
    if (await alreadyInXero(b, item, classified, res)) continue;
    if (b.key !== null && (await handleLockRefusal(b.deps, b.tenantId, item, b.key, classified, { httpStatus: res.status, correlationId: res.correlationId }))) continue;
    await applyDecision(b, item, classified, answerOf(res));
  }
}

/** The refusals that an earlier attempt of ours reaching Xero would cause: the number or name is taken. */
const TAKEN_BY_AN_EARLIER_ATTEMPT: ReadonlySet<string> = new Set(['invoice_number_not_unique', 'contact_number_exists', 'contact_name_exists']);

/**
 * "Invoice # must be unique" on a document we sent before means an earlier attempt did reach Xero:
 * find it and record it, instead of failing a document that is in fact exported.
 */
async function alreadyInXero(b: Batch, item: SendItem, c: Classified, res: Response): Promise<boolean> {
  if (!TAKEN_BY_AN_EARLIER_ATTEMPT.has(c.code) || item.row.attempts < 1) return false;
  // Only an earlier attempt whose outcome is unknown can have created it. After a definite refusal
  // (a name that belongs to another contact), the same answer again is that refusal, not our record.
  const { deps, tenantId } = b;
  const previous = (await deps.store.exports.attempts(item.row.id)).filter((a) => a.batchId !== b.key);
  if (!previous.some(isUncertain)) return false;
  const found = await findInXero(deps.xero, tenantId, b.endpoint, item.payload, throughGate(deps.gate, tenantId));
  if (!('found' in found) || !found.found) return false;
  await markExported(b, item, { xeroId: found.xeroId, number: found.number, total: found.total }, res, true);
  return true;
}

async function applyWholeFailure(b: Batch, items: SendItem[], c: Classified, f: Answer): Promise<void> {
  const decision = decideNext(c, { attempts: 1, headers: f.headers, now: b.deps.now(), random: b.deps.random });
  if (decision.kind === 'pause') return pauseTenant(b, items, c, decision, f);
  for (const item of items) await applyDecision(b, item, c, f);
}

async function pauseTenant(b: Batch, items: SendItem[], c: Classified, d: { until: Date; reason: string }, f: Answer): Promise<void> {
  const { store, bus } = b.deps;
  await store.tenants.pause(b.tenantId, { until: d.until, reason: d.reason, code: c.code });
  for (const item of items) await finish(b, item, { outcome: c.class, httpStatus: f.httpStatus, error: c.message, correlationId: f.correlationId });
  // Paused work stays queued, never failed; the attempt does not count against its retries.
  await store.exports.requeue(
    items.map((i) => i.row.id),
    { at: d.until, waitReason: `paused: ${d.reason}`, needsReconcile: f.outcomeUnknown || undefined },
  );
  await bus.emit('tenant.paused', { tenantId: b.tenantId, until: d.until.toISOString(), reason: d.reason, code: c.code });
}

/**
 * Attempts that count against a transient failure's retries, this one included: those since the
 * last definite answer (a person's Export after a failure starts afresh), without the ones a rate
 * limit or a lost connection refused (a pause is not the document's fault).
 */
export function countedAttempts(history: ReadonlyArray<{ batchId: string; outcome: string | null }>, currentKey: string): number {
  let n = 0;
  for (const a of history) {
    if (a.batchId === currentKey) continue;
    if (a.outcome === 'error' || a.outcome === 'ok') n = 0;
    else if (a.outcome === null || a.outcome === 'transient' || a.outcome === 'unknown') n += 1;
  }
  return n + 1;
}

async function applyDecision(b: Batch, item: SendItem, c: Classified, f: Answer): Promise<void> {
  const { deps } = b;
  const attempts = c.class === 'validation' || c.class === 'conflict' ? item.row.attempts + 1 : countedAttempts(await deps.store.exports.attempts(item.row.id), b.key ?? '');
  const decision = decideNext(c, { attempts, headers: f.headers, now: deps.now(), random: deps.random });
  if (decision.kind !== 'fail') return scheduleRetry(b, item, c, f, decision.kind === 'retry' ? decision.at : decision.until, attempts);
  if (c.class === 'transient') c = retriesExhausted(c, attempts);
  await deps.store.exports.markFailed(item.row.id, failureInfo(c), deps.now());
  await finish(b, item, { outcome: 'error', httpStatus: f.httpStatus, error: c.message, correlationId: f.correlationId });
  await onContactFailed(b, item, c);
  await deps.bus.emit('export.failed', exportFailed(b.tenantId, item.row, item.reference, c, f));
}

async function scheduleRetry(b: Batch, item: SendItem, c: Classified, f: Answer, at?: Date, counted = item.row.attempts + 1): Promise<void> {
  const { deps } = b;
  const when =
    at ??
    (() => {
      const d = decideNext(c, { attempts: counted, headers: f.headers, now: deps.now(), random: deps.random });
      return d.kind === 'retry' ? d.at : d.kind === 'pause' ? d.until : new Date(deps.now().getTime() + 60_000);
    })();
  await finish(b, item, { outcome: f.outcomeUnknown ? 'unknown' : 'transient', httpStatus: f.httpStatus, error: c.message, correlationId: f.correlationId });
  await deps.store.exports.requeue([item.row.id], { at: when, failure: failureInfo(c), needsReconcile: f.outcomeUnknown || undefined, waitReason: `retrying: ${c.message}` });
  await deps.bus.emit('export.retry_scheduled', {
    tenantId: b.tenantId,
    exportId: item.row.id,
    kind: item.row.kind,
    reference: item.reference,
    at: when.toISOString(),
    attempts: counted,
    message: c.message,
    code: c.code,
  });
}

async function onContactFailed(b: Batch, item: SendItem, c: Classified): Promise<void> {
  if (item.row.kind !== 'customer' && item.row.kind !== 'supplier') return;
  await b.deps.store.exports.updateWaitReason(b.tenantId, contactWaitKey(item.row.kind, item.row.sourceId), `waiting for ${item.row.sourceId}, whose export failed: ${c.message}`);
}
