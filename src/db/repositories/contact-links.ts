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
/** A link as written: found by an export, or made by a person. */
export interface NewLink {
  contactKind: ContactKind;
  sourceId: string;
  xeroContactId: string;
  linkedBy: 'export' | 'user';
}

export class ContactLinksRepository {
  constructor(protected readonly db: Kysely<Database>) {}

  async get(tenantId: string, contactKind: ContactKind, sourceId: string): Promise<ContactLink | null> {
    const r = await this.db.selectFrom('contact_links').selectAll().where('tenant_id', '=', tenantId).where('contact_kind', '=', contactKind).where('source_id', '=', sourceId).executeTakeFirst();
    return r ? toLink(r) : null;
  }

  /** Links for many contacts in one query per 500 source ids, keyed `kind:sourceId`. */
  async getMany(tenantId: string, keys: Array<{ kind: ContactKind; sourceId: string }>): Promise<Map<string, ContactLink>> {
    const out = new Map<string, ContactLink>();
    // Kind by kind: the key is (tenant, kind, source id), so a look-up names all three and reads only the
    // rows asked for; by source id alone it would walk every link of the organisation.
    for (const kind of ['customer', 'supplier'] as const) {
      const sourceIds = [...new Set(keys.filter((k) => k.kind === kind).map((k) => k.sourceId))];
      for (let i = 0; i < sourceIds.length; i += 500) {
        const rows = await this.db
          .selectFrom('contact_links')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .where('contact_kind', '=', kind)
          .where('source_id', 'in', sourceIds.slice(i, i + 500))
          .execute();
        for (const r of rows) {
          const link = toLink(r);
          out.set(`${link.contactKind}:${link.sourceId}`, link);
        }
      }
    }
    return out;
  }

  /**
   * The same repository, answering get() for `keys` from one query made now (a batch's contacts),
   * and anything else from the database as usual.
   */
  async preloaded(tenantId: string, keys: Array<{ kind: ContactKind; sourceId: string }>): Promise<ContactLinksRepository> {
    return new PreloadedContactLinks(this.db, tenantId, new Set(keys.map((k) => `${k.kind}:${k.sourceId}`)), await this.getMany(tenantId, keys));
  }

  async set(tenantId: string, link: NewLink): Promise<void> {
    await this.setMany(tenantId, [link]);
  }

  /** set for many contacts in one statement (the contacts of one Xero call); the last link of a contact given twice wins. */
  async setMany(tenantId: string, given: readonly NewLink[]): Promise<void> {
    if (given.length === 0) return;
    // PostgreSQL refuses an upsert that would change one row twice.
    const links = [...new Map(given.map((l) => [`${l.contactKind}:${l.sourceId}`, l])).values()];
    const now = iso();
    await this.db
      .insertInto('contact_links')
      .values(links.map((l) => ({ tenant_id: tenantId, contact_kind: l.contactKind, source_id: l.sourceId, xero_contact_id: l.xeroContactId, linked_by: l.linkedBy, archived: 0, updated_at: now })))
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'contact_kind', 'source_id'])
          .doUpdateSet((eb) => ({ xero_contact_id: eb.ref('excluded.xero_contact_id'), linked_by: eb.ref('excluded.linked_by'), archived: 0, updated_at: now })),
      )
      .execute();
  }

  async markArchivedByXeroId(tenantId: string, xeroContactId: string, archived: boolean): Promise<Array<{ kind: ContactKind; sourceId: string }>> {
    const rows = await this.db
      .updateTable('contact_links')
      .set({ archived: archived ? 1 : 0, updated_at: iso() })
      .where('tenant_id', '=', tenantId)
      .where('xero_contact_id', '=', xeroContactId)
      .returning(['contact_kind', 'source_id'])
      .execute();
    return rows.map((r) => ({ kind: r.contact_kind === 'supplier' ? 'supplier' : 'customer', sourceId: r.source_id }));
  }

  async list(tenantId: string): Promise<ContactLink[]> {
    const rows = await this.db.selectFrom('contact_links').selectAll().where('tenant_id', '=', tenantId).orderBy('source_id').execute();
    return rows.map(toLink);
  }
}

function toLink(r: { contact_kind: string; source_id: string; xero_contact_id: string; linked_by: string; archived: number }): ContactLink {
  return {
    contactKind: r.contact_kind === 'supplier' ? 'supplier' : 'customer',
    sourceId: r.source_id,
    xeroContactId: r.xero_contact_id,
    linkedBy: r.linked_by === 'user' ? 'user' : 'export',
    archived: r.archived === 1,
  };
}

class PreloadedContactLinks extends ContactLinksRepository {
  constructor(
    db: Kysely<Database>,
    private readonly tenantId: string,
    private readonly keys: Set<string>,
    private readonly links: Map<string, ContactLink>,
  ) {
    super(db);
  }

  override async get(tenantId: string, contactKind: ContactKind, sourceId: string): Promise<ContactLink | null> {
    const key = `${contactKind}:${sourceId}`;
    if (tenantId !== this.tenantId || !this.keys.has(key)) return super.get(tenantId, contactKind, sourceId);
    return this.links.get(key) ?? null;
  }
}
