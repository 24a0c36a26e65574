/**
 * Write-back webhook subscriptions (0018): per organisation, a receiver's URL, the event types it wants
 * (all when none are named) and its signing secret, stored only encrypted.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema';

export interface WebhookSubscription {
  id: string;
  tenantId: string;
  url: string;
  /** The event types delivered; null: every type. */
  events: string[] | null;
  secretCiphertext: string;
  createdAt: string;
}

type Row = { id: string; tenant_id: string; url: string; events: string | null; secret_ciphertext: string; created_at: string };

function toSubscription(r: Row): WebhookSubscription {
  return { id: r.id, tenantId: r.tenant_id, url: r.url, events: r.events === null ? null : (JSON.parse(r.events) as string[]), secretCiphertext: r.secret_ciphertext, createdAt: r.created_at };
}

const COLUMNS = ['id', 'tenant_id', 'url', 'events', 'secret_ciphertext', 'created_at'] as const;

export class WebhookSubscriptionsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Stores a subscription; it receives the events after `fromEventId`. */
  async create(s: WebhookSubscription & { fromEventId: number }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('webhook_subscriptions')
        .values({
          id: s.id,
          tenant_id: s.tenantId,
          url: s.url,
          events: s.events === null ? null : JSON.stringify(s.events),
          secret_ciphertext: s.secretCiphertext,
          from_event_id: s.fromEventId,
          created_at: s.createdAt,
        })
        .execute();
      if (s.events && s.events.length > 0)
        await trx
          .insertInto('webhook_subscription_types')
          .values(s.events.map((type) => ({ subscription_id: s.id, type })))
          .execute();
    });
  }

  /** Whether any organisation has a subscription. */
  async any(): Promise<boolean> {
    return (await this.db.selectFrom('webhook_subscriptions').select('id').limit(1).executeTakeFirst()) !== undefined;
  }

  async list(tenantId: string): Promise<WebhookSubscription[]> {
    const rows = await this.db.selectFrom('webhook_subscriptions').select(COLUMNS).where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toSubscription);
  }

  async get(tenantId: string, id: string): Promise<WebhookSubscription | null> {
    const row = await this.db.selectFrom('webhook_subscriptions').select(COLUMNS).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? toSubscription(row) : null;
  }

  async byIds(ids: readonly string[]): Promise<Map<string, WebhookSubscription>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('webhook_subscriptions')
      .select(COLUMNS)
      .where('id', 'in', [...ids])
      .execute();
    return new Map(rows.map((r) => [r.id, toSubscription(r)]));
  }

  /** Removes the subscription with its deliveries (pending ones are not sent); false when there was none. */
  async delete(tenantId: string, id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx.deleteFrom('webhook_subscriptions').where('tenant_id', '=', tenantId).where('id', '=', id).returning('id').execute();
      if (rows.length === 0) return false;
      await trx.deleteFrom('webhook_subscription_types').where('subscription_id', '=', id).execute();
      await trx.deleteFrom('webhook_deliveries').where('subscription_id', '=', id).execute();
      return true;
    });
  }
}
