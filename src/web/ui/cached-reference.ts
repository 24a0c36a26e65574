/**
 * Xero's reference data as cached by the engine, read without calling Xero: pages must render fast
 * and work while Xero is unreachable. "Refresh from Xero" in settings fetches it anew.
 */
import type { Runtime } from '../../app/runtime';
import type { ReferenceData, XeroAccount, XeroTaxRate, XeroTrackingCategory } from '../../domain/types';
import { timeZoneOf } from '../../domain/words';

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
  const { data, fetchedAt } = await rt.reference.cached(tenantId);
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
    accounts: c.accounts,
    taxRates: c.taxRates,
    trackingCategories: c.trackingCategories,
    currencies: [],
    organisation: { Name: c.organisationName ?? '', CountryCode: '', BaseCurrency: '' },
    fetchedAt: c.fetchedAt ?? undefined,
  };
}

const zones = new Map<string, { zone: string; at: number }>();
const ZONE_TTL_MS = 60_000;

/** The organisation's time zone (Xero's Organisation.Timezone as an IANA name), cached a minute; UTC when unknown. */
export async function timeZoneFor(rt: Runtime, tenantId: string | null | undefined): Promise<string> {
  if (!tenantId) return 'UTC';
  const hit = zones.get(tenantId);
  if (hit && Date.now() - hit.at < ZONE_TTL_MS) return hit.zone;
  const { data } = await rt.reference.cached(tenantId);
  const org = list<Record<string, unknown>>(data.organisation)[0];
  const zone = timeZoneOf(typeof org?.Timezone === 'string' ? org.Timezone : null);
  zones.set(tenantId, { zone, at: Date.now() });
  return zone;
}
