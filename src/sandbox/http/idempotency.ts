/**
 * Idempotency-Key (docs/xero.md#idempotency): an answer, errors included, is remembered 6 minutes from the first
 * call per app and key; the same key with another method, URL, tenant or body is refused. A duplicate
 * that arrives while the first is still being processed waits for it and gets the same answer.
 */
import { createHash } from 'node:crypto';

export const IDEMPOTENCY_TTL_MS = 6 * 60_000;
export const IDEMPOTENCY_MAX_LENGTH = 128;

export interface StoredReply {
  status: number;
  headers: Record<string, string>;
  payload: string;
}

interface Entry {
  fingerprint: string;
  expiresAt: number;
  done: Promise<StoredReply | null>;
}

export type Lookup = { kind: 'new'; settle: (reply: StoredReply | null) => void } | { kind: 'replay'; reply: Promise<StoredReply | null> } | { kind: 'mismatch' };

export function fingerprint(parts: { method: string; url: string; tenantId: string; body: string }): string {
  return createHash('sha256').update(`${parts.method}\n${parts.url}\n${parts.tenantId}\n${parts.body}`).digest('hex');
}

export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number) {}

  lookup(appId: string, key: string, print: string): Lookup {
    const id = `${appId}|${key}`;
    const t = this.now();
    const hit = this.entries.get(id);
    if (hit && hit.expiresAt > t) return hit.fingerprint === print ? { kind: 'replay', reply: hit.done } : { kind: 'mismatch' };
    let settle: (reply: StoredReply | null) => void = () => undefined;
    const done = new Promise<StoredReply | null>((resolve) => {
      settle = resolve;
    });
    this.entries.set(id, { fingerprint: print, expiresAt: t + IDEMPOTENCY_TTL_MS, done });
    this.sweep(t);
    return { kind: 'new', settle };
  }

  /** A request that never produced an answer (dropped, hung) leaves nothing to replay. */
  forget(appId: string, key: string): void {
    this.entries.delete(`${appId}|${key}`);
  }

  clear(): void {
    this.entries.clear();
  }

  private sweep(t: number): void {
    if (this.entries.size < 10_000) return;
    for (const [k, e] of this.entries) if (e.expiresAt <= t) this.entries.delete(k);
  }
}
