/**
 * From a group of identical failures to the fix: "Account code '200' is not a valid code → fix the
 * Sales mapping". Pure functions over the error code, the message and the organisation's settings.
 */
import { isCatalogCode, type CatalogCode } from '../../domain/catalog';
import { ACCOUNT_ROLES, type AccountRole } from '../../domain/documents';
import { orgSettingsSchema, type OrgSettings } from '../../domain/settings';

export const ACCOUNT_CODES: readonly CatalogCode[] = [
  'account_code_invalid',
  'line_account_code_invalid',
  'account_code_archived',
  'account_code_removed',
  'account_code_missing',
  'tax_type_not_allowed_for_account',
];
export const TAX_CODES: readonly CatalogCode[] = ['tax_type_unknown', 'tax_type_not_allowed_for_account', 'tax_code_unmapped', 'tax_type_missing'];
const CONTACT_CODES: readonly CatalogCode[] = ['contact_archived', 'contact_name_exists', 'name_not_unique', 'contact_account_number_exists', 'contact_number_exists'];
const LOCK_CODES: readonly CatalogCode[] = ['period_lock_date', 'end_of_year_lock_date'];

export const ROLE_LABELS: Record<AccountRole, string> = {
  sales: 'Sales',
  cogs: 'Cost of Goods Sold',
  stock_on_hand: 'Stock on Hand',
  purchases: 'Purchases',
  freight: 'Freight',
  rounding: 'Rounding',
};

export function settingsOf(raw: unknown): OrgSettings {
  const r = orgSettingsSchema.safeParse(raw ?? {});
  return r.success ? r.data : orgSettingsSchema.parse({});
}

export interface Hint {
  text: string;
  href: string;
}

function quoted(message: string, label: RegExp): string | null {
  const m = label.exec(message);
  return m?.[1] ?? null;
}

/** `stored`: the failed row's error code as the database holds it (a code no longer in the catalog gets no hint). */
export function hintFor(stored: string | null, message: string | null, settings: OrgSettings): Hint | null {
  const code = stored !== null && isCatalogCode(stored) ? stored : null;
  const msg = message ?? '';
  if (code === 'line_account_code_invalid') {
    const account = quoted(msg, /account code '([^']*)'/i) ?? '';
    return { text: `map account code ${account}, or send a new revision`, href: `/settings?linecode=${encodeURIComponent(account)}#line-codes` };
  }
  if (code && ACCOUNT_CODES.includes(code) && code !== 'tax_type_not_allowed_for_account') {
    const account = quoted(msg, /account code '([^']*)'/i);
    const roles = account ? ACCOUNT_ROLES.filter((r) => settings.accounts[r].toUpperCase() === account.toUpperCase()) : [];
    const text = roles.length ? `fix the ${roles.map((r) => ROLE_LABELS[r]).join(' / ')} mapping` : 'fix the account mapping';
    return { text, href: '/settings#accounts' };
  }
  if (code && TAX_CODES.includes(code)) {
    const taxCode = quoted(msg, /tax code '?([^'\s]+)'?/i);
    return { text: taxCode ? `fix the tax mapping of ${taxCode}` : 'fix the tax mapping', href: '/settings#tax' };
  }
  if (code === 'contact_account_number_exists') return { text: 'turn off "Send customer code as account number"', href: '/settings#options' };
  if (code && CONTACT_CODES.includes(code)) return { text: 're-link the contact', href: '/settings#contacts' };
  if (code && LOCK_CODES.includes(code)) return { text: 'choose a lock-date policy', href: '/settings#options' };
  if (code === 'tracking_not_found') return { text: 'fix the tracking categories', href: '/settings#options' };
  return null;
}
