/**
 * Reconciliation's marks in `key_value`: the lease that lets one process run an organisation at a
 * time, and per endpoint where the next read starts (If-Modified-Since after a complete read) or goes
 * on from (an unfinished read's page).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema';
import { iso } from '../clock';

export interface ReadCursor {
  since: string | null;
  page: number;
  startedAt: string;
}

export class ReconciliationMarks {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Takes the lease `key` for `owner` unless another holder took it less than `ttlMs` ago: one
   * atomic upsert, so of several processes asking at once exactly one gets it.
   */
  async tryLease(key: string, owner: string, ttlMs: number, now = new Date()): Promise<boolean> {
    const at = iso(now);
    await this.db
      .insertInto('key_value')
      .values({ key, value: owner, updated_at: at })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet({ value: owner, updated_at: at })
          .where((eb) => eb.or([eb('key_value.updated_at', '<', iso(new Date(now.getTime() - ttlMs))), eb('key_value.value', '=', owner)])),
      )
      .execute();
    const held = await this.db.selectFrom('key_value').select('value').where('key', '=', key).executeTakeFirst();
    return held?.value === owner;
  }

  async releaseLease(key: string, owner: string): Promise<void> {
    await this.db.deleteFrom('key_value').where('key', '=', key).where('value', '=', owner).execute();
  }

  /** Where the next read of an endpoint starts (If-Modified-Since), null before the first complete read. */
  async watermark(tenantId: string, endpoint: string): Promise<Date | null> {
    const r = await this.db.selectFrom('key_value').select('value').where('key', '=', `reconciliation.since:${tenantId}:${endpoint}`).executeTakeFirst();
    return r ? new Date(r.value) : null;
  }

  async setWatermark(tenantId: string, endpoint: string, at: Date): Promise<void> {
    const key = `reconciliation.since:${tenantId}:${endpoint}`;
    await this.db
      .insertInto('key_value')
      .values({ key, value: iso(at), updated_at: iso() })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: iso(at), updated_at: iso() }))
      .execute();
  }

  /** Where an unfinished read of an endpoint goes on from: its If-Modified-Since, its next page, when it started. */
  async cursor(tenantId: string, endpoint: string): Promise<ReadCursor | null> {
    const r = await this.db.selectFrom('key_value').select('value').where('key', '=', `reconciliation.cursor:${tenantId}:${endpoint}`).executeTakeFirst();
    return r ? (JSON.parse(r.value) as ReadCursor) : null;
  }

  async setCursor(tenantId: string, endpoint: string, cursor: ReadCursor | null): Promise<void> {
    const key = `reconciliation.cursor:${tenantId}:${endpoint}`;
    if (cursor === null) {
      await this.db.deleteFrom('key_value').where('key', '=', key).execute();
      return;
    }
    const value = JSON.stringify(cursor);
    await this.db
      .insertInto('key_value')
      .values({ key, value, updated_at: iso() })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: iso() }))
      .execute();
  }
}
