/**
 * Xero's reference data as cached by the engine, read without calling Xero: pages must render fast
 * and work while Xero is unreachable. "Refresh from Xero" in settings fetches it anew.
 */
import type { Runtime } from '../../app/runtime';
import type { ReferenceData, XeroAccount, XeroTaxRate, XeroTrackingCategory } from '../../domain/types';

export interface CachedReference {
  accounts: XeroAccount[];
  taxRates: XeroTaxRate[];
  trackingCategories: XeroTrackingCategory[];
  organisationName: string | null;
  fetchedAt: string | null;
}

function list<T>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}

export async function cachedReference(rt: Runtime, tenantId: string): Promise<CachedReference> {
  const { data, fetchedAt } = await rt.store.reference.getAll(tenantId);
  const org = list<Record<string, unknown>>(data.organisation)[0];
  return {
    accounts: list<XeroAccount>(data.accounts),
    taxRates: list<XeroTaxRate>(data.tax_rates),
    trackingCategories: list<XeroTrackingCategory>(data.tracking_categories),
    organisationName: typeof org?.Name === 'string' ? org.Name : null,
    fetchedAt,
  };
}

/** The shape the domain functions (mapping health, expected totals) take. */
export function asReferenceData(c: CachedReference): ReferenceData {
  return {
    accounts: c.accounts, taxRates: c.taxRates, trackingCategories: c.trackingCategories, currencies: [],
    organisation: { Name: c.organisationName ?? '', CountryCode: '', BaseCurrency: '' }, fetchedAt: c.fetchedAt ?? undefined,
  };
}
