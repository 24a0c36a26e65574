/** What reconciliation needs of an organisation, read from the store only: its settings and cached Xero reference data. */
import type { Store } from '../../db/store';
import { orgSettingsSchema, type OrgSettings } from '../../domain/settings';
import type { ReferenceData } from '../../domain/types';

export interface OrganisationContext {
  settings: OrgSettings;
  reference: ReferenceData;
  /** Organisation.ShortCode, for links that open the right organisation in Xero. */
  shortCode: string | null;
}

const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

export async function organisationContext(store: Store, tenantId: string): Promise<OrganisationContext> {
  const tenant = await store.tenants.get(tenantId);
  const parsed = orgSettingsSchema.safeParse(tenant?.settings ?? {});
  const settings = parsed.success ? parsed.data : orgSettingsSchema.parse({});
  const { data } = await store.reference.getAll(tenantId);
  const org = list<Record<string, unknown>>(data.organisation)[0] ?? {};
  const reference: ReferenceData = {
    accounts: list(data.accounts),
    taxRates: list(data.tax_rates),
    trackingCategories: list(data.tracking_categories),
    currencies: list(data.currencies),
    organisation: { Name: String(org.Name ?? ''), CountryCode: String(org.CountryCode ?? ''), BaseCurrency: String(org.BaseCurrency ?? '') },
  };
  return { settings, reference, shortCode: typeof org.ShortCode === 'string' && org.ShortCode !== '' ? org.ShortCode : null };
}
