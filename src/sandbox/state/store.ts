/** All organisations of one sandbox instance, seeded from DEMO_ORGS and reset on demand. */
import { stableId } from './ids';
import { type DemoOrgSpec, DEMO_ORGS, seedOrg } from './seed';
import type { ContactRec, OrgState } from './types';

const SEED_CONTACTS: ReadonlyArray<{ name: string; email?: string; status?: 'ARCHIVED'; customer?: boolean; supplier?: boolean }> = [
  { name: 'Boom FM', email: 'accounts@boomfm.example', customer: true },
  { name: 'City Limousines', email: 'bookings@citylimo.example', customer: true },
  { name: 'PowerDirect', email: 'billing@powerdirect.example', supplier: true },
  { name: 'Old Supplier Ltd', status: 'ARCHIVED', supplier: true },
];

function seedContacts(org: OrgState, at: number): void {
  for (const c of SEED_CONTACTS) {
    const rec: ContactRec = {
      ContactID: stableId(org.tenantId, 'contact', c.name),
      Name: c.name,
      ContactStatus: c.status ?? 'ACTIVE',
      ...(c.email ? { EmailAddress: c.email } : {}),
      IsCustomer: c.customer ?? false,
      IsSupplier: c.supplier ?? false,
      extra: {},
      UpdatedDateUTC: at,
    };
    org.contacts.set(rec.ContactID, rec);
  }
}

export class SandboxStore {
  readonly tenants = new Map<string, OrgState>();

  constructor(private readonly now: () => number) {
    this.reset();
  }

  reset(): void {
    this.tenants.clear();
    const at = this.now();
    for (const spec of DEMO_ORGS) {
      const org = seedOrg(spec, at);
      seedContacts(org, at);
      this.tenants.set(spec.tenantId, org);
    }
  }

  /**
   * Adds an organisation shaped like a demo one (scale tests: many organisations). It lasts until the
   * next reset, which returns to the demo organisations only.
   */
  addOrganisation(template: DemoOrgSpec, name: string, tenantId: string): OrgState {
    const at = this.now();
    const org = seedOrg({ ...template, tenantId, name }, at);
    seedContacts(org, at);
    this.tenants.set(tenantId, org);
    return org;
  }

  get(tenantId: string): OrgState | undefined {
    return this.tenants.get(tenantId.toLowerCase());
  }

  list(): Array<{ tenantId: string; name: string }> {
    return [...this.tenants.values()].map((o) => ({ tenantId: o.tenantId, name: String(o.organisation.Name) }));
  }
}
