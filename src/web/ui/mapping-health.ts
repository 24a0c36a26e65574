/**
 * Mapping health on the settings page: the domain's list of mappings that no longer resolve
 * (src/domain/mapping-health.ts), with where to fix each, and the failed exports each one caused.
 */
import type { Runtime } from '../../app/runtime';
import { mappingHealth } from '../../domain/mapping-health';
import type { OrgSettings } from '../../domain/settings';
import { asReferenceData, type CachedReference } from './cached-reference';
import { ACCOUNT_CODES, ROLE_LABELS, TAX_CODES } from './group-hints';

export type Family = 'account' | 'tax' | 'tracking';

export interface MappingProblem {
  /** What is mapped, in words: "Sales account", "Sales tax G.S.T.". */
  mapping: string;
  /** The Xero value that no longer resolves (account code, tax type, category name). */
  value: string;
  problem: string;
  family: Family;
  href: string;
}

function describe(setting: string): { mapping: string; family: Family; href: string } {
  const key = /\["?(.*?)"?\]/.exec(setting)?.[1] ?? '';
  if (setting.startsWith('accounts.')) {
    const role = setting.slice('accounts.'.length) as keyof typeof ROLE_LABELS;
    return { mapping: `${ROLE_LABELS[role] ?? role} account`, family: 'account', href: '#accounts' };
  }
  if (setting.startsWith('productGroupSalesAccounts')) return { mapping: `Product group ${key} sales account`, family: 'account', href: '#accounts' };
  if (setting.startsWith('lineAccountCodes')) return { mapping: `Line account code ${key}`, family: 'account', href: '#line-codes' };
  if (setting.startsWith('customerSalesAccounts')) return { mapping: `Customer ${key} sales account`, family: 'account', href: '#accounts' };
  if (setting.startsWith('taxMappings.')) return { mapping: `${setting.startsWith('taxMappings.sales') ? 'Sales' : 'Purchases'} tax ${key}`, family: 'tax', href: '#tax' };
  return { mapping: 'Tracking category', family: 'tracking', href: '#options' };
}

export function mappingProblems(settings: OrgSettings, ref: CachedReference): MappingProblem[] {
  if (ref.accounts.length === 0 && ref.taxRates.length === 0) return [];
  return mappingHealth(settings, asReferenceData(ref)).map((p) => ({ ...describe(p.setting), value: p.value, problem: p.problem }));
}

/** Ids of failed exports this problem caused: the family's error codes, with the value in the message. */
export async function failuresCausedBy(rt: Runtime, tenantId: string, family: Family, value: string): Promise<number[]> {
  const codes = family === 'account' ? ACCOUNT_CODES : family === 'tax' ? TAX_CODES : ['tracking_not_found'];
  const ids: number[] = [];
  for (const code of codes) {
    for (let before: number | undefined; ;) {
      const rows = await rt.queue.list(tenantId, ['failed'], { limit: 500, beforeId: before, errorCode: code, search: value });
      ids.push(...rows.filter((r) => (r.lastError ?? '').includes(value)).map((r) => r.id));
      if (rows.length < 500) break;
      before = rows[rows.length - 1]?.id;
    }
  }
  return [...new Set(ids)];
}
