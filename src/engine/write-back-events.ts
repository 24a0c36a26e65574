/**
 * The public form of outbox events, as the write-back webhooks and the pull feed (GET /api/v1/events)
 * hand them out, and the Standard Webhooks signature of a delivery (https://www.standardwebhooks.com):
 * `webhook-id` (msg_<event id>, the same on every retry and redelivery, for receivers to dedupe by),
 * `webhook-timestamp` (seconds, of the attempt) and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of
 * "id.timestamp.body" under the secret's bytes).
 */
import crypto from 'node:crypto';
import type { StoredEvent } from '../db/repositories/outbox';
import { xeroUrl } from '../domain/xero-links';

/** Every event type xport writes (document.paid comes from reconciliation). */
export const EVENT_TYPES = [
  'export.exported',
  'export.failed',
  'export.skipped',
  'export.deleted',
  'export.waiting',
  'document.changed_in_xero',
  'document.paid',
  'connection.lost',
  'connection.restored',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const DOCUMENT = ['exportId', 'kind', 'sourceId', 'revision', 'reference', 'status'];

/** The fields of the events the database writes itself (migration 0018 stores a superset). */
const FIELDS: Partial<Record<string, readonly string[]>> = {
  'export.exported': [...DOCUMENT, 'xeroId', 'number', 'date', 'total'],
  'export.failed': [...DOCUMENT, 'code', 'message', 'actionRequired'],
  'export.skipped': [...DOCUMENT, 'reason'],
  'export.waiting': [...DOCUMENT, 'reason', 'waitingFor'],
  'export.deleted': [...DOCUMENT, 'xeroId', 'number', 'code', 'message'],
  // From Xero's webhooks (a trigger) or from reconciliation (issue, cause, actions and both sides).
  'document.changed_in_xero': [...DOCUMENT, 'xeroId', 'number', 'xeroStatus', 'issue', 'cause', 'actions', 'xport', 'xero'],
};

/** The issue of a `document.changed_in_xero` from Xero's webhooks, by the status it reported. */
const WEBHOOK_ISSUES: Partial<Record<string, string>> = { VOIDED: 'voided_in_xero', DELETED: 'deleted_in_xero', ARCHIVED: 'contact_archived_in_xero', ACTIVE: 'contact_restored_in_xero' };

export interface PublicEvent {
  /** The event's id: the same in the feed and in webhook-id (msg_<id>). */
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/** The event as delivered: its type's fields, and `xeroUrl` when it is about an object in Xero. */
export function present(e: StoredEvent, shortCode: string | null): PublicEvent {
  const fields = FIELDS[e.type];
  const data: Record<string, unknown> = fields ? Object.fromEntries(fields.filter((f) => f in e.data).map((f) => [f, e.data[f]])) : { ...e.data };
  // A change Xero's webhook reported (a trigger wrote it) is named like reconciliation names it.
  if (e.type === 'document.changed_in_xero' && data.issue === undefined && typeof data.xeroStatus === 'string') data.issue = WEBHOOK_ISSUES[data.xeroStatus] ?? 'status_changed_in_xero';
  const { kind, xeroId } = e.data;
  if (typeof kind === 'string' && typeof xeroId === 'string' && data.xeroUrl === undefined) data.xeroUrl = xeroUrl(kind, xeroId, shortCode);
  return { id: String(e.id), type: e.type, timestamp: e.createdAt, data };
}

/** The request body: the same bytes on every attempt. */
export function deliveryBody(e: PublicEvent): string {
  return JSON.stringify({ type: e.type, timestamp: e.timestamp, data: e.data });
}

export function webhookId(eventId: number | string): string {
  return `msg_${eventId}`;
}

/** A new signing secret: whsec_ + base64 of 24 random bytes. */
export function newSecret(): string {
  return `whsec_${crypto.randomBytes(24).toString('base64')}`;
}

export function signature(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  return `v1,${crypto.createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/** The headers of one attempt. */
export function signedHeaders(secret: string, id: string, body: string, at: Date): Record<string, string> {
  const ts = Math.floor(at.getTime() / 1000);
  return { 'content-type': 'application/json', 'user-agent': 'xport-webhooks', 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signature(secret, id, ts, body) };
}

/** Why `url` cannot receive webhooks (http or https, absolute, no credentials in it), or null when it can. */
export function receiverUrlProblem(url: string): string | null {
  if (url.length > 2048) return 'must be at most 2048 characters';
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/[\u0000-\u0020\u007f]/.test(url)) return 'must not hold spaces or control characters';
  if (!URL.canParse(url)) return 'must be an absolute URL';
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be an http or https URL';
  if (u.username !== '' || u.password !== '') return 'must not hold a user name or password: receivers check the webhook-signature header';
  return null;
}

/** Seconds after each failed attempt before the next (5 s … 10 h; 27.6 h in all), then the delivery fails. */
export const RETRY_SCHEDULE_S = [5, 300, 1800, 7200, 18_000, 36_000, 36_000] as const;

/** When to try again after `attempts` attempts failed, or null: give up. */
export function nextAttemptAt(attempts: number, at: Date, schedule: readonly number[] = RETRY_SCHEDULE_S): Date | null {
  const wait = schedule[attempts - 1];
  return wait === undefined ? null : new Date(at.getTime() + wait * 1000);
}
