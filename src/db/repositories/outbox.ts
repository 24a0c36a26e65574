/**
 * The outbox (migration 0016). `appendEvents` takes the executor of the transaction that makes the
 * change the events report, so the change and its events are stored together or not at all.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema';
import { iso } from '../clock';

export interface OutboxEvent {
  tenantId: string;
  type: string;
  /** "kind:sourceId" for a document's events (their order is kept per document); null otherwise. */
  docKey: string | null;
  data: Record<string, unknown>;
}

export interface StoredEvent extends OutboxEvent {
  id: number;
  createdAt: string;
}

/** Stores `events` through `db` (a transaction's executor, so they land with the change or not at all). */
export async function appendEvents(db: Kysely<Database> | Transaction<Database>, events: readonly OutboxEvent[], at: Date = new Date()): Promise<void> {
  if (events.length === 0) return;
  const createdAt = iso(at);
  await db
    .insertInto('events')
    .values(events.map((e) => ({ tenant_id: e.tenantId, type: e.type, doc_key: e.docKey, data: JSON.stringify(e.data), created_at: createdAt })))
    .execute();
}

export class OutboxRepository {
  constructor(private readonly db: Kysely<Database>) {}

  append(events: readonly OutboxEvent[], at?: Date): Promise<void> {
    return appendEvents(this.db, events, at);
  }

  /** The organisation's events after `afterId`, oldest first. */
  async after(tenantId: string, afterId: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.db.selectFrom('events').selectAll().where('tenant_id', '=', tenantId).where('id', '>', afterId).orderBy('id').limit(limit).execute();
    return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, type: r.type, docKey: r.doc_key, data: JSON.parse(r.data) as Record<string, unknown>, createdAt: r.created_at }));
  }
}
