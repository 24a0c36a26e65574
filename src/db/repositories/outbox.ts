/**
 * The outbox (migrations 0016, 0018). Events are written in the transaction of the change they report:
 * by the triggers of 0018 for exports, contact links and connections, and through `appendEvents`
 * (with the transaction's executor) by code that reports other changes. After commit, `sequence` gives
 * each event its place in the feed (`seq`) and queues its deliveries to the organisation's webhooks.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DialectAdapter } from '../dialect';
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
  /** Its place in the feed; null until sequenced. */
  seq: number | null;
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

type EventRow = { id: number; tenant_id: string; type: string; doc_key: string | null; data: string; created_at: string; seq: number | null };

function toEvent(r: EventRow): StoredEvent {
  return { id: r.id, seq: r.seq, tenantId: r.tenant_id, type: r.type, docKey: r.doc_key, data: JSON.parse(r.data) as Record<string, unknown>, createdAt: r.created_at };
}

const SEQUENCER_LOCK = 'events-sequence';

export class OutboxRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly adapter: DialectAdapter,
  ) {}

  append(events: readonly OutboxEvent[], at?: Date): Promise<void> {
    return appendEvents(this.db, events, at);
  }

  /**
   * Gives up to `limit` committed events without a place in the feed the next places, in id order, and
   * queues a delivery of each to every subscription of its organisation that wants its type, in one
   * transaction. One sequencer at a time (an advisory lock on PostgreSQL; SQLite serialises writers).
   * Returns how many events were sequenced.
   */
  async sequence(now: Date = new Date(), limit = 500): Promise<number> {
    const waiting = await this.db.selectFrom('events').select('id').where('seq', 'is', null).limit(1).executeTakeFirst();
    if (!waiting) return 0;
    return this.db.transaction().execute(async (trx) => {
      await this.adapter.lockKeyInTransaction(trx, SEQUENCER_LOCK);
      // The UPDATE comes first, so SQLite takes its write lock at once (a read first could not upgrade).
      const { rows } = await sql<{ seq: number }>`
        update events set seq = r.base + r.rn
        from (select id, row_number() over (order by id) as rn, (select coalesce(max(seq), 0) from events where seq is not null) as base
              from events where seq is null order by id limit ${limit}) as r
        where events.id = r.id
        returning events.seq`.execute(trx);
      if (rows.length === 0) return 0;
      const seqs = rows.map((r) => Number(r.seq));
      await queueDeliveries(trx, Math.min(...seqs), Math.max(...seqs), now);
      return rows.length;
    });
  }

  /** The organisation's events after place `afterSeq` in the feed, oldest first. */
  async feed(tenantId: string, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.db.selectFrom('events').selectAll().where('tenant_id', '=', tenantId).where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
    return rows.map(toEvent);
  }

  async byIds(ids: readonly number[]): Promise<Map<number, StoredEvent>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('events')
      .selectAll()
      .where('id', 'in', [...ids])
      .execute();
    return new Map(rows.map((r) => [r.id, toEvent(r)]));
  }

  /** The highest event id so far (a new subscription receives what comes after it). */
  async lastId(): Promise<number> {
    const r = await this.db
      .selectFrom('events')
      .select((eb) => eb.fn.max('id').as('m'))
      .executeTakeFirst();
    return Number(r?.m ?? 0);
  }

  /** Deletes events older than `cutoff` with their deliveries, in small batches (the Connection Log's retention). */
  async prune(cutoff: Date, batch = 1000): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = (await this.db.selectFrom('events').select('id').where('created_at', '<', iso(cutoff)).orderBy('id').limit(batch).execute()).map((r) => r.id);
      if (ids.length === 0) return total;
      await this.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('webhook_deliveries').where('event_id', 'in', ids).execute();
        await trx.deleteFrom('events').where('id', 'in', ids).execute();
      });
      total += ids.length;
      await new Promise((r) => setImmediate(r));
    }
  }

  /** The organisation's short code (Organisation.ShortCode) from the reference cache, for Xero links. */
  async shortCode(tenantId: string): Promise<string | null> {
    const row = await this.db.selectFrom('reference_cache').select('data').where('tenant_id', '=', tenantId).where('kind', '=', 'organisation').executeTakeFirst();
    if (!row) return null;
    const code = (JSON.parse(row.data) as { ShortCode?: unknown } | null)?.ShortCode;
    return typeof code === 'string' && code !== '' ? code : null;
  }
}

/** One delivery per (event sequenced in [lo, hi], subscription of its organisation that wants its type). */
async function queueDeliveries(trx: Transaction<Database>, lo: number, hi: number, now: Date): Promise<void> {
  const at = iso(now);
  await trx
    .insertInto('webhook_deliveries')
    .columns(['subscription_id', 'event_id', 'event_seq', 'doc_key', 'status', 'attempts', 'next_attempt_at', 'created_at'])
    .expression(
      trx
        .selectFrom('events as e')
        .innerJoin('webhook_subscriptions as s', 's.tenant_id', 'e.tenant_id')
        .where('e.seq', '>=', lo)
        .where('e.seq', '<=', hi)
        .whereRef('e.id', '>', 's.from_event_id')
        .where((eb) =>
          eb.or([
            eb('s.events', 'is', null),
            eb.exists(eb.selectFrom('webhook_subscription_types as t').select('t.type').whereRef('t.subscription_id', '=', 's.id').whereRef('t.type', '=', 'e.type')),
          ]),
        )
        .select([
          's.id as subscription_id',
          'e.id as event_id',
          sql<number>`e.seq`.as('event_seq'),
          'e.doc_key',
          sql.lit('pending').as('status'),
          sql.lit(0).as('attempts'),
          sql<string>`${at}`.as('next_attempt_at'),
          sql<string>`${at}`.as('created_at'),
        ])
        .orderBy('e.seq'),
    )
    .execute();
}
