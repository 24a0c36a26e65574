import type { Kysely } from 'kysely';
import type { Database } from '../schema';
import { iso } from '../clock';

export type ContactKind = 'customer' | 'supplier';

export interface ContactLink {
  contactKind: ContactKind;
  sourceId: string;
  xeroContactId: string;
  linkedBy: 'export' | 'user';
  archived: boolean;
}

/** Source contact code → Xero ContactID, filled on first export or by a person linking it. */
export class ContactLinksRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(tenantId: string, contactKind: ContactKind, sourceId: string): Promise<ContactLink | null> {
    const r = await this.db.selectFrom('contact_links').selectAll()
      .where('tenant_id', '=', tenantId).where('contact_kind', '=', contactKind).where('source_id', '=', sourceId).executeTakeFirst();
    return r ? { contactKind, sourceId, xeroContactId: r.xero_contact_id, linkedBy: r.linked_by === 'user' ? 'user' : 'export', archived: r.archived === 1 } : null;
  }

  async getMany(tenantId: string, keys: Array<{ kind: ContactKind; sourceId: string }>): Promise<Map<string, ContactLink>> {
    const out = new Map<string, ContactLink>();
    for (const k of keys) {
      const key = `${k.kind}:${k.sourceId}`;
      if (out.has(key)) continue;
      const link = await this.get(tenantId, k.kind, k.sourceId);
      if (link) out.set(key, link);
    }
    return out;
  }

  async set(tenantId: string, link: { contactKind: ContactKind; sourceId: string; xeroContactId: string; linkedBy: 'export' | 'user' }): Promise<void> {
    const now = iso();
    await this.db
      .insertInto('contact_links')
      .values({ tenant_id: tenantId, contact_kind: link.contactKind, source_id: link.sourceId, xero_contact_id: link.xeroContactId, linked_by: link.linkedBy, archived: 0, updated_at: now })
      .onConflict((oc) => oc.columns(['tenant_id', 'contact_kind', 'source_id']).doUpdateSet({ xero_contact_id: link.xeroContactId, linked_by: link.linkedBy, archived: 0, updated_at: now }))
      .execute();
  }

  async markArchivedByXeroId(tenantId: string, xeroContactId: string, archived: boolean): Promise<Array<{ kind: ContactKind; sourceId: string }>> {
    const rows = await this.db.updateTable('contact_links').set({ archived: archived ? 1 : 0, updated_at: iso() })
      .where('tenant_id', '=', tenantId).where('xero_contact_id', '=', xeroContactId).returning(['contact_kind', 'source_id']).execute();
    return rows.map((r) => ({ kind: r.contact_kind === 'supplier' ? 'supplier' : 'customer', sourceId: r.source_id }));
  }

  async list(tenantId: string): Promise<ContactLink[]> {
    const rows = await this.db.selectFrom('contact_links').selectAll().where('tenant_id', '=', tenantId).orderBy('source_id').execute();
    return rows.map((r) => ({ contactKind: r.contact_kind === 'supplier' ? 'supplier' : 'customer', sourceId: r.source_id, xeroContactId: r.xero_contact_id, linkedBy: r.linked_by === 'user' ? 'user' : 'export', archived: r.archived === 1 }));
  }
}
