/**
 * OAuth token sets (one row per authorisation, encrypted by the caller) and the per-connection
 * refresh lock that every process on this database respects. The lock is a lease on the row
 * (refresh_lock_until, refresh_lock_owner), taken with one conditional UPDATE that works the same on
 * SQLite and PostgreSQL; a holder that dies frees it when the lease runs out.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, XeroConnectionsTable } from '../schema';
import { iso } from '../clock';
import type { Tenant } from './tenants';

export type ConnectionStatus = 'active' | 'revoked' | 'disconnected';

export interface XeroConnection {
  id: string;
  kind: 'oauth' | 'client_credentials';
  ciphertext: string | null;
  accessExpiresAt: string | null;
  refreshExpiresAt: string | null;
  status: ConnectionStatus;
  lockUntil: string | null;
  lockOwner: string | null;
  updatedAt: string;
}

function toStatus(s: string): ConnectionStatus {
  return s === 'revoked' || s === 'disconnected' ? s : 'active';
}

function toConnection(r: Selectable<XeroConnectionsTable>): XeroConnection {
  return {
    id: r.id,
    kind: r.kind === 'client_credentials' ? 'client_credentials' : 'oauth',
    ciphertext: r.token_ciphertext,
    accessExpiresAt: r.access_expires_at,
    refreshExpiresAt: r.refresh_expires_at,
    status: toStatus(r.status),
    lockUntil: r.refresh_lock_until,
    lockOwner: r.refresh_lock_owner,
    updatedAt: r.updated_at,
  };
}

export class XeroConnectionsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(id: string): Promise<XeroConnection | null> {
    const r = await this.db.selectFrom('xero_connections').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toConnection(r) : null;
  }

  async create(p: { id: string; ciphertext: string; accessExpiresAt: Date; refreshExpiresAt: Date }): Promise<void> {
    const now = iso();
    await this.db
      .insertInto('xero_connections')
      .values({
        id: p.id,
        kind: 'oauth',
        token_ciphertext: p.ciphertext,
        access_expires_at: iso(p.accessExpiresAt),
        refresh_expires_at: iso(p.refreshExpiresAt),
        status: 'active',
        created_at: now,
        updated_at: now,
      })
      .execute();
  }

  /** Stores a token set; only the lock holder may (null owner: a write outside any refresh, e.g. bookkeeping). */
  async saveTokens(id: string, owner: string | null, p: { ciphertext: string; accessExpiresAt: Date; refreshExpiresAt: Date }): Promise<boolean> {
    let q = this.db
      .updateTable('xero_connections')
      .set({ token_ciphertext: p.ciphertext, access_expires_at: iso(p.accessExpiresAt), refresh_expires_at: iso(p.refreshExpiresAt), status: 'active', updated_at: iso() })
      .where('id', '=', id);
    if (owner) q = q.where('refresh_lock_owner', '=', owner);
    const rows = await q.returning('id').execute();
    return rows.length > 0;
  }

  async setStatus(id: string, status: ConnectionStatus): Promise<void> {
    await this.db.updateTable('xero_connections').set({ status, updated_at: iso() }).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.updateTable('tenants').set({ auth_id: null }).where('auth_id', '=', id).execute();
    await this.db.deleteFrom('xero_connections').where('id', '=', id).execute();
  }

  /** Takes the refresh lock if it is free or its lease ran out; true when this owner holds it now. */
  async tryLock(id: string, owner: string, leaseMs: number, now = new Date()): Promise<boolean> {
    const rows = await this.db
      .updateTable('xero_connections')
      .set({ refresh_lock_owner: owner, refresh_lock_until: iso(new Date(now.getTime() + leaseMs)) })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('refresh_lock_until', 'is', null), eb('refresh_lock_until', '<', iso(now)), eb('refresh_lock_owner', '=', owner)]))
      .returning('id')
      .execute();
    return rows.length > 0;
  }

  async unlock(id: string, owner: string): Promise<void> {
    await this.db.updateTable('xero_connections').set({ refresh_lock_owner: null, refresh_lock_until: null }).where('id', '=', id).where('refresh_lock_owner', '=', owner).execute();
  }

  /** Active OAuth connections, for the idle refresh and the connection check. */
  async listActive(): Promise<XeroConnection[]> {
    const rows = await this.db.selectFrom('xero_connections').selectAll().where('kind', '=', 'oauth').where('status', '=', 'active').orderBy('created_at').execute();
    return rows.map(toConnection);
  }

  // --- the organisations an authorisation reaches -------------------------------------------

  async authIdOf(tenantId: string): Promise<string | null> {
    const r = await this.db.selectFrom('tenants').select('auth_id').where('id', '=', tenantId).executeTakeFirst();
    return r?.auth_id ?? null;
  }

  async tenantsOf(authId: string): Promise<Array<Pick<Tenant, 'id' | 'name' | 'connectionId' | 'status'>>> {
    const rows = await this.db.selectFrom('tenants').select(['id', 'name', 'connection_id', 'status']).where('auth_id', '=', authId).orderBy('name').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, connectionId: r.connection_id, status: r.status === 'disconnected' ? 'disconnected' : 'active' }));
  }

  async linkTenant(tenantId: string, authId: string | null): Promise<void> {
    await this.db.updateTable('tenants').set({ auth_id: authId, updated_at: iso() }).where('id', '=', tenantId).execute();
  }

  /**
   * Marks the organisation disconnected and pauses it until a person reconnects; false when it was
   * already disconnected (another process got there first: one notification, not two).
   */
  async markTenantDisconnected(tenantId: string, pause: { reason: string; code: string }): Promise<boolean> {
    const rows = await this.db
      .updateTable('tenants')
      .set({ status: 'disconnected', paused_until: '9999-12-31T00:00:00.000Z', pause_reason: pause.reason, pause_code: pause.code, updated_at: iso() })
      .where('id', '=', tenantId)
      .where('status', '=', 'active')
      .returning('id')
      .execute();
    return rows.length > 0;
  }

  /**
   * After a reconnect: exports that were held back by the pause become due now, so the backlog
   * exports by itself instead of waiting out the pause they were requeued with.
   */
  async releasePausedExports(tenantId: string, now = new Date()): Promise<number> {
    const rows = await this.db
      .updateTable('exports')
      .set({ next_attempt_at: iso(now), wait_reason: null, updated_at: iso(now) })
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'queued')
      .where('next_attempt_at', '>', iso(now))
      .returning('id')
      .execute();
    return rows.length;
  }
}
