/**
 * The organisation's Xero short code (Organisation.ShortCode), read from the cached reference data
 * (its organisation part only) without calling Xero: links into Xero's web app select the organisation with it (src/domain/xero-links.ts).
 * Null until the reference data was first read, or when Xero gave none.
 */
import type { Runtime } from '../app/runtime';

export async function organisationShortCode(rt: Runtime, tenantId: string): Promise<string | null> {
  const details = await rt.organisations.cachedDetails(tenantId);
  const org: unknown = Array.isArray(details) ? details[0] : undefined;
  const code = typeof org === 'object' && org !== null ? (org as { ShortCode?: unknown }).ShortCode : undefined;
  return typeof code === 'string' && code !== '' ? code : null;
}
