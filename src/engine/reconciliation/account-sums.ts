/**
 * What xport's exported documents posted to an account, as Xero's ledger counts it (debit positive):
 * an invoice's lines credit their accounts with the net line amounts, a bill's debit them, credit
 * notes the other way round, and a journal's lines post their amounts as they are.
 */
import Decimal from 'decimal.js';
import { directionOf, isItemDocument, type SourceDocument } from '../../domain/documents';
import { effectiveTaxType, findAccount, findTaxRate, resolveJournalAccount, resolveLineAccount, resolveTaxType } from '../../domain/mapping';
import { lineAmount, lineTax, ratePercent, xeroAppliesDiscount, xeroLineValues } from '../../domain/money';
import type { OrgSettings } from '../../domain/settings';
import type { ReferenceData } from '../../domain/types';

const SIGN: Readonly<Record<string, 1 | -1>> = { sales_invoice: -1, supplier_credit: -1, sales_credit: 1, purchase_bill: 1 };

/** The amounts one document posted, per Xero account code. */
export function postingsOf(doc: SourceDocument, settings: OrgSettings, reference: ReferenceData): Map<string, Decimal> {
  const out = new Map<string, Decimal>();
  const add = (code: string, v: Decimal) => out.set(code, (out.get(code) ?? new Decimal(0)).plus(v));
  if (doc.kind === 'journal') {
    for (const line of doc.lines) add(resolveJournalAccount(line, settings).code, new Decimal(line.amount).toDecimalPlaces(2, Decimal.ROUND_HALF_UP));
    return out;
  }
  if (!isItemDocument(doc)) return out;
  const direction = directionOf(doc);
  const sign = SIGN[doc.kind] ?? 1;
  for (const line of doc.lines) {
    const code = resolveLineAccount(doc, line, settings, direction).code;
    const amount = lineAmount(xeroLineValues(line, xeroAppliesDiscount(doc.kind), settings.unitDecimalPlaces));
    const taxType = effectiveTaxType(resolveTaxType(line.taxCode, direction, settings), findAccount(reference, code));
    const rate = ratePercent(taxType === null ? 0 : findTaxRate(reference, taxType)?.EffectiveRate);
    const net = doc.amountsAre === 'inclusive' ? amount.minus(lineTax(amount, rate, doc.amountsAre)) : amount;
    add(code, net.times(sign));
  }
  return out;
}
