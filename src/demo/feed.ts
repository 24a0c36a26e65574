/**
 * The demo feed: realistic documents for a small New Zealand wholesaler, and one of every failure in
 * the seed's error table, so that the first look at xport shows what it does with each.
 */
import type { SourceDocumentInput } from '../domain/documents';

type Doc = SourceDocumentInput;

const CUSTOMERS = [
  ['CUST-001', 'Acme Hardware Ltd', 'accounts@acme-hardware.test', '12-345-678'],
  ['CUST-002', 'Bluebird Cafe', 'hello@bluebird.test', '49-091-850'],
  ['CUST-003', 'Coastal Builders', 'ap@coastal-builders.test', '111-222-333'],
  ['CUST-004', 'Delta Garden Centre', 'office@deltagarden.test', ''],
  ['CUST-005', 'Evergreen Landscapes', 'finance@evergreen.test', '98-765-432'],
  ['CUST-006', 'Fernside Motors', 'accounts@fernside.test', ''],
] as const;

const SUPPLIERS = [
  ['SUP-001', 'Pacific Steel Supplies', 'ar@pacificsteel.test'],
  ['SUP-002', 'Kauri Timber Co', 'invoices@kauritimber.test'],
  ['SUP-003', 'Southern Fasteners', 'billing@southernfasteners.test'],
] as const;

const PRODUCTS = [
  ['WIDGET', 'Widget, galvanised', '19.95'],
  ['BRACKET-L', 'L bracket 50 mm', '4.50'],
  ['BOLT-M8', 'Bolt M8 x 40, box of 100', '27.80'],
  ['HINGE-HD', 'Heavy duty hinge', '12.35'],
  ['PAINT-5L', 'Exterior paint 5 L', '89.00'],
] as const;

function isoDay(offsetDays: number, from = new Date()): string {
  return new Date(from.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

function lines(seed: number, count: number) {
  return Array.from({ length: count }, (_, i) => {
    const p = PRODUCTS[(seed + i) % PRODUCTS.length] ?? PRODUCTS[0];
    return { productCode: p[0], description: p[1], quantity: ((seed + i) % 7) + 1, unitPrice: p[2], taxCode: 'G.S.T.', account: 'sales' };
  });
}

/** The everyday flow: contacts, invoices, credits, bills, supplier credits and stock journals. */
export function everydayDocuments(now = new Date()): Doc[] {
  const docs: Doc[] = [];
  for (const [sourceId, name, email, taxNumber] of CUSTOMERS) {
    docs.push({ kind: 'customer', sourceId, name, email, ...(taxNumber ? { taxNumber } : {}), currency: 'NZD' });
  }
  for (const [sourceId, name, email] of SUPPLIERS) docs.push({ kind: 'supplier', sourceId, name, email, currency: 'NZD' });
  for (let i = 1; i <= 24; i += 1) {
    const customer = CUSTOMERS[i % CUSTOMERS.length] ?? CUSTOMERS[0];
    docs.push({
      kind: 'sales_invoice',
      sourceId: `SO-${String(1000 + i).padStart(5, '0')}`,
      date: isoDay(-(i % 20), now),
      dueDate: isoDay(30 - (i % 20), now),
      contact: customer[0],
      currency: 'NZD',
      reference: `PO ${7700 + i}`,
      amountsAre: 'exclusive',
      lines: lines(i, (i % 3) + 1),
    });
  }
  docs.push({ kind: 'sales_credit', sourceId: 'SC-00001', date: isoDay(-2, now), contact: 'CUST-001', currency: 'NZD', reference: 'Damaged widgets', lines: lines(0, 1) });
  for (let i = 1; i <= 6; i += 1) {
    const supplier = SUPPLIERS[i % SUPPLIERS.length] ?? SUPPLIERS[0];
    docs.push({
      kind: 'purchase_bill',
      sourceId: `PO-${String(500 + i).padStart(5, '0')}`,
      date: isoDay(-(i * 2), now),
      dueDate: isoDay(20, now),
      contact: supplier[0],
      currency: 'NZD',
      reference: `Receipt ${i}`,
      lines: lines(i, 2).map((l) => ({ ...l, account: 'stock_on_hand' })),
    });
  }
  docs.push({
    kind: 'supplier_credit',
    sourceId: 'SR-00001',
    date: isoDay(-1, now),
    contact: 'SUP-002',
    currency: 'NZD',
    reference: 'Returned timber',
    lines: lines(2, 1).map((l) => ({ ...l, account: 'stock_on_hand' })),
  });
  docs.push({
    kind: 'journal',
    sourceId: 'SA-00007',
    journalType: 'stock_adjustment_in',
    date: isoDay(-1, now),
    narration: 'Stock take November',
    lines: [
      { account: 'stock_on_hand', amount: '120.00' },
      { account: 'cogs', amount: '-120.00' },
    ],
  });
  docs.push({
    kind: 'journal',
    sourceId: 'COGS-01010',
    journalType: 'shipment_cogs',
    date: isoDay(0, now),
    narration: 'Cost of goods shipped',
    lines: [
      { account: 'cogs', amount: '845.10' },
      { account: 'stock_on_hand', amount: '-845.10' },
    ],
  });
  return docs;
}

/**
 * One document per row of the seed's error table. `lockDate` is the organisation's period lock date the
 * demo sets in the sandbox; `takenName` a contact name that already exists in Xero; `takenAccountNumber`
 * an account number another Xero contact already uses.
 */
export function seedFailureDocuments(p: { lockDate: string; takenName: string; takenAccountNumber: string }, now = new Date()): Doc[] {
  const before = isoDay(-10, new Date(`${p.lockDate}T00:00:00Z`));
  return [
    // Period lock date: the document is dated before the organisation's lock.
    { kind: 'sales_invoice', sourceId: 'SO-00901', date: before, contact: 'CUST-002', reference: 'Back-dated order', lines: lines(1, 1) },
    // Account code not valid: the line names an account that is not in the chart.
    {
      kind: 'sales_invoice',
      sourceId: 'SO-00902',
      date: isoDay(0, now),
      contact: 'CUST-003',
      lines: [{ productCode: 'SVC', description: 'Installation', quantity: 1, unitPrice: '150.00', taxCode: 'G.S.T.', account: '999' }],
    },
    // Values under 0.005: a journal whose only lines round to zero.
    {
      kind: 'journal',
      sourceId: 'RC-00903',
      journalType: 'recost',
      date: isoDay(0, now),
      narration: 'Recost rounding',
      lines: [
        { account: 'stock_on_hand', amount: '0.004' },
        { account: 'cogs', amount: '-0.004' },
      ],
    },
    // Account Number already exists: the customer code is another Xero contact's account number.
    { kind: 'customer', sourceId: p.takenAccountNumber, name: 'Harbourview Holdings', email: 'accounts@harbourview.test' },
    // Tax code not mapped: the source system's VAT20 has no Xero tax type in the sales mapping.
    {
      kind: 'sales_invoice',
      sourceId: 'SO-00904',
      date: isoDay(0, now),
      contact: 'CUST-004',
      lines: [{ productCode: 'WIDGET', description: 'Widget', quantity: 3, unitPrice: '19.95', taxCode: 'VAT20', account: 'sales' }],
    },
    // GST number invalid for a New Zealand organisation.
    { kind: 'supplier', sourceId: 'SUP-090', name: 'Ironbark Imports', email: 'ar@ironbark.test', taxNumber: '12' },
    // Email address not valid: two addresses in one field.
    { kind: 'customer', sourceId: 'CUST-091', name: 'Greenway Florists', email: 'accounts@greenway.test, orders@greenway.test' },
    // Contact name already assigned to another Xero contact.
    { kind: 'customer', sourceId: 'CUST-092', name: p.takenName, email: 'finance@ridgeway.test' },
  ];
}

/** A bill for a supplier that is archived in Xero after its first export (seed row: archived contact). */
export const ARCHIVED_SUPPLIER: Doc = { kind: 'supplier', sourceId: 'SUP-080', name: 'Old Mill Packaging', email: 'accounts@oldmill.test' };
export function billForArchivedSupplier(now = new Date()): Doc {
  return {
    kind: 'purchase_bill',
    sourceId: 'PO-00980',
    date: isoDay(0, now),
    contact: 'SUP-080',
    reference: 'Cartons',
    lines: [{ productCode: 'CARTON', description: 'Cartons', quantity: 100, unitPrice: '0.85', taxCode: 'G.S.T.', account: 'purchases' }],
  };
}
