/**
 * Events at the core, subscribers at the edges: the connection log, metrics, live
 * UI updates and notifications listen to what the engine emits and to what people do (ActionEvents).
 * The Connection Log has one writer, src/engine/connection-log-writer.ts: code that wants an entry
 * emits an event. A listener's failure is reported to `onListenerError` and never stops an export.
 */
import type { CatalogCode, Classified } from '../domain/catalog';
import type { MovedDate } from '../domain/lock-dates';

export interface EngineEvents {
  'export.exported': { tenantId: string; exportId: number; kind: string; reference: string; xeroId: string; durationMs: number; correlationId: string | null; limits: unknown; reconciled?: boolean };
  'export.failed': {
    tenantId: string;
    exportId: number;
    kind: string;
    reference: string;
    code: CatalogCode;
    errorClass: string;
    message: string;
    action: string;
    correlationId: string | null;
    httpStatus: number | null;
  };
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
  /** A Xero webhook said an archived linked contact is active again: its documents can be exported. */
  'xero.contact_restored': { tenantId: string; xeroContactId: string; sourceIds: string[] };
  /** A reconciliation run ended (src/engine/reconciliation/run.ts): what it read and each new difference. */
  'reconciliation.finished': {
    tenantId: string;
    trigger: string;
    outcome: 'complete' | 'partial' | 'failed';
    message: string | null;
    calls: number;
    checked: number;
    paid: number;
    newDifferences: Array<{ exportId: number; kind: string; sourceId: string; reference: string; issue: string }>;
  };
  /** Documents waiting for a contact already in Xero went back to the queue (src/engine/stuck-waits.ts). */
  'export.wait_repaired': { tenantId: string; sourceId: string; contactKind: string; linkRecorded: boolean; exportIds: number[]; at: Date };
}

/**
 * What people (and API tokens) did. `actor` is `web:<username>` or `api:<token name>`. The emitter
 * awaits the emit: the entry is on record before the action answers.
 */
export interface ActionEvents {
  'user.added': { actor: string; username: string; role: string };
  'user.role_changed': { actor: string; userId: number; role: string };
  'user.removed': { actor: string; userId: number };
  /** `tokenPrefix` is the token's first 8 characters: enough to recognise it, never the token. */
  'api_token.created': { tenantId: string; actor: string; name: string; role: string; tokenPrefix: string };
  'api_token.revoked': { actor: string; tokenId: number };
  /** Settings saved: a section of the Settings page, or the fields an API PATCH sent. */
  'settings.changed': { tenantId: string; actor: string; change: { section: string } | { fields: string[] } };
  'contact.linked': { tenantId: string; actor: string; kind: string; sourceId: string; xeroContactId: string };
  /** A custom connection held on purpose from Settings (an OAuth disconnect is `connection.removed`). */
  'connection.disconnected': { tenantId: string; actor: string };
  /** The organisations were read again from Xero on request. */
  'connection.synced': { tenantId: string; actor: string; organisations: number };
}

export type BusEvents = EngineEvents & ActionEvents;
export type EventName = keyof BusEvents;
type Listener<K extends EventName> = (payload: BusEvents[K]) => void | Promise<void>;

export class EventBus {
  private readonly listeners = new Map<EventName, Array<Listener<EventName>>>();
  private readonly detached = new Set<Promise<void>>();

  constructor(private readonly onListenerError: (err: unknown, event: EventName) => void = () => {}) {}

  on<K extends EventName>(event: K, listener: Listener<K>): () => void {
    const list = this.listeners.get(event) ?? [];
    list.push(listener as Listener<EventName>);
    this.listeners.set(event, list);
    return () => {
      const current = this.listeners.get(event) ?? [];
      this.listeners.set(
        event,
        current.filter((l) => l !== (listener as Listener<EventName>)),
      );
    };
  }

  /**
   * For slow work the emitter must not wait for (database reads for live pages, network): the
   * listener runs, but `emit` does not wait for it. `settle()` waits for the ones still running.
   * `wanted`, when given, is asked at each emit: false (nobody would see the work, e.g. no live page
   * is open) skips the listener for that event.
   */
  onDetached<K extends EventName>(event: K, listener: Listener<K>, wanted?: () => boolean): () => void {
    return this.on(event, (payload) => {
      if (wanted && !wanted()) return;
      const p = Promise.resolve()
        .then(() => listener(payload))
        .catch((err: unknown) => this.onListenerError(err, event))
        .finally(() => this.detached.delete(p));
      this.detached.add(p);
    });
  }

  /** Resolves once every detached listener started so far has finished (on close). */
  async settle(): Promise<void> {
    while (this.detached.size > 0) await Promise.all([...this.detached]);
  }

  /**
   * Runs every listener, one after another in the order they were added; resolves when all have
   * finished, whatever they did (detached ones only start). Each failure, thrown or rejected, is
   * reported once all have finished, in the listeners' order. Only what an async listener returns is
   * awaited: most are synchronous (they queue a log entry, count a metric) and cost no promise.
   */
  async emit<K extends EventName>(event: K, payload: BusEvents[K]): Promise<void> {
    const list = this.listeners.get(event);
    if (!list) return;
    let pending: Array<Promise<void>> | null = null;
    let failures: Array<{ at: number; err: unknown }> | null = null;
    // The length now: a listener added while this emit runs is not called for this event.
    for (let at = 0, n = list.length; at < n; at++) {
      try {
        const r = (list[at] as Listener<EventName>)(payload);
        if (r && typeof r.then === 'function') {
          (pending ??= []).push(
            Promise.resolve(r).then(undefined, (err: unknown) => {
              (failures ??= []).push({ at, err });
            }),
          );
        }
      } catch (err) {
        (failures ??= []).push({ at, err });
      }
    }
    if (pending) await Promise.all(pending);
    if (failures) for (const f of failures.sort((a, b) => a.at - b.at)) this.onListenerError(f.err, event);
  }
}

/** The `export.failed` event of an export that failed with `c` (and, when a Xero call said so, its answer). */
export function exportFailed(
  tenantId: string,
  row: { id: number; kind: string },
  reference: string,
  c: Classified,
  answer: { correlationId: string | null; httpStatus: number | null } = { correlationId: null, httpStatus: null },
): EngineEvents['export.failed'] {
  return {
    tenantId,
    exportId: row.id,
    kind: row.kind,
    reference,
    code: c.code,
    errorClass: c.class,
    message: c.message,
    action: c.action,
    correlationId: answer.correlationId,
    httpStatus: answer.httpStatus,
  };
}
