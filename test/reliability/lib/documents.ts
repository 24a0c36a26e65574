/**
 * A mixed backlog for crash and chaos runs: contacts first in the mix, then sales invoices, bills,
 * credit notes of both kinds and stock journals, with a few documents that must fail (an account
 * code Xero does not have; a contact name another Xero contact already uses).
 */
import type { SourceDocumentInput } from '../../../src/domain/documents';

export interface Backlog {
  documents: SourceDocumentInput[];
  /** sourceIds that must end as failed, with a reason. */
  mustFail: Set<string>;
}

/** Names of contacts seeded in every sandbox organisation: a customer with one of them is refused by Xero. */
const TAKEN_NAMES = ['Boom FM', 'City Limousines', 'PowerDirect'];

const line = (i: number, account: string) => ({
  productCode: `P${i % 17}`,
  description: `Item ${i % 17}`,
  quantity: (i % 5) + 1,
  unitPrice: `${(i % 90) + 9}.95`,
  taxCode: 'G.S.T.',
  account,
});

/** `n` documents whose source ids start with `prefix` (unique per run so that runs can share a sandbox). */
export function mixedBacklog(n: number, prefix: string): Backlog {
  const customers = Math.max(2, Math.round(n * 0.07));
  const suppliers = Math.max(1, Math.round(n * 0.03));
  const docs: SourceDocumentInput[] = [];
  const mustFail = new Set<string>();
  for (let c = 0; c < customers; c += 1) {
    const sourceId = `${prefix}C${c}`;
    const taken = c > 0 && c % 400 === 0 ? TAKEN_NAMES[(c / 400) % TAKEN_NAMES.length] : undefined;
    if (taken) mustFail.add(sourceId);
    docs.push({ kind: 'customer', sourceId, name: taken ?? `Customer ${prefix}${c}`, email: `c${c}@example.test`, currency: 'NZD' });
  }
  for (let s = 0; s < suppliers; s += 1) docs.push({ kind: 'supplier', sourceId: `${prefix}S${s}`, name: `Supplier ${prefix}${s}`, currency: 'NZD' });
  // Customers whose export fails have no documents: those would wait for them, by design.
  const customerOf = (i: number) => {
    let c = i % customers;
    if (mustFail.has(`${prefix}C${c}`)) c = (c + 1) % customers;
    return `${prefix}C${c}`;
  };
  const date = (i: number) => `2026-${String((i % 11) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')}`;
  for (let i = 0; docs.length < n; i += 1) {
    const r = i % 100;
    if (r < 76) {
      const bad = i % 97 === 13;
      const sourceId = `${prefix}INV${i}`;
      if (bad) mustFail.add(sourceId);
      docs.push({ kind: 'sales_invoice', sourceId, date: date(i), contact: customerOf(i), reference: `PO ${i}`, lines: [line(i, bad ? '999' : 'sales'), line(i + 1, 'sales')] });
    } else if (r < 88) {
      docs.push({ kind: 'purchase_bill', sourceId: `${prefix}BILL${i}`, date: date(i), contact: `${prefix}S${i % suppliers}`, lines: [line(i, 'stock_on_hand')] });
    } else if (r < 92) {
      docs.push({ kind: 'sales_credit', sourceId: `${prefix}CN${i}`, date: date(i), contact: customerOf(i), reference: `Return ${i}`, lines: [line(i, 'sales')] });
    } else if (r < 94) {
      docs.push({ kind: 'supplier_credit', sourceId: `${prefix}SCN${i}`, date: date(i), contact: `${prefix}S${i % suppliers}`, lines: [line(i, 'stock_on_hand')] });
    } else {
      const amount = `${(i % 500) + 10}.${String(i % 100).padStart(2, '0')}`;
      docs.push({
        kind: 'journal',
        sourceId: `${prefix}JN${i}`,
        journalType: 'stock_adjustment_in',
        date: date(i),
        narration: 'Stock take',
        lines: [
          { account: 'stock_on_hand', amount },
          { account: 'cogs', amount: `-${amount}` },
        ],
      });
    }
  }
  return { documents: docs, mustFail };
}

/** How a document is found in Xero: ContactNumber, Type:Number, or the journal's "[sourceId]". */
export function xeroKeyOf(kind: string, sourceId: string): string {
  switch (kind) {
    case 'customer':
    case 'supplier':
      return `contact:${sourceId}`;
    case 'sales_invoice':
      return `ACCREC:${sourceId}`;
    case 'purchase_bill':
      return `ACCPAY:${sourceId}`;
    case 'sales_credit':
      return `ACCRECCREDIT:${sourceId}`;
    case 'supplier_credit':
      return `ACCPAYCREDIT:${sourceId}`;
    default:
      return `journal:${sourceId}`;
  }
}
