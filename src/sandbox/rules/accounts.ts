/**
 * Which account and tax type a line may use: unknown, archived and missing account codes; tax types
 * unknown or not allowed for the document's direction or the account's class (docs/xero.md#validation-messages).
 */
import { Dec } from '../money/decimal';
import type { AccountRec, OrgState, TaxRateRec } from '../state/types';
import { MSG } from './messages';

/** System accounts that no line may post to directly: Xero posts to them itself. */
const CONTROL_ACCOUNTS = new Set(['DEBTORS', 'CREDITORS', 'GST', 'RETAINEDEARNINGS', 'UNREALISEDCURRENCYGAIN', 'REALISEDCURRENCYGAIN', 'BANKCURRENCYGAIN']);

export type Direction = 'sales' | 'purchases' | 'journal';

export interface LineRefs {
  account: AccountRec | null;
  taxRate: TaxRateRec | null;
  ratePercent: Dec;
}

export function findAccount(org: OrgState, code: string | undefined, id: string | undefined): AccountRec | undefined {
  if (code !== undefined && code !== '') return org.accounts.find((a) => a.Code.toLowerCase() === code.toLowerCase() && a.Status !== 'DELETED');
  if (id) return org.accounts.find((a) => a.AccountID.toLowerCase() === id.toLowerCase() && a.Status !== 'DELETED');
  return undefined;
}

export function findTaxRate(org: OrgState, taxType: string): TaxRateRec | undefined {
  return org.taxRates.find((t) => t.TaxType.toUpperCase() === taxType.toUpperCase() && t.Status === 'ACTIVE');
}

function usableOn(a: AccountRec, direction: Direction): boolean {
  if (a.SystemAccount && CONTROL_ACCOUNTS.has(a.SystemAccount)) return false;
  // Bank accounts take payments, not invoice lines; journals may post to them.
  return direction === 'journal' || a.Type !== 'BANK';
}

function classAllows(rate: TaxRateRec, a: AccountRec): boolean {
  switch (a.Class) {
    case 'REVENUE':
      return rate.CanApplyToRevenue;
    case 'EXPENSE':
      return rate.CanApplyToExpenses;
    case 'ASSET':
      return rate.CanApplyToAssets;
    case 'LIABILITY':
      return rate.CanApplyToLiabilities;
    case 'EQUITY':
      return rate.CanApplyToEquity;
  }
}

function resolveAccount(org: OrgState, line: { AccountCode?: string; AccountID?: string }, direction: Direction, draft: boolean, errors: string[]): AccountRec | null {
  const code = line.AccountCode;
  if ((code === undefined || code === '') && !line.AccountID) {
    if (!draft) errors.push(MSG.accountMissing);
    return null;
  }
  const a = findAccount(org, code, line.AccountID);
  const label = code || line.AccountID || '';
  if (!a) {
    errors.push(MSG.accountUnknown(label));
    return null;
  }
  if (a.Status !== 'ACTIVE') {
    errors.push(MSG.accountArchived(a.Code));
    return null;
  }
  if (!usableOn(a, direction)) {
    errors.push(MSG.accountUnknown(a.Code));
    return null;
  }
  return a;
}

/** Resolves and checks the account and tax type of one line, pushing Xero's messages into `errors`. */
export function checkLineRefs(org: OrgState, line: { AccountCode?: string; AccountID?: string; TaxType?: string }, direction: Direction, draft: boolean, errors: string[]): LineRefs {
  const account = resolveAccount(org, line, direction, draft, errors);
  const taxType = line.TaxType || account?.TaxType;
  if (!taxType) return { account, taxRate: null, ratePercent: new Dec(0) };
  const rate = findTaxRate(org, taxType);
  const directionOk = rate && (direction === 'journal' || (direction === 'sales' ? rate.CanApplyToRevenue : rate.CanApplyToExpenses));
  if (!rate || !directionOk) {
    errors.push(MSG.taxUnknown(taxType));
    return { account, taxRate: null, ratePercent: new Dec(0) };
  }
  if (account && !classAllows(rate, account)) errors.push(MSG.taxNotForAccount(rate.TaxType, account.Code));
  return { account, taxRate: rate, ratePercent: new Dec(rate.Rate) };
}
