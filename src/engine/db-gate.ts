/**
 * Xero's limits across every process on one database: each call takes a row in
 * xero_calls under a per-organisation lock; the row is rolled back when the organisation already
 * has 5 calls in flight or 60 started in the last minute, or the app 10,000. Rows expire, so a
 * process killed mid-call frees its slot. A rolling minute never allows more than Xero's fixed one.
 */
import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Store } from '../db/store';
import { iso } from '../db/clock';
import type { CallGate } from './limiter';

export interface DbGateLimits {
  concurrent: number;
  perMinute: number;
  appPerMinute: number;
  /** How long a slot is held at most (longer than the Xero timeout). */
  holdMs: number;
}

export const DEFAULT_DB_GATE_LIMITS: DbGateLimits = { concurrent: 5, perMinute: 60, appPerMinute: 10_000, holdMs: 120_000 };

export class DbGate implements CallGate {
  private readonly holder = `gate-${crypto.randomUUID().slice(0, 8)}`;
  private readonly limits: DbGateLimits;

  constructor(
    private readonly store: Store,
    limits: Partial<DbGateLimits> = {},
  ) {
    this.limits = { ...DEFAULT_DB_GATE_LIMITS, ...limits };
  }

  async acquire(tenantId: string, signal?: AbortSignal): Promise<() => void> {
    for (;;) {
      signal?.throwIfAborted();
      const r = await this.tryAcquire(tenantId);
      // A release that fails (the database went away mid-call) must not become an unhandled rejection,
      // which ends the process: the slot expires by itself after holdMs.
      if ('id' in r) return () => void this.release(r.id).catch(() => {});
      await abortableSleep(r.waitMs, signal);
    }
  }

  observe(): void {}

  private async tryAcquire(tenantId: string): Promise<{ id: number } | { waitMs: number }> {
    const { db, adapter } = this.store;
    return db.transaction().execute(async (trx) => {
      await adapter.lockKeyInTransaction(trx, `xero-gate:${tenantId}`);
      const now = new Date();
      const minuteAgo = iso(new Date(now.getTime() - 60_000));
      // Write first: on SQLite this takes the write lock, so the counts below cannot go stale.
      const { id } = await trx
        .insertInto('xero_calls')
        .values({ tenant_id: tenantId, holder: this.holder, started_at: iso(now), expires_at: iso(new Date(now.getTime() + this.limits.holdMs)) })
        .returning('id')
        .executeTakeFirstOrThrow();
      const counts = await trx
        .selectFrom('xero_calls')
        .select([
          sql<number>`sum(case when finished_at is null and expires_at > ${iso(now)} then 1 else 0 end)`.as('inflight'),
          sql<number>`count(*)`.as('minute'),
          sql<string | null>`min(started_at)`.as('oldest'),
        ])
        .where('tenant_id', '=', tenantId)
        .where('started_at', '>', minuteAgo)
        .executeTakeFirstOrThrow();
      const app = await trx
        .selectFrom('xero_calls')
        .select(sql<number>`count(*)`.as('n'))
        .where('started_at', '>', minuteAgo)
        .executeTakeFirstOrThrow();
      const overMinute = Number(counts.minute) > this.limits.perMinute;
      if (Number(counts.inflight) <= this.limits.concurrent && !overMinute && Number(app.n) <= this.limits.appPerMinute) return { id };
      await trx.deleteFrom('xero_calls').where('id', '=', id).execute();
      const waitMs = overMinute && counts.oldest ? Math.max(50, Date.parse(counts.oldest) + 60_000 - now.getTime()) : 50 + Math.floor(Math.random() * 100);
      return { waitMs };
    });
  }

  private async release(id: number): Promise<void> {
    await this.store.db.updateTable('xero_calls').set({ finished_at: iso() }).where('id', '=', id).execute();
  }

  /** Forgets calls older than a day (scheduled). */
  static async prune(store: Store, olderThan = new Date(Date.now() - 86_400_000)): Promise<void> {
    await store.db.deleteFrom('xero_calls').where('started_at', '<', iso(olderThan)).execute();
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
