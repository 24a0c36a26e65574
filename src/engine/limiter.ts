/**
 * Client-side limits per organisation, so xport never asks more of Xero than it allows:
 * at most 5 calls in flight and 60 calls in any rolling minute (a rolling window is never more
 * than Xero's fixed window allows, whatever its offset). Xero's X-…-Remaining headers steer it
 * further: when a window is spent, the organisation waits instead of earning a 429.
 * Across processes (issue 7) a database-backed gate replaces this one behind the same interface.
 */
export interface LimitSettings {
  concurrent: number;
  perMinute: number;
}

export const XERO_LIMITS: LimitSettings = { concurrent: 5, perMinute: 60 };

export interface CallGate {
  /** Waits for a call slot for this organisation; returns a release function. */
  acquire(tenantId: string): Promise<() => void>;
  /** Feeds back what Xero said is left in the minute window. */
  observe(tenantId: string, minuteRemaining: number | null, now?: number): void;
}

interface TenantState {
  inFlight: number;
  starts: number[];
  waiters: Array<() => void>;
  blockedUntil: number;
}

export class InProcessGate implements CallGate {
  private readonly tenants = new Map<string, TenantState>();

  constructor(private readonly limits: LimitSettings = XERO_LIMITS) {}

  async acquire(tenantId: string): Promise<() => void> {
    const s = this.state(tenantId);
    for (;;) {
      const now = Date.now();
      s.starts = s.starts.filter((t) => t > now - 60_000);
      const wait = this.waitMs(s, now);
      if (wait === 0) break;
      if (wait > 0) await sleep(wait);
      else await new Promise<void>((resolve) => s.waiters.push(resolve));
    }
    s.inFlight += 1;
    s.starts.push(Date.now());
    let released = false;
    return () => {
      if (released) return;
      released = true;
      s.inFlight -= 1;
      s.waiters.shift()?.();
    };
  }

  observe(tenantId: string, minuteRemaining: number | null, now = Date.now()): void {
    if (minuteRemaining !== null && minuteRemaining <= 0) {
      // Xero's window resets at an unknown offset: wait for the oldest call to leave a rolling minute.
      const s = this.state(tenantId);
      const oldest = s.starts[0] ?? now;
      s.blockedUntil = Math.max(s.blockedUntil, oldest + 60_000);
    }
  }

  /** 0: go now; > 0: sleep that long; -1: wait for a slot to be released. */
  private waitMs(s: TenantState, now: number): number {
    if (s.blockedUntil > now) return s.blockedUntil - now;
    if (s.inFlight >= this.limits.concurrent) return -1;
    if (s.starts.length >= this.limits.perMinute) return (s.starts[0] ?? now) + 60_000 - now + 1;
    return 0;
  }

  private state(tenantId: string): TenantState {
    let s = this.tenants.get(tenantId);
    if (!s) {
      s = { inFlight: 0, starts: [], waiters: [], blockedUntil: 0 };
      this.tenants.set(tenantId, s);
    }
    return s;
  }
}

/** A gate that lets everything through (throughput benchmarks against a sandbox with limits off). */
export class OpenGate implements CallGate {
  async acquire(): Promise<() => void> {
    return () => {};
  }
  observe(): void {}
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
