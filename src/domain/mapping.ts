/**
 * Mapping resolution: account roles → Xero account codes (with the sales-account precedence line,
 * product group, customer, default), source tax codes → Xero TaxTypes per direction, and look-ups in
 * the cached reference data.
 */
import { isAccountRole, type AccountRole, type ItemDocument, type ItemLine, type JournalLine } from './documents.ts';
import { mapped, type OrgSettings } from './settings.ts';
import type { Direction, ReferenceData, XeroAccount, XeroTaxRate } from './types.ts';

export interface ResolvedAccount {
  code: string;
  /** The role the code came from, when it came from one (for messages: "the 'sales' mapping"). */
  role: AccountRole | null;
  /** Which rule gave the code. */
  via: 'line' | 'line_code' | 'product_group' | 'customer' | 'role';
}

/** A mapping value may itself be a role ("freight") or a code ("200"). */
export function resolveRoleOrCode(value: string, settings: OrgSettings): { code: string; role: AccountRole | null } {
  return isAccountRole(value) ? { code: settings.accounts[value], role: value } : { code: value, role: null };
}

/**
 * The Xero account of an invoice-like line. An explicit code on the line wins; otherwise a sales line
 * ("sales" role or no account on a sales document) goes product group → customer → the sales role.
 */
export function resolveLineAccount(doc: ItemDocument, line: ItemLine, settings: OrgSettings, direction: Direction): ResolvedAccount {
  const given = line.account ?? (direction === 'sales' ? 'sales' : 'purchases');
  if (!isAccountRole(given)) return lineCode(given, settings);
  if (given === 'sales') {
    const byGroup = line.productGroup !== undefined ? mapped(settings.productGroupSalesAccounts, line.productGroup) : undefined;
    if (byGroup !== undefined) return { ...resolveRoleOrCode(byGroup, settings), via: 'product_group' };
    const byCustomer = mapped(settings.customerSalesAccounts, doc.contact);
    if (byCustomer !== undefined) return { ...resolveRoleOrCode(byCustomer, settings), via: 'customer' };
  }
  return { code: settings.accounts[given], role: given, via: 'role' };
}

/** A code named on the line itself, through the line-code mapping of settings when it has one. */
function lineCode(given: string, settings: OrgSettings): ResolvedAccount {
  const mapped = settings.lineAccountCodes[given];
  return mapped !== undefined ? { code: mapped, role: null, via: 'line_code' } : { code: given, role: null, via: 'line' };
}

export function resolveJournalAccount(line: JournalLine, settings: OrgSettings): ResolvedAccount {
  const r = resolveRoleOrCode(line.account, settings);
  return r.role === null ? lineCode(line.account, settings) : { ...r, via: 'role' };
}

export type TaxResolution = { ok: true; taxType: string | null /* null: use the account's default tax type */ } | { ok: false; taxCode: string };

/** Source tax code → Xero TaxType in the document's direction; a missing code uses the account default. */
export function resolveTaxType(taxCode: string | undefined, direction: Direction, settings: OrgSettings): TaxResolution {
  if (taxCode === undefined) return { ok: true, taxType: null };
  const taxType = mapped(settings.taxMappings[direction], taxCode);
  return taxType === undefined ? { ok: false, taxCode } : { ok: true, taxType };
}

export function findAccount(ref: ReferenceData, code: string): XeroAccount | undefined {
  const wanted = code.toUpperCase(); // Xero account codes compare case-insensitively
  return ref.accounts.find((a) => a.Code.toUpperCase() === wanted);
}

export function findTaxRate(ref: ReferenceData, taxType: string): XeroTaxRate | undefined {
  return ref.taxRates.find((t) => t.TaxType === taxType);
}

/** Whether Xero lets this tax type be used on an account of this class (CanApplyTo… flags). */
export function taxAppliesToAccount(rate: XeroTaxRate, account: XeroAccount): boolean {
  switch (account.Class) {
    case 'REVENUE':
      return rate.CanApplyToRevenue;
    case 'EXPENSE':
      return rate.CanApplyToExpenses;
    case 'LIABILITY':
      return rate.CanApplyToLiabilities;
    case 'ASSET':
      return rate.CanApplyToAssets;
    case 'EQUITY':
      return rate.CanApplyToEquity;
  }
}

/** The TaxType a line ends up with: the mapped one, else the account's default, else null. */
export function effectiveTaxType(resolution: TaxResolution, account: XeroAccount | undefined): string | null {
  if (!resolution.ok) return null;
  return resolution.taxType ?? account?.TaxType ?? null;
}
