/**
 * Xero's rate limits (docs/xero.md#rate-limits): per tenant 5 in progress, 60 a minute and 5,000 (or 1,000)
 * a day; per app 10,000 a minute. Windows are fixed and, as Xero documents, "reset at different times
 * for each tenant": each tenant's windows are shifted by an offset derived from its id.
 */
import { createHash } from 'node:crypto';
import type { SandboxLimits } from '../options';

const MINUTE = 60_000;
const DAY = 86_400_000;

export type LimitProblem = 'minute' | 'day' | 'concurrent' | 'appminute';

export interface Remaining {
  day: number;
  minute: number;
  appMinute: number;
}

export type Admission = { ok: true; remaining: Remaining; release: () => void } | { ok: false; problem: LimitProblem; retryAfter?: number; remaining: Remaining };

interface Counter {
  window: number;
  count: number;
}

function offsetFor(key: string, span: number): number {
  const h = createHash('sha1').update(key).digest();
  return h.readUInt32BE(0) % span;
}

export class RateLimiter {
  private readonly minute = new Map<string, Counter>();
  private readonly day = new Map<string, Counter>();
  private readonly app = new Map<string, Counter>();
  private readonly inFlight = new Map<string, number>();

  constructor(
    public limits: SandboxLimits,
    private readonly now: () => number,
  ) {}

  reset(): void {
    this.minute.clear();
    this.day.clear();
    this.app.clear();
  }

  /** Counts one tenant call or refuses it. `release` must be called when the response is over. */
  admit(appId: string, tenantId: string): Admission {
    const key = `${appId}|${tenantId}`;
    const t = this.now();
    const m = this.window(this.minute, key, t, MINUTE, offsetFor(`m${tenantId}`, MINUTE));
    const d = this.window(this.day, key, t, DAY, offsetFor(`d${tenantId}`, DAY));
    const a = this.window(this.app, appId, t, MINUTE, 0);
    const L = this.limits;
    const remaining = (): Remaining => ({
      day: Math.max(0, L.perDay - d.counter.count),
      minute: Math.max(0, L.perMinute - m.counter.count),
      appMinute: Math.max(0, L.appPerMinute - a.counter.count),
    });
    if (L.enabled) {
      if (d.counter.count >= L.perDay) return { ok: false, problem: 'day', retryAfter: d.retryAfter, remaining: remaining() };
      if (m.counter.count >= L.perMinute) return { ok: false, problem: 'minute', retryAfter: m.retryAfter, remaining: remaining() };
      if (a.counter.count >= L.appPerMinute) return { ok: false, problem: 'appminute', remaining: remaining() };
      if ((this.inFlight.get(key) ?? 0) >= L.concurrent) return { ok: false, problem: 'concurrent', remaining: remaining() };
    }
    m.counter.count++;
    d.counter.count++;
    a.counter.count++;
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.inFlight.set(key, Math.max(0, (this.inFlight.get(key) ?? 1) - 1));
    };
    return { ok: true, remaining: remaining(), release };
  }

  /** Tenantless calls (/connections) only count against, and report, the app limit. */
  appRemaining(appId: string): number {
    const a = this.window(this.app, appId, this.now(), MINUTE, 0);
    return Math.max(0, this.limits.appPerMinute - a.counter.count);
  }

  private window(map: Map<string, Counter>, key: string, t: number, span: number, offset: number): { counter: Counter; retryAfter: number } {
    const w = Math.floor((t - offset) / span);
    let c = map.get(key);
    if (!c || c.window !== w) {
      c = { window: w, count: 0 };
      map.set(key, c);
    }
    const end = (w + 1) * span + offset;
    return { counter: c, retryAfter: Math.max(1, Math.ceil((end - t) / 1000)) };
  }
}
