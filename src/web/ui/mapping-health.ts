/**
 * Mapping health: every mapping that no longer resolves against the cached Xero data (a role mapped
 * to an archived or missing account, a tax mapping to a missing or deleted tax rate, a tracking
 * category that is gone), and the failed exports each problem caused.
 */
import type { Runtime } from '../../app/runtime';
import { ACCOUNT_ROLES } from '../../domain/documents';
import type { OrgSettings } from '../../domain/settings';
import type { CachedReference } from './cached-reference';
import { ACCOUNT_CODES, ROLE_LABELS, TAX_CODES } from './group-hints';

export interface MappingProblem {
  /** What is mapped, e.g. "Sales account", "Sales tax G.S.T.". */
  mapping: string;
  /** The Xero value that no longer resolves (account code, tax type, category name). */
  value: string;
  problem: string;
  family: 'account' | 'tax' | 'tracking';
  href: string;
}

function accountProblem(ref: CachedReference, code: string): string | null {
  const account = ref.accounts.find((a) => a.Code.toUpperCase() === code.toUpperCase());
  if (!account) return `No account with code '${code}' in Xero`;
  if (account.Status === 'ARCHIVED') return `Account '${code}' (${account.Name}) is archived in Xero`;
  return null;
}

function taxProblem(ref: CachedReference, taxType: string): string | null {
  const rate = ref.taxRates.find((t) => t.TaxType === taxType);
  if (!rate) return `No tax rate ${taxType} in Xero`;
  if (rate.Status !== 'ACTIVE') return `Tax rate ${taxType} (${rate.Name}) is ${rate.Status.toLowerCase()} in Xero`;
  return null;
}

export function mappingProblems(settings: OrgSettings, ref: CachedReference): MappingProblem[] {
  if (ref.accounts.length === 0 && ref.taxRates.length === 0) return [];
  const out: MappingProblem[] = [];
  for (const role of ACCOUNT_ROLES) {
    const p = accountProblem(ref, settings.accounts[role]);
    if (p) out.push({ mapping: `${ROLE_LABELS[role]} account`, value: settings.accounts[role], problem: p, family: 'account', href: '#accounts' });
  }
  const extra: Array<[string, Record<string, string>]> = [['Product group', settings.productGroupSalesAccounts], ['Customer', settings.customerSalesAccounts]];
  for (const [label, map] of extra) {
    for (const [key, code] of Object.entries(map)) {
      const p = ACCOUNT_ROLES.includes(code as (typeof ACCOUNT_ROLES)[number]) ? null : accountProblem(ref, code);
      if (p) out.push({ mapping: `${label} ${key} sales account`, value: code, problem: p, family: 'account', href: '#accounts' });
    }
  }
  for (const direction of ['sales', 'purchases'] as const) {
    for (const [code, taxType] of Object.entries(settings.taxMappings[direction])) {
      const p = taxProblem(ref, taxType);
      if (p) out.push({ mapping: `${direction === 'sales' ? 'Sales' : 'Purchases'} tax ${code}`, value: taxType, problem: p, family: 'tax', href: '#tax' });
    }
  }
  for (const t of settings.tracking) {
    const cat = ref.trackingCategories.find((c) => c.Name === t.xeroCategory);
    if (!cat || cat.Status !== 'ACTIVE') out.push({ mapping: `Tracking ${t.sourceCategory}`, value: t.xeroCategory, problem: cat ? `Tracking category ${t.xeroCategory} is archived` : `No tracking category ${t.xeroCategory} in Xero`, family: 'tracking', href: '#options' });
  }
  return out;
}

/** Ids of failed exports this problem caused: the family's error codes, with the value in the message. */
export async function failuresCausedBy(rt: Runtime, tenantId: string, family: MappingProblem['family'], value: string): Promise<number[]> {
  const codes = family === 'account' ? ACCOUNT_CODES : family === 'tax' ? TAX_CODES : ['tracking_not_found'];
  const ids: number[] = [];
  for (const code of codes) {
    for (let before: number | undefined; ;) {
      const rows = await rt.queue.list(tenantId, ['failed'], { limit: 500, beforeId: before, errorCode: code, search: value });
      ids.push(...rows.filter((r) => (r.last_error ?? '').includes(value)).map((r) => r.id));
      if (rows.length < 500) break;
      before = rows[rows.length - 1]?.id;
    }
  }
  return [...new Set(ids)];
}
