import type { Kysely } from 'kysely';
import type { Database } from '../schema';
import { iso } from '../clock';

/** Xero's reference data (accounts, tax rates, organisation, …) cached per organisation. */
export class ReferenceCacheRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async put(tenantId: string, kind: string, data: unknown, at = new Date()): Promise<void> {
    await this.db
      .insertInto('reference_cache')
      .values({ tenant_id: tenantId, kind, data: JSON.stringify(data), fetched_at: iso(at) })
      .onConflict((oc) => oc.columns(['tenant_id', 'kind']).doUpdateSet({ data: JSON.stringify(data), fetched_at: iso(at) }))
      .execute();
  }

  /** The cached Organisation list (Xero's `Organisations`) alone, without the other kinds; null before the first read. */
  async organisation(tenantId: string): Promise<unknown> {
    const row = await this.db.selectFrom('reference_cache').select('data').where('tenant_id', '=', tenantId).where('kind', '=', 'organisation').executeTakeFirst();
    return row ? (JSON.parse(row.data) as unknown) : null;
  }

  async getAll(tenantId: string): Promise<{ data: Record<string, unknown>; fetchedAt: string | null }> {
    const rows = await this.db.selectFrom('reference_cache').selectAll().where('tenant_id', '=', tenantId).execute();
    const data: Record<string, unknown> = {};
    let fetchedAt: string | null = null;
    for (const r of rows) {
      data[r.kind] = JSON.parse(r.data) as unknown;
      if (!fetchedAt || r.fetched_at < fetchedAt) fetchedAt = r.fetched_at;
    }
    return { data, fetchedAt };
  }
}
