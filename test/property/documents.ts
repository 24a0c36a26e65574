/**
 * Source documents of every kind as an inventory system posts them, with hostile numbers, names,
 * references and narrations, discounts, tax modes and decimals (input shape of POST /api/v1/documents).
 */
import fc from 'fast-check';
import { hostileText } from './hostile';

export const ITEM_KINDS = ['sales_invoice', 'sales_credit', 'purchase_bill', 'supplier_credit'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

const decimal = (min: number, max: number, dp: number): fc.Arbitrary<string> => fc.integer({ min: min * 10 ** dp, max: max * 10 ** dp }).map((n) => (n / 10 ** dp).toFixed(dp));

const quantity = fc.oneof(decimal(1, 50, 0), decimal(0, 20, 2), decimal(1, 999, 4)).filter((q) => Number(q) !== 0);
const unitPrice = fc.oneof(decimal(0, 500, 2), decimal(0, 100, 4), decimal(-50, 0, 2)).filter((p) => Number(p) !== 0);
const discountRate = fc.oneof(fc.constant(undefined), decimal(0, 100, 0), decimal(0, 50, 2), decimal(0, 30, 4));

/** One line; the product code or description may be hostile (Xero keeps them as text). */
export function itemLine(sales: boolean): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(
    {
      productCode: fc.option(hostileText(40), { nil: undefined }),
      description: hostileText(200),
      quantity,
      unitPrice,
      discountRate,
      taxCode: fc.constantFrom('G.S.T.', 'ZERO', 'NONE', undefined),
      account: fc.constant(sales ? 'sales' : 'purchases'),
    },
    { requiredKeys: ['description', 'quantity', 'unitPrice', 'account'] },
  );
}

/**
 * A document whose lines add up to a positive amount worth sending (Xero refuses documents whose
 * total is negative, and lines below half a cent are a policy question of their own).
 */
export function itemDocument(kind: ItemKind, sourceId: string, contact: string, date: string): fc.Arbitrary<Record<string, unknown>> {
  const sales = kind === 'sales_invoice' || kind === 'sales_credit';
  return fc
    .record({
      lines: fc.array(itemLine(sales), { minLength: 1, maxLength: 4 }),
      amountsAre: fc.constantFrom('exclusive', 'inclusive', 'no_tax'),
      reference: fc.option(hostileText(255), { nil: undefined }),
    })
    .map((r) => ({ kind, sourceId, date, contact, currency: 'NZD', ...r, ...(kind === 'purchase_bill' ? { reference: undefined } : {}) }))
    .filter((d) => linesTotal(d.lines) > 0.05 && d.lines.every((l) => Math.abs(lineValue(l)) >= 0.01));
}

function lineValue(l: Record<string, unknown>): number {
  return Number(l.quantity) * Number(l.unitPrice) * (1 - Number(l.discountRate ?? 0) / 100);
}

function linesTotal(lines: Array<Record<string, unknown>>): number {
  return lines.reduce((s, l) => s + lineValue(l), 0);
}

export function contactDocument(kind: 'customer' | 'supplier', sourceId: string): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record({
      name: hostileText(200),
      website: fc.option(fc.constant('https://example.test/shop'), { nil: undefined }),
      phone: fc.option(fc.constant('+64 9 555 0101'), { nil: undefined }),
    })
    .map((r) => ({ kind, sourceId, currency: 'NZD', ...r, name: `${r.name} ${sourceId}` }));
}

export function journalDocument(sourceId: string, date: string): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record({
      narration: fc.option(hostileText(300), { nil: undefined }),
      amount: decimal(1, 5000, 2),
      description: fc.option(hostileText(100), { nil: undefined }),
    })
    .map((r) => ({
      kind: 'journal',
      sourceId,
      journalType: 'stock_adjustment_in',
      date,
      narration: r.narration,
      lines: [
        { account: 'stock_on_hand', amount: r.amount, description: r.description },
        { account: 'cogs', amount: `-${r.amount}` },
      ],
    }));
}
