/**
 * Mapping health: every setting that no longer resolves against the cached Xero data (an account
 * archived or deleted, a tax rate gone or on the wrong side, a tracking category renamed), so the
 * bookkeeper can fix mappings before exports fail on them.
 */
import { ACCOUNT_ROLES } from './document-schemas.ts';
import { findAccount, findTaxRate, resolveRoleOrCode } from './mapping.ts';
import type { OrgSettings } from './settings.ts';
import type { ReferenceData } from './types.ts';

export interface MappingProblem {
  /** Which setting, e.g. `accounts.sales`, `taxMappings.purchases["G.S.T."]`, `tracking[0]`. */
  setting: string;
  value: string;
  problem: string;
}

function accountProblem(code: string, ref: ReferenceData): string | null {
  const a = findAccount(ref, code);
  if (!a) return `account ${code} does not exist in Xero`;
  if (a.Status !== 'ACTIVE') return `account ${code} (${a.Name}) is archived in Xero`;
  return null;
}

export function mappingHealth(settings: OrgSettings, ref: ReferenceData): MappingProblem[] {
  const out: MappingProblem[] = [];
  const check = (setting: string, value: string, problem: string | null) => {
    if (problem) out.push({ setting, value, problem });
  };
  for (const role of ACCOUNT_ROLES) check(`accounts.${role}`, settings.accounts[role], accountProblem(settings.accounts[role], ref));
  for (const [group, v] of Object.entries(settings.productGroupSalesAccounts)) {
    check(`productGroupSalesAccounts[${JSON.stringify(group)}]`, v, accountProblem(resolveRoleOrCode(v, settings).code, ref));
  }
  for (const [customer, v] of Object.entries(settings.customerSalesAccounts)) {
    check(`customerSalesAccounts[${JSON.stringify(customer)}]`, v, accountProblem(resolveRoleOrCode(v, settings).code, ref));
  }
  for (const [lineCode, v] of Object.entries(settings.lineAccountCodes)) {
    check(`lineAccountCodes[${JSON.stringify(lineCode)}]`, v, accountProblem(v, ref));
  }
  for (const direction of ['sales', 'purchases'] as const) {
    for (const [code, taxType] of Object.entries(settings.taxMappings[direction])) {
      const rate = findTaxRate(ref, taxType);
      const usable = direction === 'sales' ? rate?.CanApplyToRevenue : rate?.CanApplyToExpenses;
      const problem =
        !rate || rate.Status !== 'ACTIVE' ? `tax rate ${taxType} is not an active tax rate in Xero` : !usable ? `tax rate ${taxType} (${rate.Name}) cannot be used for ${direction}` : null;
      check(`taxMappings.${direction}[${JSON.stringify(code)}]`, taxType, problem);
    }
  }
  settings.tracking.forEach((t, i) => {
    const found = ref.trackingCategories.some((c) => c.Name.toLowerCase() === t.xeroCategory.toLowerCase() && c.Status === 'ACTIVE');
    check(`tracking[${i}]`, t.xeroCategory, found ? null : `tracking category ${t.xeroCategory} is not an active tracking category in Xero`);
  });
  return out;
}
