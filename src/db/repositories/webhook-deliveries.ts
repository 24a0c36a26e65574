/**
 * Deliveries of events to webhook subscriptions (0018). A delivery is pending until the receiver
 * answers 2xx (delivered) or its retries run out (failed, shown in the delivery log, redeliverable).
 * Dispatchers in any number of processes claim due deliveries under a lease; a delivery waits while an
 * earlier event of the same document is still pending for the same subscription, so each receiver gets
 * a document's events in order.
 */
import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect';
import type { Database } from '../schema';
import { iso } from '../clock';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  id: number;
  subscriptionId: string;
  eventId: number;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  lastAttemptAt: string | null;
  responseStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export interface ListedDelivery extends WebhookDelivery {
  type: string;
}

type Row = {
  id: number;
  subscription_id: string;
  event_id: number;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_attempt_at: string | null;
  response_status: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
};

function toDelivery(r: Row): WebhookDelivery {
  return {
    id: r.id,
    subscriptionId: r.subscription_id,
    eventId: r.event_id,
    // Only this repository writes `status`, from DeliveryStatus.
    status: r.status as DeliveryStatus,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastAttemptAt: r.last_attempt_at,
    responseStatus: r.response_status,
    lastError: r.last_error,
    deliveredAt: r.delivered_at,
    createdAt: r.created_at,
  };
}

const COLUMNS = ['id', 'subscription_id', 'event_id', 'status', 'attempts', 'next_attempt_at', 'last_attempt_at', 'response_status', 'last_error', 'delivered_at', 'created_at'] as const;

/** What one attempt found: the receiver's HTTP status (null: no answer) and why it did not count. */
export interface AttemptResult {
  at: Date;
  responseStatus: number | null;
  error: string | null;
}

export class WebhookDeliveriesRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly adapter: DialectAdapter,
  ) {}

  /** Claims up to `limit` due deliveries under a lease (FOR UPDATE SKIP LOCKED on PostgreSQL), oldest event first. */
  async claim(p: { owner: string; leaseMs: number; limit: number; now: Date }): Promise<WebhookDelivery[]> {
    const now = iso(p.now);
    const rows = await this.db
      .with('candidates', (db) =>
        this.adapter.lockForClaim(
          db
            .selectFrom('webhook_deliveries as d')
            .select('d.id')
            .where('d.status', '=', 'pending')
            .where('d.next_attempt_at', '<=', now)
            .where((eb) => eb.or([eb('d.lease_until', 'is', null), eb('d.lease_until', '<', now)]))
            .where((eb) =>
              eb.not(
                eb.exists(
                  eb
                    .selectFrom('webhook_deliveries as p')
                    .select('p.id')
                    .whereRef('p.subscription_id', '=', 'd.subscription_id')
                    .whereRef('p.doc_key', '=', 'd.doc_key')
                    .whereRef('p.event_seq', '<', 'd.event_seq')
                    .where('p.status', '=', 'pending'),
                ),
              ),
            )
            .orderBy('d.event_seq')
            .limit(p.limit),
        ),
      )
      .updateTable('webhook_deliveries')
      .from('candidates')
      .set({ lease_owner: p.owner, lease_until: iso(new Date(p.now.getTime() + p.leaseMs)) })
      .whereRef('webhook_deliveries.id', '=', 'candidates.id')
      .where('webhook_deliveries.status', '=', 'pending')
      .returning(COLUMNS.map((c) => `webhook_deliveries.${c}` as const))
      .execute();
    return rows.map(toDelivery).sort((a, b) => a.id - b.id);
  }

  /** The receiver took it (whoever holds the lease now: it was delivered). */
  async markDelivered(id: number, r: AttemptResult): Promise<void> {
    await this.db
      .updateTable('webhook_deliveries')
      .set((eb) => ({
        status: 'delivered',
        attempts: eb('attempts', '+', 1),
        last_attempt_at: iso(r.at),
        delivered_at: iso(r.at),
        response_status: r.responseStatus,
        last_error: null,
        lease_owner: null,
        lease_until: null,
      }))
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .execute();
  }

  /** The attempt did not count: again at `nextAt`, or failed for good when `nextAt` is null. Only while `owner` holds it. */
  async markAttemptFailed(id: number, owner: string, r: AttemptResult & { nextAt: Date | null }): Promise<void> {
    await this.db
      .updateTable('webhook_deliveries')
      .set((eb) => ({
        status: r.nextAt ? 'pending' : 'failed',
        attempts: eb('attempts', '+', 1),
        next_attempt_at: r.nextAt ? iso(r.nextAt) : iso(r.at),
        last_attempt_at: iso(r.at),
        response_status: r.responseStatus,
        last_error: r.error,
        lease_owner: null,
        lease_until: null,
      }))
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .where('status', '=', 'pending')
      .execute();
  }

  /** The subscription's deliveries, newest first, with their event's type. */
  async list(subscriptionId: string, o: { before?: number; limit: number; status?: DeliveryStatus }): Promise<ListedDelivery[]> {
    let q = this.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('events as e', 'e.id', 'd.event_id')
      .select([...COLUMNS.map((c) => `d.${c}` as const), 'e.type'])
      .where('d.subscription_id', '=', subscriptionId);
    if (o.before) q = q.where('d.id', '<', o.before);
    if (o.status) q = q.where('d.status', '=', o.status);
    const rows = await q.orderBy('d.id', 'desc').limit(o.limit).execute();
    return rows.map((r) => ({ ...toDelivery(r), type: r.type }));
  }

  async get(subscriptionId: string, id: number): Promise<WebhookDelivery | null> {
    const row = await this.db.selectFrom('webhook_deliveries').select(COLUMNS).where('subscription_id', '=', subscriptionId).where('id', '=', id).executeTakeFirst();
    return row ? toDelivery(row) : null;
  }

  /** Sends a delivery again now with a fresh retry schedule (same webhook-id); false when there is none. */
  async redeliver(subscriptionId: string, id: number, now = new Date()): Promise<boolean> {
    const rows = await this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', attempts: 0, next_attempt_at: iso(now), delivered_at: null, lease_owner: null, lease_until: null })
      .where('subscription_id', '=', subscriptionId)
      .where('id', '=', id)
      .returning('id')
      .execute();
    return rows.length > 0;
  }

  /** How many deliveries each subscription has in each status. */
  async counts(subscriptionIds: readonly string[]): Promise<Map<string, Record<DeliveryStatus, number>>> {
    const out = new Map<string, Record<DeliveryStatus, number>>(subscriptionIds.map((id) => [id, { pending: 0, delivered: 0, failed: 0 }]));
    if (subscriptionIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('webhook_deliveries')
      .select((eb) => ['subscription_id', 'status', eb.fn.countAll<number>().as('n')])
      .where('subscription_id', 'in', [...subscriptionIds])
      .groupBy(['subscription_id', 'status'])
      .execute();
    for (const r of rows) {
      const c = out.get(r.subscription_id);
      if (c && (r.status === 'pending' || r.status === 'delivered' || r.status === 'failed')) c[r.status] = Number(r.n);
    }
    return out;
  }
}
