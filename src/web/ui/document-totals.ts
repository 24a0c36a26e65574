/**
 * The total xport expects Xero to show for a document (src/domain/totals.ts, from the same mappings
 * the payload uses and the cached tax rates), for the document pages to put beside Xero's total.
 */
import { journalSums } from '../../domain/money';
import { sourceDocumentSchema } from '../../domain/documents';
import type { OrgSettings } from '../../domain/settings';
import { expectedTotals } from '../../domain/totals';
import { asReferenceData, type CachedReference } from './cached-reference';

export interface ExpectedTotal {
  total: string;
  /** False when the tax rates are not cached yet, so tax is counted as 0 %. */
  exact: boolean;
}

export function expectedTotal(payload: string, settings: OrgSettings, ref: CachedReference): ExpectedTotal | null {
  let raw: unknown;
  try {
    raw = JSON.parse(payload);
  } catch {
    return null;
  }
  const parsed = sourceDocumentSchema.safeParse(raw);
  if (!parsed.success) return null;
  const doc = parsed.data;
  if (doc.kind === 'journal') return { total: journalSums(doc.lines.map((l) => l.amount)).debits, exact: true };
  const totals = expectedTotals(doc, { settings, reference: asReferenceData(ref) });
  return totals ? { total: totals.total, exact: ref.taxRates.length > 0 } : null;
}
