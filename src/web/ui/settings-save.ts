/**
 * From a submitted settings form to a validated OrgSettings: each section builds a patch, which is
 * merged over the stored settings and parsed with the zod schema; problems come back per field with
 * the words of the form ("Tax mappings → Sales → G.S.T.: …").
 */
import { ACCOUNT_ROLES } from '../../domain/documents';
import { KINDS_WITH_STATUS } from '../../domain/registry';
import { applySettingsPatch, type OrgSettings } from '../../domain/settings';
import { strs, str } from './format';
import { ROLE_LABELS } from './group-hints';

export type Section = 'accounts' | 'tax' | 'contacts' | 'options';
export const SECTIONS: Section[] = ['accounts', 'tax', 'contacts', 'options'];

type Body = Record<string, unknown>;
export interface Problem {
  field: string;
  message: string;
}

/** Pairs of rows; a row with both sides blank is dropped, a half-filled one is a problem. */
function rows(body: Body, prefix: string, label: string, problems: Problem[]): Record<string, string> {
  const keys = strs(body[`${prefix}_key`]);
  const values = strs(body[`${prefix}_value`]);
  const out = Object.create(null) as Record<string, string>; // `constructor` or `__proto__` are codes like any other
  keys.forEach((key, i) => {
    const value = values[i] ?? '';
    if (!key && !value) return;
    if (!key) problems.push({ field: `${label} row ${i + 1}`, message: `a Xero value (${value}) is given without a source code` });
    else if (!value) problems.push({ field: `${label} → ${key}`, message: 'choose a Xero value, or clear the code to remove the row' });
    else if (Object.hasOwn(out, key)) problems.push({ field: `${label} → ${key}`, message: 'appears twice' });
    else Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  });
  return out;
}

function patchFor(section: Section, b: Body, problems: Problem[]): Record<string, unknown> {
  switch (section) {
    case 'accounts':
      return {
        accounts: Object.fromEntries(ACCOUNT_ROLES.map((r) => [r, str(b[`account_${r}`])])),
        productGroupSalesAccounts: rows(b, 'pg', 'Sales account by product group', problems),
        customerSalesAccounts: rows(b, 'cust', 'Sales account by customer', problems),
        lineAccountCodes: rows(b, 'linecode', 'Account codes named on lines', problems),
      };
    case 'tax':
      return { taxMappings: { sales: rows(b, 'sales', 'Tax mappings → Sales', problems), purchases: rows(b, 'purchases', 'Tax mappings → Purchases', problems) } };
    case 'contacts':
      return { contactLinks: { customer: rows(b, 'customer', 'Customer links', problems), supplier: rows(b, 'supplier', 'Supplier links', problems) } };
    case 'options': {
      const tracking = Object.entries(rows(b, 'tracking', 'Tracking categories', problems)).map(([sourceCategory, xeroCategory]) => ({ sourceCategory, xeroCategory }));
      return {
        sendCustomerCodeAsAccountNumber: str(b.sendCustomerCodeAsAccountNumber) === '1',
        xeroStatus: Object.fromEntries(KINDS_WITH_STATUS.map((k) => [k, str(b[`status_${k}`])])),
        lockDatePolicy: str(b.lockDatePolicy),
        roundingPolicy: str(b.roundingPolicy),
        unitDecimalPlaces: Number(str(b.unitDecimalPlaces)),
        tracking,
      };
    }
  }
}

const FIELD_WORDS: Record<string, string> = {
  ...ROLE_LABELS,
  accounts: 'Account mappings',
  productGroupSalesAccounts: 'Sales account by product group',
  customerSalesAccounts: 'Sales account by customer',
  lineAccountCodes: 'Account codes named on lines',
  taxMappings: 'Tax mappings',
  sales: 'Sales',
  purchases: 'Purchases',
  contactLinks: 'Contact links',
  customer: 'Customers',
  supplier: 'Suppliers',
  xeroStatus: 'Status in Xero',
  lockDatePolicy: 'Lock-date policy',
  roundingPolicy: 'Rounding policy',
  unitDecimalPlaces: 'Unit price decimals',
  tracking: 'Tracking categories',
  sendCustomerCodeAsAccountNumber: 'Send customer code as account number',
};

export function words(path: string): string {
  return path
    .split('.')
    .map((p) => (Object.hasOwn(FIELD_WORDS, p) ? FIELD_WORDS[p] : undefined) ?? (/^\d+$/.test(p) ? `row ${Number(p) + 1}` : p))
    .join(' → ');
}

export function saveSection(current: OrgSettings, section: Section, body: Body): { ok: true; settings: OrgSettings } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const patch = patchFor(section, body, problems);
  if (problems.length) return { ok: false, problems };
  const r = applySettingsPatch(current, patch);
  if (!r.ok) return { ok: false, problems: r.issues.map((i) => ({ field: words(i.path), message: i.message })) };
  return r;
}
