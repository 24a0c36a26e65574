/**
 * The totals xport expects Xero to compute for a document, from the same mappings the payload uses:
 * shown beside Xero's own totals in the document view.
 */
import { directionOf, isItemDocument, type SourceDocument } from './documents.ts';
import { effectiveTaxType, findAccount, findTaxRate, resolveLineAccount, resolveTaxType } from './mapping.ts';
import { documentTotals, ratePercent, type Totals } from './money.ts';
import type { OrgSettings } from './settings.ts';
import type { ReferenceData } from './types.ts';

export function expectedTotals(doc: SourceDocument, ctx: { settings: OrgSettings; reference: ReferenceData; dropped?: ReadonlyArray<{ line: number }> }): Totals | null {
  if (!isItemDocument(doc)) return null;
  const direction = directionOf(doc);
  const taxRateOf = (line: (typeof doc.lines)[number]) => {
    const code = resolveLineAccount(doc, line, ctx.settings, direction).code;
    const taxType = effectiveTaxType(resolveTaxType(line.taxCode, direction, ctx.settings), findAccount(ctx.reference, code));
    return ratePercent(taxType === null ? 0 : findTaxRate(ctx.reference, taxType)?.EffectiveRate);
  };
  return documentTotals(doc, taxRateOf, { unitdp: ctx.settings.unitDecimalPlaces, skip: new Set((ctx.dropped ?? []).map((d) => d.line)) });
}
