/**
 * Events at the core, subscribers at the edges: the connection log, metrics, live
 * UI updates and notifications listen to what the engine emits. A listener's failure is reported
 * to `onListenerError` and never stops an export.
 */
import type { CatalogCode } from '../domain/catalog';
import type { MovedDate } from '../domain/lock-dates';

export interface EngineEvents {
  'export.exported': { tenantId: string; exportId: number; kind: string; reference: string; xeroId: string; durationMs: number; correlationId: string | null; limits: unknown; reconciled?: boolean };
  'export.failed': { tenantId: string; exportId: number; kind: string; reference: string; code: CatalogCode; errorClass: string; message: string; action: string; correlationId: string | null; httpStatus: number | null };
  'export.retry_scheduled': { tenantId: string; exportId: number; kind: string; reference: string; at: string; attempts: number; message: string; code: CatalogCode };
  'export.waiting': { tenantId: string; exportId: number; kind: string; reference: string; reason: string };
  /** The lock-date policy sent the document with another date than the source's. */
  'export.redated': { tenantId: string; exportId: number; reference: string; moved: MovedDate };
  'export.lines_dropped': { tenantId: string; exportId: number; reference: string; lines: Array<{ line: number; reason: string }> };
  'export.action': { tenantId: string; exportIds: number[]; action: 'retry' | 'skip' | 'delete'; actor: string; references: string[] };
  'tenant.paused': { tenantId: string; until: string | null; reason: string; code: string };
  'tenant.resumed': { tenantId: string; reason: string };
  'batch.sent': { tenantId: string; endpoint: string; size: number; httpStatus: number | null; durationMs: number; correlationId: string | null; limits: unknown; idempotencyKey: string };
  'documents.ingested': { tenantId: string; count: number; duplicates: number };
  'reference.refreshed': { tenantId: string; counts: Record<string, number> };
  /** The lock dates were read again because Xero refused a document for one. */
  'reference.lock_dates': { tenantId: string; periodLockDate: string | null; endOfYearLockDate: string | null };
  'reference.failed': { tenantId: string; message: string };
  'queue.changed': { tenantId: string };
  /** The organisation's Xero connection stopped working (invalid_grant, revoked, 401 after a refresh): its queue waits. */
  'connection.lost': { tenantId: string; tenantName: string; reason: string; code: string };
  /** Connected (again) through OAuth; `released` exports held by the pause became due. */
  'connection.restored': { tenantId: string; tenantName: string; actor: string; released: number };
  /** A person disconnected the organisation on purpose. */
  'connection.removed': { tenantId: string; tenantName: string; actor: string };
  /** A Xero webhook said a linked contact is archived: documents for it are held with the action. */
  'xero.contact_archived': { tenantId: string; xeroContactId: string; contacts: string[] };
  /** A Xero webhook said an exported invoice or credit note was voided or deleted in Xero. */
  'xero.document_voided': { tenantId: string; xeroId: string; status: string; references: string[] };
}

export type EventName = keyof EngineEvents;
type Listener<K extends EventName> = (payload: EngineEvents[K]) => void | Promise<void>;

export class EventBus {
  private readonly listeners = new Map<EventName, Array<Listener<EventName>>>();

  constructor(private readonly onListenerError: (err: unknown, event: EventName) => void = () => {}) {}

  on<K extends EventName>(event: K, listener: Listener<K>): () => void {
    const list = this.listeners.get(event) ?? [];
    list.push(listener as Listener<EventName>);
    this.listeners.set(event, list);
    return () => {
      const current = this.listeners.get(event) ?? [];
      this.listeners.set(event, current.filter((l) => l !== (listener as Listener<EventName>)));
    };
  }

  /** Runs every listener; resolves when all have finished, whatever they did. */
  async emit<K extends EventName>(event: K, payload: EngineEvents[K]): Promise<void> {
    const list = this.listeners.get(event) ?? [];
    const results = await Promise.allSettled(list.map(async (l) => l(payload)));
    for (const r of results) if (r.status === 'rejected') this.onListenerError(r.reason, event);
  }
}
