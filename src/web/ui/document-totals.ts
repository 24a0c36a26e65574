/**
 * The total xport expects Xero to show for a document, computed from the document and the cached tax
 * rates, so the document pages can put it beside the total Xero reported. Null for contacts.
 */
import { directionOf, isItemDocument, sourceDocumentSchema } from '../../domain/documents';
import { findTaxRate, resolveTaxType } from '../../domain/mapping';
import { documentTotals, journalSums, ratePercent } from '../../domain/money';
import type { OrgSettings } from '../../domain/settings';
import type { XeroTaxRate } from '../../domain/types';

export interface ExpectedTotal {
  total: string;
  /** False when a tax rate was unknown and counted as 0 %. */
  exact: boolean;
}

export function expectedTotal(payload: string, settings: OrgSettings, taxRates: XeroTaxRate[]): ExpectedTotal | null {
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
  if (!isItemDocument(doc)) return null;
  let exact = true;
  const direction = directionOf(doc);
  const totals = documentTotals(doc, (line) => {
    const r = resolveTaxType(line.taxCode, direction, settings);
    const rate = r.ok && r.taxType ? findTaxRate({ taxRates } as Parameters<typeof findTaxRate>[0], r.taxType) : undefined;
    if (!rate) {
      exact = false;
      return 0;
    }
    return ratePercent(rate.EffectiveRate);
  }, { unitdp: settings.unitDecimalPlaces });
  return { total: totals.total, exact };
}
