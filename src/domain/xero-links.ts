/**
 * Deep links into Xero's web app for the objects xport creates. With the organisation's short code
 * (Organisation.ShortCode, e.g. "!xkcD") the link first selects that organisation, so it opens the
 * right one for a person who has several; without it, it opens in whichever organisation is current.
 */
import { KINDS } from './registry';
import type { DocumentKind } from './types';

export const XERO_WEB_URL = 'https://go.xero.com';

/** The link that opens `xeroId` (an object of `kind`) in Xero, or null when there is none (no id, unknown kind). */
export function xeroUrl(kind: string, xeroId: string | null | undefined, shortCode?: string | null): string | null {
  if (!xeroId || !(kind in KINDS)) return null;
  const path = `/${KINDS[kind as DocumentKind].xeroPath(encodeURIComponent(xeroId))}`;
  if (!shortCode) return `${XERO_WEB_URL}${path}`;
  return `${XERO_WEB_URL}/organisationlogin/default.aspx?shortcode=${encodeURIComponent(shortCode)}&redirecturl=${encodeURIComponent(path)}`;
}
