/**
 * The call gate: every Xero call for an organisation passes through one, so xport never asks more of
 * Xero than it allows. The database-backed gate (db-gate.ts) holds the limits across processes; the
 * open gate lets everything through (throughput benchmarks against a sandbox with its limits off).
 */
export interface CallGate {
  /** Waits for a call slot for this organisation; returns a release function. */
  acquire(tenantId: string): Promise<() => void>;
  /** Feeds back what Xero said is left in the minute window. */
  observe(tenantId: string, minuteRemaining: number | null, now?: number): void;
}

/** A gate that lets everything through (throughput benchmarks against a sandbox with limits off). */
export class OpenGate implements CallGate {
  async acquire(): Promise<() => void> {
    return () => {};
  }
  observe(): void {}
}

/** Wraps a call so that it holds one of the organisation's slots in the gate while it runs. */
export function throughGate(gate: CallGate, tenantId: string): <T>(call: () => Promise<T>) => Promise<T> {
  return async (call) => {
    const release = await gate.acquire(tenantId);
    try {
      return await call();
    } finally {
      release();
    }
  };
}
