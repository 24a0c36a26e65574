/**
 * Which Xero accounts and tax rates a mapping may offer, from Xero's own fields: a tax rate applies
 * to sales when CanApplyToRevenue is true and to purchases when CanApplyToExpenses is (TaxRate in
 * Xero's Accounting API); an account suits a role by its Class (ASSET, EQUITY, EXPENSE, LIABILITY,
 * REVENUE) and Type. Bank accounts and Xero's system accounts (Accounts Receivable and Payable, GST,
 * …) are never offered: Xero refuses them on document lines. See docs/ui.md (Settings).
 */
import type { AccountRole } from './document-schemas.ts';
import type { XeroAccount, XeroTaxRate } from './types.ts';

export type Direction = 'sales' | 'purchases';

export function rateSuits(rate: XeroTaxRate, direction: Direction): boolean {
  return rate.Status === 'ACTIVE' && (direction === 'sales' ? rate.CanApplyToRevenue : rate.CanApplyToExpenses) === true;
}

/** Xero's system accounts that lines may post to (the rest, like DEBTORS and GST, they may not). */
const LINE_SYSTEM_ACCOUNTS = new Set(['ROUNDING', 'HISTORICAL', 'UNREALISEDCURRENCYGAIN', 'REALISEDCURRENCYGAIN']);

const ROLE_FITS: Record<AccountRole, (a: XeroAccount) => boolean> = {
  sales: (a) => a.Class === 'REVENUE',
  cogs: (a) => a.Class === 'EXPENSE',
  stock_on_hand: (a) => a.Type === 'INVENTORY' || (a.Class === 'ASSET' && a.Type === 'CURRENT'),
  purchases: (a) => a.Class === 'EXPENSE' || a.Type === 'INVENTORY',
  freight: (a) => a.Class === 'REVENUE' || a.Class === 'EXPENSE',
  rounding: (a) => a.Class === 'EXPENSE' || a.Class === 'REVENUE' || a.Class === 'LIABILITY' || a.SystemAccount === 'ROUNDING',
};

export function accountSuits(account: XeroAccount, role: AccountRole): boolean {
  if (account.Status !== 'ACTIVE' || !account.Code || account.Type === 'BANK') return false;
  if (account.SystemAccount && !LINE_SYSTEM_ACCOUNTS.has(account.SystemAccount)) return false;
  return ROLE_FITS[role](account);
}
