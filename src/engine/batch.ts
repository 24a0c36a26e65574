/**
 * One Xero call's context, shared by sending it (send-batch.ts) and recording what it did
 * (record-exported.ts): who sends, for which organisation and endpoint, under which key, and what came back.
 */
import type { Store } from '../db/store';
import type { Classified } from '../domain/catalog';
import type { XeroEndpoint } from '../domain/types';
import type { XeroCallOutcome, XeroClient } from '../xero/client';
import type { EventBus } from './events';
import type { CallGate } from './limiter';
import type { LockDateRefresh } from './lock-refusal';
import type { Prepared } from './prepare';

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

/** One Xero call's context: who sends, for which organisation and endpoint, under which Idempotency-Key. */
export interface Batch {
  deps: BatchDeps;
  tenantId: string;
  endpoint: XeroEndpoint;
  /** The call's Idempotency-Key, which is also its attempts' batch id; null for a document found by a look-up outside any call. */
  key: string | null;
}

/** What Xero (or the network) answered a call, as far as a failure decision needs it. */
export interface Answer {
  headers: Record<string, string>;
  httpStatus: number | null;
  correlationId: string | null;
  /** The request may have reached Xero and been processed: look the documents up before sending them again. */
  outcomeUnknown: boolean;
}

export type Response = Extract<XeroCallOutcome, { kind: 'response' }>;

export const failureInfo = (c: Classified) => ({ message: c.message, code: c.code, errorClass: c.class, action: c.action });
export const answerOf = (res: Response, outcomeUnknown = false): Answer => ({ headers: res.headers, httpStatus: res.status, correlationId: res.correlationId, outcomeUnknown });

/** Records the outcome of this call's attempt of one export. */
export async function finish(b: Batch, item: SendItem, r: { outcome: string; httpStatus: number | null; error: string | null; correlationId: string | null }, store = b.deps.store): Promise<void> {
  if (b.key !== null) await store.exports.finishAttempt(item.row.id, b.key, r);
}
