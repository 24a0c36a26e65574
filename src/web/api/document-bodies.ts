/**
 * The body of POST /api/v1/documents as the API reference shows it: the ingest schema of each kind
 * (KINDS[kind].schema, the one rt.queue.ingest validates with), named and given one full example,
 * and the batch form `{"documents":[…]}`. The examples are documents that schema accepts
 * (test/web/openapi-document.test.ts parses each), so every field's example is a valid value.
 */
import { z } from 'zod';
import { DOCUMENT_KINDS, MAX_DOCUMENTS_PER_REQUEST } from '../../domain/document-schemas';
import { KINDS } from '../../domain/registry';
import type { DocumentKind } from '../../domain/types';

const contact = {
  sourceId: 'CUST-001',
  revision: 1,
  name: 'Acme Ltd',
  email: 'ap@acme.test',
  taxNumber: '12-345-678',
  firstName: 'Ann',
  lastName: 'Lee',
  currency: 'NZD',
  code: 'ACME',
  accountNumber: 'AC-001',
  phone: '+64 9 555 0100',
  mobile: '+64 21 555 0100',
  website: 'https://acme.test',
  addresses: [
    {
      type: 'postal',
      line1: 'PO Box 42',
      line2: 'Ponsonby',
      line3: 'Level 2',
      line4: 'Suite 5',
      city: 'Auckland',
      region: 'Auckland',
      postalCode: '1011',
      country: 'NZ',
      attention: 'Accounts payable',
    },
  ],
};

const itemDocument = {
  sourceId: 'SO-00042',
  revision: 1,
  date: '2026-11-20',
  dueDate: '2026-12-20',
  contact: 'CUST-001',
  currency: 'NZD',
  reference: 'PO 7781',
  amountsAre: 'exclusive',
  lines: [
    {
      productCode: 'WIDGET',
      description: 'Widget',
      quantity: 2,
      unitPrice: '19.95',
      discountRate: 0,
      taxCode: 'G.S.T.',
      account: 'sales',
      productGroup: 'Hardware',
      tracking: [{ category: 'Region', option: 'North' }],
    },
  ],
};

/** One example per kind, with every field it has. */
export const DOCUMENT_EXAMPLES: Record<DocumentKind, Record<string, unknown>> = {
  customer: { kind: 'customer', ...contact },
  supplier: { kind: 'supplier', ...contact, sourceId: 'SUPP-007', name: 'Widgets Wholesale Ltd', email: 'sales@widgets.test' },
  sales_invoice: { kind: 'sales_invoice', ...itemDocument },
  sales_credit: { kind: 'sales_credit', ...itemDocument, sourceId: 'CR-00007', reference: 'Return of SO-00042' },
  purchase_bill: {
    kind: 'purchase_bill',
    ...itemDocument,
    sourceId: 'PO-00311',
    contact: 'SUPP-007',
    reference: 'INV 5531',
    lines: [{ ...itemDocument.lines[0], account: 'purchases', unitPrice: '9.50' }],
  },
  supplier_credit: {
    kind: 'supplier_credit',
    ...itemDocument,
    sourceId: 'SC-00003',
    contact: 'SUPP-007',
    reference: 'Credit for damaged goods',
    lines: [{ ...itemDocument.lines[0], account: 'purchases', unitPrice: '9.50' }],
  },
  journal: {
    kind: 'journal',
    sourceId: 'SA-0007',
    revision: 1,
    journalType: 'stock_adjustment_in',
    date: '2026-11-20',
    narration: 'Stock take',
    currency: 'NZD',
    lines: [
      { account: 'stock_on_hand', amount: '120.00', description: 'Widgets found', taxCode: 'NONE', tracking: [{ category: 'Region', option: 'North' }] },
      { account: 'cogs', amount: '-120.00', description: 'Widgets found', taxCode: 'NONE', tracking: [{ category: 'Region', option: 'North' }] },
    ],
  },
};

/** The component name of a kind: sales_invoice → SalesInvoice. */
export function componentName(kind: string): string {
  return kind.replace(/(^|_)([a-z])/g, (_m, _sep: string, c: string) => c.toUpperCase());
}

/** Each kind's ingest schema, named, described and with its example. */
export const documentSchemasByKind = Object.fromEntries(
  DOCUMENT_KINDS.map((kind) => [kind, KINDS[kind].schema.meta({ id: componentName(kind), description: `A ${KINDS[kind].label.toLowerCase()} (kind "${kind}")`, examples: [DOCUMENT_EXAMPLES[kind]] })]),
) as Record<DocumentKind, z.ZodType>;

const BATCH_EXAMPLE = { documents: [DOCUMENT_EXAMPLES.customer, DOCUMENT_EXAMPLES.sales_invoice] };

const anyDocument = z
  .xor(DOCUMENT_KINDS.map((k) => documentSchemasByKind[k]) as [z.ZodType, z.ZodType, ...z.ZodType[]])
  .meta({ id: 'Document', description: 'One source document; `kind` says which' });

/** POST /api/v1/documents: one document, or up to 1,000 in `{"documents":[…]}`. */
export const documentsBody = z
  .xor([
    anyDocument,
    z
      .strictObject({ documents: z.array(anyDocument).min(1).max(MAX_DOCUMENTS_PER_REQUEST) })
      .meta({ id: 'DocumentBatch', description: `Up to ${MAX_DOCUMENTS_PER_REQUEST} documents, stored all or none`, examples: [BATCH_EXAMPLE] }),
  ])
  .meta({ examples: [BATCH_EXAMPLE] });
