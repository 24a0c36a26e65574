/**
 * Account balances: for the mapped Stock on Hand, Cost of Goods Sold and Sales accounts, Xero's trial
 * balance at a date beside the sum of what xport exported to each (documents dated on or before it)
 * and the source system's own figure for it (POST /api/v1/valuations), when it posted one.
 */
import Decimal from 'decimal.js';
import type { ExportedDocument } from '../../db/repositories/reconciliation';
import type { AccountBalance, Valuation } from '../../db/repositories/valuations';
import type { AccountRole } from '../../domain/documents';
import type { OrgSettings } from '../../domain/settings';
import type { ReferenceData } from '../../domain/types';
import { parseStored } from '../batching';
import { postingsOf } from './account-sums';
import type { TrialBalance } from './xero-reads';

export const BALANCE_ROLES: readonly AccountRole[] = ['stock_on_hand', 'cogs', 'sales'];

/** What xport's exported documents dated on or before `asOf` posted to each account code. */
export function exportedSums(docs: readonly ExportedDocument[], settings: OrgSettings, reference: ReferenceData, asOf: string): Map<string, Decimal> {
  const sums = new Map<string, Decimal>();
  for (const d of docs) {
    if (d.date !== null && d.date > asOf) continue;
    for (const [code, v] of postingsOf(parseStored(d.payload), settings, reference)) sums.set(code, (sums.get(code) ?? new Decimal(0)).plus(v));
  }
  return sums;
}

/** One row per mapped role: Xero's balance (null when the report could not be read), xport's sum, the source's figure. */
export function balancesAt(o: { runId: number; asOf: string; settings: OrgSettings; xero: TrialBalance | null; sums: Map<string, Decimal>; valuations: Map<string, Valuation> }): AccountBalance[] {
  return BALANCE_ROLES.map((role) => {
    const code = o.settings.accounts[role];
    const source = o.valuations.get(role) ?? o.valuations.get(code);
    return {
      runId: o.runId,
      asOf: o.asOf,
      role,
      accountCode: code,
      xeroValue: o.xero ? (o.xero.get(code) ?? new Decimal(0)).toFixed(2) : null,
      xportValue: (o.sums.get(code) ?? new Decimal(0)).toFixed(2),
      sourceValue: source ? new Decimal(source.value).toFixed(2) : null,
    };
  });
}

/** The codes of the documents that touch an account, to explain a variance on it. */
export function touches(doc: ExportedDocument, code: string, settings: OrgSettings, reference: ReferenceData): boolean {
  return postingsOf(parseStored(doc.payload), settings, reference).has(code);
}
