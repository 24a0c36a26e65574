/** Per-line pre-validation checks: account, tax type and tracking, against settings and reference data. */
import { prevalidationFailure, type Classified } from './catalog.ts';
import { findAccount, findTaxRate, resolveTaxType, taxAppliesToAccount, type ResolvedAccount } from './mapping.ts';
import type { OrgSettings } from './settings.ts';
import type { Direction, ReferenceData, XeroAccount } from './types.ts';

export interface LineCheckContext {
  settings: OrgSettings;
  reference: ReferenceData;
  direction: Direction;
  /** Journals have no direction of their own: a tax code mapped on either side is accepted. */
  eitherDirection?: boolean;
  /** Failures are appended here. */
  out: Classified[];
}

function describeSource(resolved: ResolvedAccount, source: string): string {
  if (resolved.via === 'product_group') return `${source}, product group mapping`;
  if (resolved.via === 'customer') return `${source}, customer mapping`;
  if (resolved.via === 'line_code') return `${source}, its code mapped in Settings`;
  return resolved.role ? `${source}, the '${resolved.role}' mapping` : source;
}

/** The active account, or undefined after recording why it cannot be used. */
export function checkAccount(resolved: ResolvedAccount, source: string, c: LineCheckContext): XeroAccount | undefined {
  const account = findAccount(c.reference, resolved.code);
  const params = { code: resolved.code, source: describeSource(resolved, source) };
  if (!account) {
    // A code the line names itself is fixed by mapping that code or by a new revision, not by a role mapping.
    c.out.push(prevalidationFailure(resolved.via === 'line' ? 'line_account_code_invalid' : 'account_code_invalid', params));
    return undefined;
  }
  if (account.Status !== 'ACTIVE') {
    c.out.push(prevalidationFailure('account_code_archived', params));
    return undefined;
  }
  return account;
}

/** The tax code must map (in the document's direction) to an active Xero tax rate allowed on the account. */
export function checkTax(taxCode: string | undefined, account: XeroAccount | undefined, source: string, c: LineCheckContext): void {
  let resolution = resolveTaxType(taxCode, c.direction, c.settings);
  if (!resolution.ok && c.eitherDirection) resolution = resolveTaxType(taxCode, c.direction === 'sales' ? 'purchases' : 'sales', c.settings);
  if (!resolution.ok) {
    c.out.push(prevalidationFailure('tax_code_unmapped', { taxCode: resolution.taxCode, direction: c.direction }));
    return;
  }
  const taxType = resolution.taxType ?? account?.TaxType;
  if (taxType === undefined || taxType === '') return; // Xero applies the account's default
  const rate = findTaxRate(c.reference, taxType);
  if (!rate || rate.Status !== 'ACTIVE') {
    c.out.push(prevalidationFailure('tax_type_unknown', { taxType, taxCode: taxCode ?? `the default of account ${account?.Code ?? '?'}` }));
    return;
  }
  if (account && !taxAppliesToAccount(rate, account)) {
    c.out.push(prevalidationFailure('tax_type_not_allowed_for_account', { taxType, code: account.Code, accountClass: account.Class, source }));
  }
}

/** The Xero tracking category name for a source category (mapped in settings, else the same name). */
export function xeroTrackingCategoryName(category: string, settings: OrgSettings): string {
  return settings.tracking.find((t) => t.sourceCategory === category)?.xeroCategory ?? category;
}

export function checkTracking(tracking: Array<{ category: string; option: string }> | undefined, c: LineCheckContext): void {
  for (const t of tracking ?? []) {
    const name = xeroTrackingCategoryName(t.category, c.settings).toLowerCase();
    const cat = c.reference.trackingCategories.find((x) => x.Name.toLowerCase() === name && x.Status === 'ACTIVE');
    const opt = cat?.Options.find((o) => o.Name.toLowerCase() === t.option.toLowerCase() && o.Status === 'ACTIVE');
    if (!opt) c.out.push(prevalidationFailure('tracking_not_found', { category: t.category, option: t.option }));
  }
}
