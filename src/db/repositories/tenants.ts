import type { Kysely } from 'kysely';
import type { Database, TenantRow } from '../schema';
import { iso } from '../clock';

export interface Tenant {
  id: string;
  name: string;
  connectionId: string | null;
  status: 'active' | 'disconnected';
  pausedUntil: string | null;
  pauseReason: string | null;
  pauseCode: string | null;
  settings: unknown;
}

function toTenant(row: TenantRow): Tenant {
  return {
    id: row.id,
    name: row.name,
    connectionId: row.connection_id,
    status: row.status === 'disconnected' ? 'disconnected' : 'active',
    pausedUntil: row.paused_until,
    pauseReason: row.pause_reason,
    pauseCode: row.pause_code,
    settings: JSON.parse(row.settings) as unknown,
  };
}

export class TenantsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async upsert(t: { id: string; name: string; connectionId?: string | null }): Promise<void> {
    const now = iso();
    await this.db
      .insertInto('tenants')
      .values({ id: t.id, name: t.name, connection_id: t.connectionId ?? null, status: 'active', settings: '{}', created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ name: t.name, connection_id: t.connectionId ?? null, status: 'active', updated_at: now }))
      .execute();
  }

  async list(): Promise<Tenant[]> {
    const rows = await this.db.selectFrom('tenants').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toTenant);
  }

  async get(id: string): Promise<Tenant | null> {
    const row = await this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toTenant(row) : null;
  }

  async setSettings(id: string, settings: unknown): Promise<void> {
    await this.db
      .updateTable('tenants')
      .set({ settings: JSON.stringify(settings), updated_at: iso() })
      .where('id', '=', id)
      .execute();
  }

  /** Stops exports for this organisation until `until` (null: until a person or event lifts it). */
  async pause(id: string, p: { until: Date | null; reason: string; code: string }): Promise<void> {
    await this.db
      .updateTable('tenants')
      .set({ paused_until: p.until ? iso(p.until) : '9999-12-31T00:00:00.000Z', pause_reason: p.reason, pause_code: p.code, updated_at: iso() })
      .where('id', '=', id)
      .execute();
  }

  async resume(id: string): Promise<void> {
    await this.db.updateTable('tenants').set({ paused_until: null, pause_reason: null, pause_code: null, updated_at: iso() }).where('id', '=', id).execute();
  }

  async setStatus(id: string, status: 'active' | 'disconnected'): Promise<void> {
    await this.db.updateTable('tenants').set({ status, updated_at: iso() }).where('id', '=', id).execute();
  }

  /** Pauses whose time has passed are cleared so that the organisation's queue moves again. */
  async clearExpiredPauses(now: Date): Promise<string[]> {
    const rows = await this.db
      .updateTable('tenants')
      .set({ paused_until: null, pause_reason: null, pause_code: null, updated_at: iso(now) })
      .where('paused_until', 'is not', null)
      .where('paused_until', '<=', iso(now))
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }
}
