/**
 * The write-back dispatcher, in every `xport serve` and `xport worker` process: it sequences committed
 * outbox events (which queues their deliveries), claims due deliveries under a lease, POSTs each to its
 * receiver signed per Standard Webhooks, and records the outcome. Many processes may share a database:
 * a delivery is held by one at a time, and one whose process died is taken again when its lease ends,
 * so every event reaches every receiver at least once (receivers dedupe by webhook-id).
 */
import crypto from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'pino';
import type { AttemptResult, WebhookDelivery } from '../db/repositories/webhook-deliveries';
import { WebhookDeliveriesRepository } from '../db/repositories/webhook-deliveries';
import { WebhookSubscriptionsRepository, type WebhookSubscription } from '../db/repositories/webhook-subscriptions';
import type { Store } from '../db/store';
import type { SecretBox } from '../security/secret-box';
import { deliveryBody, nextAttemptAt, present, RETRY_SCHEDULE_S, signedHeaders, webhookId } from './write-back-events';

export interface WriteBackOptions {
  /** How often an idle dispatcher looks for work. Default 1 s. */
  pollMs: number;
  /** How long a receiver has to answer. Default 10 s. */
  timeoutMs: number;
  /** How long a claimed delivery is held before another process may take it. Default timeoutMs + 5 s. */
  leaseMs?: number;
  /** Deliveries claimed (and sent at once) per round. Default 20. */
  batch: number;
  /** Seconds between attempts (RETRY_SCHEDULE_S). */
  schedule: readonly number[];
}

export interface WriteBackDeps {
  store: Store;
  box: SecretBox;
  logger: Logger;
  now?: () => Date;
}

export const WRITE_BACK_DEFAULTS: WriteBackOptions = { pollMs: 1000, timeoutMs: 10_000, batch: 20, schedule: RETRY_SCHEDULE_S };

/** The associated data a subscription's secret is encrypted under: bound to its row. */
export function secretAad(subscriptionId: string): string {
  return `webhook-subscription:${subscriptionId}`;
}

export class WriteBackDispatcher {
  private readonly deliveries: WebhookDeliveriesRepository;
  private readonly subscriptions: WebhookSubscriptionsRepository;
  private readonly owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
  private readonly o: WriteBackOptions;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;

  constructor(
    private readonly d: WriteBackDeps,
    o: Partial<WriteBackOptions> = {},
  ) {
    this.o = { ...WRITE_BACK_DEFAULTS, ...o };
    this.deliveries = new WebhookDeliveriesRepository(d.store.db, d.store.adapter);
    this.subscriptions = new WebhookSubscriptionsRepository(d.store.db);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling and waits for the round in flight (its attempts end within the timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Rounds until nothing is due (tests, and the feed's freshness). */
  async drain(): Promise<void> {
    while ((await this.round()) > 0);
  }

  /**
   * One round: sequence what was committed, then send what is due. Returns how many attempts were made.
   * Without any subscription there is nothing to send, and the feed sequences what it reads itself.
   */
  async round(): Promise<number> {
    if (!(await this.subscriptions.any())) return 0;
    const now = this.now();
    while ((await this.d.store.outbox.sequence(now)) > 0);
    const claimed = await this.deliveries.claim({ owner: this.owner, leaseMs: this.o.leaseMs ?? this.o.timeoutMs + 5000, limit: this.o.batch, now });
    if (claimed.length === 0) return 0;
    const [events, subs] = await Promise.all([this.d.store.outbox.byIds(claimed.map((c) => c.eventId)), this.subscriptions.byIds([...new Set(claimed.map((c) => c.subscriptionId))])]);
    const shortCodes = new Map<string, string | null>();
    await Promise.all(
      claimed.map(async (c) => {
        const event = events.get(c.eventId);
        const sub = subs.get(c.subscriptionId);
        if (!event || !sub) return; // deleted meanwhile (subscription removed, retention)
        if (!shortCodes.has(sub.tenantId)) shortCodes.set(sub.tenantId, await this.d.store.outbox.shortCode(sub.tenantId));
        await this.attempt(c, sub, deliveryBody(present(event, shortCodes.get(sub.tenantId) ?? null)));
      }),
    );
    return claimed.length;
  }

  private async attempt(c: WebhookDelivery, sub: WebhookSubscription, body: string): Promise<void> {
    const secret = this.d.box.decrypt(sub.secretCiphertext, secretAad(sub.id));
    const at = this.now();
    const result: AttemptResult =
      secret === null
        ? { at, responseStatus: null, error: 'The signing secret cannot be decrypted with this XPORT_SECRET_KEY' }
        : await this.post(sub.url, signedHeaders(secret, webhookId(c.eventId), body, at), body, at);
    if (result.responseStatus !== null && result.responseStatus >= 200 && result.responseStatus < 300) return this.deliveries.markDelivered(c.id, result);
    const nextAt = nextAttemptAt(c.attempts + 1, result.at, this.o.schedule);
    if (!nextAt) this.d.logger.warn({ delivery: c.id, subscription: sub.id, attempts: c.attempts + 1 }, 'write-back webhook delivery failed for good: redeliver it from the delivery log');
    await this.deliveries.markAttemptFailed(c.id, this.owner, { ...result, nextAt });
  }

  private async post(url: string, headers: Record<string, string>, body: string, at: Date): Promise<AttemptResult> {
    try {
      // No redirects: the receiver's URL is the one the organisation registered.
      const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(this.o.timeoutMs) });
      await res.body?.cancel();
      const ok = res.status >= 200 && res.status < 300;
      return { at, responseStatus: res.status, error: ok ? null : `The receiver answered HTTP ${res.status}` };
    } catch (err) {
      const e = err as { name?: string; cause?: { code?: string } };
      const reason = e.name === 'TimeoutError' ? `no answer within ${this.o.timeoutMs} ms` : (e.cause?.code ?? e.name ?? 'network error');
      return { at, responseStatus: null, error: `The receiver could not be reached (${reason})` };
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const p = this.round()
        .then((n) => this.schedule(n > 0 ? 0 : this.o.pollMs))
        .catch((err: unknown) => {
          this.d.logger.error({ err }, 'write-back webhook round failed');
          this.schedule(this.o.pollMs * 5);
        });
      this.running = p;
    }, ms);
    this.timer.unref();
  }

  private now(): Date {
    return this.d.now?.() ?? new Date();
  }
}
