/**
 * Acting on Xero's webhook events (docs/xero.md#webhooks). CONTACT and INVOICE events carry no status, so
 * xport reads the contact or invoice from Xero to see what changed:
 *  - a contact ARCHIVED in Xero marks its contact link archived: documents for it are then held with
 *    the catalog's action (restore it in Xero, or link another contact) instead of failing in Xero;
 *    a contact active again clears the mark, so a retry works;
 *  - an invoice or credit note VOIDED or DELETED in Xero is marked on its export row and logged.
 * Events for organisations xport does not serve, or for things it never exported, are ignored; an
 * event already handled (same organisation, category, type, resource and event time) is not handled again.
 */
import type { Runtime } from '../../app/runtime';
import { WebhookEventsRepository } from '../../db/repositories/webhook-events';
import { XeroChangesRepository } from '../../db/repositories/xero-changes';
import { parseJson } from '../../xero/client';

export interface XeroWebhookEvent {
  resourceId: string;
  eventCategory: string;
  eventType: string;
  tenantId: string;
  eventDateUtc?: string;
  data?: { Status?: string };
}

const ENDED = new Set(['VOIDED', 'DELETED']);

export function eventsOf(payload: unknown): XeroWebhookEvent[] {
  const events = (payload as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return [];
  return events.filter((e): e is XeroWebhookEvent => typeof e === 'object' && e !== null
    && typeof (e as XeroWebhookEvent).resourceId === 'string' && typeof (e as XeroWebhookEvent).tenantId === 'string'
    && typeof (e as XeroWebhookEvent).eventCategory === 'string');
}

async function readStatus(rt: Runtime, tenantId: string, path: string, key: string, field: string): Promise<string | null> {
  const res = await rt.xero.call({ method: 'GET', path, tenantId });
  if (res.kind !== 'response' || res.status !== 200) return null;
  const body = parseJson(res.bodyText) as Record<string, Array<Record<string, unknown>>> | null;
  const status = body?.[key]?.[0]?.[field];
  return typeof status === 'string' ? status.toUpperCase() : null;
}

async function onContact(rt: Runtime, e: XeroWebhookEvent): Promise<void> {
  const links = (await rt.store.contacts.list(e.tenantId)).filter((l) => l.xeroContactId.toLowerCase() === e.resourceId.toLowerCase());
  if (links.length === 0) return;
  const status = await readStatus(rt, e.tenantId, `/Contacts/${encodeURIComponent(e.resourceId)}`, 'Contacts', 'ContactStatus');
  if (status === null) return;
  const archived = status === 'ARCHIVED';
  if (links.every((l) => l.archived === archived)) return;
  const xeroId = links[0]?.xeroContactId ?? e.resourceId;
  const changed = await rt.store.contacts.markArchivedByXeroId(e.tenantId, xeroId, archived);
  if (archived) await rt.bus.emit('xero.contact_archived', { tenantId: e.tenantId, xeroContactId: xeroId, contacts: changed.map((c) => `${c.kind} ${c.sourceId}`) });
  else await rt.store.log.append([{ tenantId: e.tenantId, level: 'info', event: 'xero.contact_restored', message: `Xero reports contact ${xeroId} active again (${changed.map((c) => c.sourceId).join(', ')}); its documents can be exported again` }]);
}

async function onDocument(rt: Runtime, e: XeroWebhookEvent): Promise<void> {
  const status = e.eventCategory === 'CREDITNOTE' && e.data?.Status
    ? e.data.Status.toUpperCase()
    : await readStatus(rt, e.tenantId, `/Invoices/${encodeURIComponent(e.resourceId)}`, 'Invoices', 'Status');
  if (!status || !ENDED.has(status)) return;
  const marked = await new XeroChangesRepository(rt.store.db).markXeroStatus(e.tenantId, e.resourceId.toLowerCase(), status);
  const again = marked.length ? marked : await new XeroChangesRepository(rt.store.db).markXeroStatus(e.tenantId, e.resourceId, status);
  if (again.length === 0) return;
  await rt.bus.emit('xero.document_voided', { tenantId: e.tenantId, xeroId: e.resourceId, status, references: again.map((m) => m.reference) });
}

/** Handles one delivery's events in order; one event's failure is logged and does not stop the rest. */
export async function processWebhookEvents(rt: Runtime, events: XeroWebhookEvent[]): Promise<void> {
  const served = new Set((await rt.store.tenants.list()).map((t) => t.id));
  const seen = new WebhookEventsRepository(rt.store.db);
  await seen.prune();
  for (const e of events) {
    if (!served.has(e.tenantId)) continue;
    if (!(await seen.claim(WebhookEventsRepository.keyOf({ ...e, eventType: String(e.eventType) })))) continue;
    try {
      if (e.eventCategory === 'CONTACT') await onContact(rt, e);
      else if (e.eventCategory === 'INVOICE' || e.eventCategory === 'CREDITNOTE') await onDocument(rt, e);
    } catch (err) {
      rt.logger.error({ err, category: e.eventCategory, resourceId: e.resourceId }, 'Xero webhook event could not be handled');
    }
  }
}
