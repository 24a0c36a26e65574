/**
 * Write-back for one organisation, as the API and the Settings page use it: webhook subscriptions
 * (the secret is shown once, at creation, and kept only encrypted), their delivery logs and
 * redelivery, and the pull feed of the same events.
 */
import crypto from 'node:crypto';
import type { DeliveryStatus, ListedDelivery } from '../db/repositories/webhook-deliveries';
import { WebhookDeliveriesRepository } from '../db/repositories/webhook-deliveries';
import { WebhookSubscriptionsRepository, type WebhookSubscription } from '../db/repositories/webhook-subscriptions';
import type { Store } from '../db/store';
import type { SecretBox } from '../security/secret-box';
import { newSecret, present, type PublicEvent } from './write-back-events';

export type { DeliveryStatus, ListedDelivery };
import { secretAad } from './write-back';

export interface SubscriptionView {
  id: string;
  url: string;
  /** null: every event type. */
  events: string[] | null;
  createdAt: string;
  deliveries: Record<DeliveryStatus, number>;
}

export interface Feed {
  events: PublicEvent[];
  /** Pass as `after` to read on; the same as `after` when there was nothing new. */
  next: string;
}

export class WriteBackService {
  private readonly subscriptions: WebhookSubscriptionsRepository;
  private readonly deliveries: WebhookDeliveriesRepository;

  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
  ) {
    this.subscriptions = new WebhookSubscriptionsRepository(store.db);
    this.deliveries = new WebhookDeliveriesRepository(store.db, store.adapter);
  }

  /** A new subscription; the answer holds its secret, the only time it is shown. */
  async subscribe(tenantId: string, p: { url: string; events: string[] | null }): Promise<SubscriptionView & { secret: string }> {
    const id = `wh_${crypto.randomBytes(9).toString('base64url')}`;
    const secret = newSecret();
    const sub: WebhookSubscription = { id, tenantId, url: p.url, events: p.events, secretCiphertext: this.box.encrypt(secret, secretAad(id)), createdAt: new Date().toISOString() };
    await this.subscriptions.create({ ...sub, fromEventId: await this.store.outbox.lastId() });
    return { ...view(sub), deliveries: { pending: 0, delivered: 0, failed: 0 }, secret };
  }

  async list(tenantId: string): Promise<SubscriptionView[]> {
    const subs = await this.subscriptions.list(tenantId);
    const counts = await this.deliveries.counts(subs.map((s) => s.id));
    return subs.map((s) => ({ ...view(s), deliveries: counts.get(s.id) ?? { pending: 0, delivered: 0, failed: 0 } }));
  }

  async get(tenantId: string, id: string): Promise<SubscriptionView | null> {
    const s = await this.subscriptions.get(tenantId, id);
    if (!s) return null;
    return { ...view(s), deliveries: (await this.deliveries.counts([id])).get(id) ?? { pending: 0, delivered: 0, failed: 0 } };
  }

  remove(tenantId: string, id: string): Promise<boolean> {
    return this.subscriptions.delete(tenantId, id);
  }

  /** The subscription's delivery log, newest first; null when the organisation has no such subscription. */
  async deliveryLog(tenantId: string, id: string, o: { before?: number; limit: number; status?: DeliveryStatus }): Promise<ListedDelivery[] | null> {
    if (!(await this.subscriptions.get(tenantId, id))) return null;
    return this.deliveries.list(id, o);
  }

  /** Sends one delivery again (same webhook-id, fresh retries); false when the organisation has no such delivery. */
  async redeliver(tenantId: string, id: string, deliveryId: number): Promise<boolean> {
    if (!(await this.subscriptions.get(tenantId, id))) return false;
    return this.deliveries.redeliver(id, deliveryId);
  }

  /** The organisation's events after the cursor, oldest first (what was committed until now is sequenced first). */
  async feed(tenantId: string, after: number, limit: number): Promise<Feed> {
    while ((await this.store.outbox.sequence()) > 0);
    const rows = await this.store.outbox.feed(tenantId, after, limit);
    const shortCode = rows.length > 0 ? await this.store.outbox.shortCode(tenantId) : null;
    const last = rows.at(-1)?.seq;
    return { events: rows.map((r) => present(r, shortCode)), next: String(last ?? after) };
  }
}

function view(s: WebhookSubscription): Omit<SubscriptionView, 'deliveries'> {
  return { id: s.id, url: s.url, events: s.events, createdAt: s.createdAt };
}
