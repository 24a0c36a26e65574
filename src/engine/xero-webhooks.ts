/**
 * Acting on Xero's webhook events (docs/xero.md#webhooks). CONTACT and INVOICE events carry no status, so
 * xport reads the contact or invoice from Xero to see what changed:
 *  - a contact ARCHIVED in Xero marks its contact link archived: documents for it are then held with
 *    the catalog's action (restore it in Xero, or link another contact) instead of failing in Xero;
 *    a contact active again clears the mark, so a retry works;
 *  - an invoice or credit note VOIDED or DELETED in Xero is marked on its export row and logged.
 * Events for organisations xport does not serve, or for things it never exported, are ignored; an
 * event already handled (same organisation, category, type, resource and event time) is not handled again.
 *
 * The web route (src/web/xero/webhooks.ts) only checks the signature and hands the events to
 * `accept`; the reads from Xero go through the call gate like every other call.
 */
import type { Logger } from 'pino';
import { WebhookEventsRepository } from '../db/repositories/webhook-events';
import { XeroChangesRepository } from '../db/repositories/xero-changes';
import type { Store } from '../db/store';
import { parseJson, type XeroClient } from '../xero/client';
import type { EventBus } from './events';
import { throughGate, type CallGate } from './limiter';

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
  return events.filter(
    (e): e is XeroWebhookEvent =>
      typeof e === 'object' &&
      e !== null &&
      typeof (e as XeroWebhookEvent).resourceId === 'string' &&
      typeof (e as XeroWebhookEvent).tenantId === 'string' &&
      typeof (e as XeroWebhookEvent).eventCategory === 'string',
  );
}

export interface WebhookDeps {
  store: Store;
  xero: XeroClient;
  gate: CallGate;
  bus: EventBus;
  logger: Logger;
}

export class XeroWebhookHandler {
  private readonly inflight = new Set<Promise<void>>();

  constructor(private readonly d: WebhookDeps) {}

  /** Handles a delivery's events after the caller has answered Xero; failures go to the server log. */
  accept(events: XeroWebhookEvent[]): void {
    if (events.length === 0) return;
    const p = this.process(events)
      .catch((err: unknown) => this.d.logger.error({ err }, 'Xero webhook delivery could not be handled'))
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  /** Resolves when every delivery accepted so far has been handled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  /** Handles one delivery's events in order; one event's failure is logged and does not stop the rest. */
  async process(events: XeroWebhookEvent[]): Promise<void> {
    const { store, logger } = this.d;
    const served = new Set((await store.tenants.list()).map((t) => t.id));
    const seen = new WebhookEventsRepository(store.db);
    await seen.prune();
    for (const e of events) {
      if (!served.has(e.tenantId)) continue;
      if (!(await seen.claim(WebhookEventsRepository.keyOf({ ...e, eventType: String(e.eventType) })))) continue;
      try {
        if (e.eventCategory === 'CONTACT') await this.onContact(e);
        else if (e.eventCategory === 'INVOICE' || e.eventCategory === 'CREDITNOTE') await this.onDocument(e);
      } catch (err) {
        logger.error({ err, category: e.eventCategory, resourceId: e.resourceId }, 'Xero webhook event could not be handled');
      }
    }
  }

  private async readStatus(tenantId: string, path: string, key: string, field: string): Promise<string | null> {
    const res = await throughGate(this.d.gate, tenantId)(() => this.d.xero.call({ method: 'GET', path, tenantId }));
    if (res.kind !== 'response' || res.status !== 200) return null;
    const body = parseJson(res.bodyText) as Record<string, Array<Record<string, unknown>>> | null;
    const status = body?.[key]?.[0]?.[field];
    return typeof status === 'string' ? status.toUpperCase() : null;
  }

  private async onContact(e: XeroWebhookEvent): Promise<void> {
    const { store, bus } = this.d;
    const links = (await store.contacts.list(e.tenantId)).filter((l) => l.xeroContactId.toLowerCase() === e.resourceId.toLowerCase());
    if (links.length === 0) return;
    const status = await this.readStatus(e.tenantId, `/Contacts/${encodeURIComponent(e.resourceId)}`, 'Contacts', 'ContactStatus');
    if (status === null) return;
    const archived = status === 'ARCHIVED';
    if (links.every((l) => l.archived === archived)) return;
    const xeroId = links[0]?.xeroContactId ?? e.resourceId;
    const changed = await store.contacts.markArchivedByXeroId(e.tenantId, xeroId, archived);
    if (archived) await bus.emit('xero.contact_archived', { tenantId: e.tenantId, xeroContactId: xeroId, contacts: changed.map((c) => `${c.kind} ${c.sourceId}`) });
    else await bus.emit('xero.contact_restored', { tenantId: e.tenantId, xeroContactId: xeroId, sourceIds: changed.map((c) => c.sourceId) });
  }

  private async onDocument(e: XeroWebhookEvent): Promise<void> {
    const status =
      e.eventCategory === 'CREDITNOTE' && e.data?.Status ? e.data.Status.toUpperCase() : await this.readStatus(e.tenantId, `/Invoices/${encodeURIComponent(e.resourceId)}`, 'Invoices', 'Status');
    if (!status || !ENDED.has(status)) return;
    const changes = new XeroChangesRepository(this.d.store.db);
    const marked = await changes.markXeroStatus(e.tenantId, e.resourceId.toLowerCase(), status);
    const again = marked.length ? marked : await changes.markXeroStatus(e.tenantId, e.resourceId, status);
    if (again.length === 0) return;
    await this.d.bus.emit('xero.document_voided', { tenantId: e.tenantId, xeroId: e.resourceId, status, references: again.map((m) => m.reference) });
  }
}
