/**
 * The Xero organisations xport serves (tenants), as the web UI and the API see them: the list, one
 * organisation, and holding a custom connection on purpose. OAuth connections have their own life
 * in src/engine/connections.ts.
 */
import type { Tenant } from '../db/repositories/tenants';
import type { Store } from '../db/store';
import type { EventBus } from '../engine/events';

export type { Tenant };

export class OrganisationsService {
  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
  ) {}

  list(): Promise<Tenant[]> {
    return this.store.tenants.list();
  }

  get(id: string): Promise<Tenant | null> {
    return this.store.tenants.get(id);
  }

  /** What Xero last said about the organisation (its cached `Organisations` list), without calling Xero; null before the first read. */
  cachedDetails(id: string): Promise<unknown> {
    return this.store.reference.organisation(id);
  }

  /** A custom connection held from Settings: exports wait until it is reconnected. */
  async disconnect(tenantId: string, actor: string): Promise<void> {
    await this.store.tenants.setStatus(tenantId, 'disconnected');
    await this.bus.emit('connection.disconnected', { tenantId, actor });
    await this.bus.emit('queue.changed', { tenantId });
  }

  /** After the organisations were read again on request (syncConnections): queues may move, and the reader's organisation records it. */
  async synced(actor: string, tenants: Array<{ id: string }>, current: string | null): Promise<void> {
    for (const t of tenants) await this.bus.emit('queue.changed', { tenantId: t.id });
    if (current) await this.bus.emit('connection.synced', { tenantId: current, actor, organisations: tenants.length });
  }
}
