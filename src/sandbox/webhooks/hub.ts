/**
 * Webhooks (docs/xero.md#webhooks): one URL and signing key per app, set through PUT /_sandbox/webhooks.
 * Setting them runs the intent-to-receive handshake (a correctly signed empty payload must get 200,
 * a wrongly signed one 401); only then are events delivered. CONTACT, INVOICE and CREDITNOTE events
 * are batched briefly, signed (`x-xero-signature` = base64 HMAC-SHA256 of the raw body) and retried
 * on anything but a 200, with the delays of `retryDelaysMs` (far shorter than Xero's 24 hours).
 */
import { createHmac, randomBytes } from 'node:crypto';

export type EventCategory = 'CONTACT' | 'INVOICE' | 'CREDITNOTE';
export interface WebhookEventInput {
  category: EventCategory;
  type: 'CREATE' | 'UPDATE';
  resourceId: string;
  resource: string;
  tenantId: string;
  data?: Record<string, string>;
}

export interface WebhookConfig {
  url: string;
  key: string;
  status: 'pending' | 'active' | 'failed';
  detail: string;
}
export interface Delivery {
  appId: string;
  firstEventSequence: number;
  lastEventSequence: number;
  events: number;
  attempt: number;
  status: number | null;
  error: string | null;
  time: string;
}

export interface WebhookHubOptions {
  now: () => number;
  baseUrl: () => string;
  batchDelayMs?: number;
  retryDelaysMs?: number[];
}

export function signPayload(body: string, key: string): string {
  return createHmac('sha256', key).update(body).digest('base64');
}

async function post(url: string, body: string, signature: string): Promise<{ status: number | null; error: string | null }> {
  try {
    const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-xero-signature': signature }, signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer().catch(() => undefined);
    return { status: res.status, error: null };
  } catch (e) {
    return { status: null, error: (e as Error).message };
  }
}

export class WebhookHub {
  private readonly configs = new Map<string, WebhookConfig>();
  private readonly queues = new Map<string, Array<Record<string, unknown>>>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private sequence = 0;
  readonly deliveries: Delivery[] = [];
  retryDelaysMs: number[];

  constructor(private readonly o: WebhookHubOptions) {
    this.retryDelaysMs = o.retryDelaysMs ?? [200, 1000, 5000];
  }

  get(appId: string): WebhookConfig | undefined {
    return this.configs.get(appId);
  }

  /** Stores the URL and key and runs intent-to-receive; resolves with the resulting config. */
  async configure(appId: string, url: string, key: string): Promise<WebhookConfig> {
    const cfg: WebhookConfig = { url, key, status: 'pending', detail: 'intent to receive in progress' };
    this.configs.set(appId, cfg);
    const payload = JSON.stringify({ events: [], lastEventSequence: 0, firstEventSequence: 0, entropy: randomBytes(10).toString('hex').toUpperCase() });
    const good = await post(url, payload, signPayload(payload, key));
    const bad = await post(url, payload, signPayload(payload, `${key}-wrong`));
    const passed = good.status === 200 && bad.status === 401;
    cfg.status = passed ? 'active' : 'failed';
    cfg.detail = passed ? 'intent to receive passed' : `intent to receive failed: signed payload got ${good.status ?? good.error}, unsigned got ${bad.status ?? bad.error} (expected 200 and 401)`;
    return cfg;
  }

  remove(appId: string): void {
    this.configs.delete(appId);
  }

  emit(events: WebhookEventInput[]): void {
    if (!events.length) return;
    for (const [appId, cfg] of this.configs) {
      if (cfg.status !== 'active') continue;
      const q = this.queues.get(appId) ?? [];
      if (!q.length) this.later(this.o.batchDelayMs ?? 50, () => void this.flush(appId));
      q.push(...events.map((e) => this.wire(e)));
      this.queues.set(appId, q);
    }
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  reset(): void {
    this.close();
    this.configs.clear();
    this.queues.clear();
    this.deliveries.length = 0;
  }

  private wire(e: WebhookEventInput): Record<string, unknown> {
    return {
      resourceUrl: `${this.o.baseUrl()}/api.xro/2.0/${e.resource}/${e.resourceId}`,
      resourceId: e.resourceId,
      eventDateUtc: new Date(this.o.now()).toISOString().slice(0, 23),
      eventType: e.type,
      eventCategory: e.category,
      tenantId: e.tenantId,
      tenantType: 'ORGANISATION',
      ...(e.data ? { data: e.data } : {}),
    };
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private async flush(appId: string): Promise<void> {
    const events = this.queues.get(appId) ?? [];
    this.queues.delete(appId);
    if (!events.length) return;
    const first = this.sequence + 1;
    this.sequence += events.length;
    const body = JSON.stringify({ events, firstEventSequence: first, lastEventSequence: this.sequence, entropy: randomBytes(10).toString('hex').toUpperCase() });
    await this.attempt(appId, body, first, this.sequence, events.length, 1);
  }

  private async attempt(appId: string, body: string, first: number, last: number, count: number, attempt: number): Promise<void> {
    const cfg = this.configs.get(appId);
    if (!cfg || cfg.status !== 'active') return;
    const r = await post(cfg.url, body, signPayload(body, cfg.key));
    this.deliveries.push({ appId, firstEventSequence: first, lastEventSequence: last, events: count, attempt, ...r, time: new Date(this.o.now()).toISOString() });
    const delay = this.retryDelaysMs[attempt - 1];
    if (r.status !== 200 && delay !== undefined) this.later(delay, () => void this.attempt(appId, body, first, last, count, attempt + 1));
  }
}
