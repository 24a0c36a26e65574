/**
 * Notifications, a subscriber of the engine's events: new failures go out as a
 * digest, at most one per `digestMinutes` (across processes, through key_value), and a lost
 * connection goes out at once. Channels: an outgoing webhook (JSON POST) and email over SMTP, each
 * when configured. A channel that fails is logged (without its URL, which may hold a password) and
 * never affects an export.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import type { Store } from '../db/store';
import type { EventBus, EngineEvents } from '../engine/events';
import { sendMail } from './smtp';
import { postWebhook } from './webhook';

export const LAST_DIGEST_KEY = 'notify.last_digest_at';
const MAX_ITEMS = 50;

export interface NotifierDeps {
  config: Readonly<Config>;
  store: Store;
  logger: Logger;
}

export interface NotifierTiming {
  /** Minimum time between two digests. Default: config.notify.digestMinutes. */
  digestMs?: number;
  /** Wait this long after the first failure so that a burst lands in one digest. Default 10 s. */
  settleMs?: number;
}

export type Notification =
  | {
      type: 'failures';
      count: number;
      organisations: Array<{ tenantId: string; tenantName: string; count: number }>;
      items: Array<{ tenantName: string; reference: string; kind: string; message: string; action: string }>;
    }
  | { type: 'connection_lost'; tenantId: string; tenantName: string; reason: string };

export class Notifier {
  private pending: Array<EngineEvents['export.failed']> = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly sending = new Set<Promise<void>>();
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly d: NotifierDeps,
    bus: EventBus,
    private readonly timing: NotifierTiming = {},
  ) {
    if (!this.enabled) return;
    this.unsubscribe.push(bus.on('export.failed', (e) => this.failed(e)));
    this.unsubscribe.push(bus.on('connection.lost', (e) => this.track(this.send({ type: 'connection_lost', tenantId: e.tenantId, tenantName: e.tenantName, reason: e.reason }))));
  }

  get enabled(): boolean {
    const n = this.d.config.notify;
    return Boolean(n.webhookUrl || (n.smtpUrl && n.email));
  }

  private get digestMs(): number {
    return this.timing.digestMs ?? this.d.config.notify.digestMinutes * 60_000;
  }

  private failed(e: EngineEvents['export.failed']): void {
    this.pending.push(e);
    this.schedule(this.timing.settleMs ?? 10_000);
  }

  private schedule(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.track(this.flush());
    }, ms);
    this.timer.unref();
  }

  private track(p: Promise<void>): void {
    const q = p.catch((err: unknown) => this.d.logger.warn({ err: (err as Error).message }, 'notification failed')).finally(() => this.sending.delete(q));
    this.sending.add(q);
  }

  /** Sends the digest if the window allows, else waits for the window to open. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const last = Date.parse((await this.d.store.kv.get(LAST_DIGEST_KEY)) ?? '') || 0;
    const wait = last + this.digestMs - Date.now();
    if (wait > 0) return this.schedule(wait);
    await this.d.store.kv.set(LAST_DIGEST_KEY, new Date().toISOString());
    const batch = this.pending;
    this.pending = [];
    await this.send(await this.digest(batch));
  }

  private async digest(batch: Array<EngineEvents['export.failed']>): Promise<Notification> {
    const names = new Map((await this.d.store.tenants.list()).map((t) => [t.id, t.name]));
    const byTenant = new Map<string, number>();
    for (const e of batch) byTenant.set(e.tenantId, (byTenant.get(e.tenantId) ?? 0) + 1);
    return {
      type: 'failures',
      count: batch.length,
      organisations: [...byTenant].map(([tenantId, count]) => ({ tenantId, tenantName: names.get(tenantId) ?? tenantId, count })),
      items: batch.slice(0, MAX_ITEMS).map((e) => ({ tenantName: names.get(e.tenantId) ?? e.tenantId, reference: e.reference, kind: e.kind, message: e.message, action: e.action })),
    };
  }

  async send(n: Notification): Promise<void> {
    const { webhookUrl, smtpUrl, email, from } = this.d.config.notify;
    const jobs: Array<Promise<void>> = [];
    if (webhookUrl) jobs.push(postWebhook(webhookUrl, n));
    if (smtpUrl && email) jobs.push(sendMail(smtpUrl, { from, to: email, ...emailText(n) }));
    const results = await Promise.allSettled(jobs);
    for (const r of results) if (r.status === 'rejected') this.d.logger.warn({ err: (r.reason as Error).message, type: n.type }, 'a notification channel failed');
  }

  /** Waits for notifications in flight (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.sending.size > 0) await Promise.all([...this.sending]);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const u of this.unsubscribe) u();
  }
}

export function emailText(n: Notification): { subject: string; text: string } {
  if (n.type === 'connection_lost') {
    return {
      subject: `xport: the connection to Xero for ${n.tenantName} is lost`,
      text: `xport can no longer export to ${n.tenantName}: ${n.reason}.\n\nExports wait in the queue. Open xport, Settings → Xero connection, and connect again; the queue then resumes by itself.\n`,
    };
  }
  const lines = n.items.map((i) => `- ${i.tenantName}: ${i.reference} (${i.kind}): ${i.message}\n  What to do: ${i.action}`);
  const more = n.count > n.items.length ? `\n…and ${n.count - n.items.length} more.` : '';
  return {
    subject: `xport: ${n.count} export${n.count === 1 ? '' : 's'} to Xero failed`,
    text: `${n.count} export(s) to Xero failed since the last message:\n\n${lines.join('\n')}${more}\n\nOpen xport → Manage Xero Queue to fix, export again or delete them.\n`,
  };
}

/** Subscribes notifications to the bus; returns the stop function. */
export function attachNotifications(bus: EventBus, deps: NotifierDeps): () => void {
  const n = new Notifier(deps, bus);
  return () => n.stop();
}
