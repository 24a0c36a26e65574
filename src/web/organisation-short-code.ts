/**
 * The organisation's Xero short code (Organisation.ShortCode), read from the cached reference data
 * without calling Xero: links into Xero's web app select the organisation with it (src/domain/xero-links.ts).
 * Null until the reference data was first read, or when Xero gave none.
 */
import type { Runtime } from '../app/runtime';

export async function organisationShortCode(rt: Runtime, tenantId: string): Promise<string | null> {
  const { data } = await rt.reference.cached(tenantId);
  const org: unknown = Array.isArray(data.organisation) ? data.organisation[0] : undefined;
  const code = typeof org === 'object' && org !== null ? (org as { ShortCode?: unknown }).ShortCode : undefined;
  return typeof code === 'string' && code !== '' ? code : null;
}
