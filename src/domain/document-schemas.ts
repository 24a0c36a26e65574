/**
 * Source documents: the zod schemas of every kind the API accepts (README, "The API") and their output types.
 *
 * Decisions:
 * - Objects are strict: an unknown field is an error (`unknown field "colour"`), because a misspelt
 *   optional field (`dueDte`) silently ignored would export a wrong document.
 * - Ingest checks shape only. Business rules that depend on Xero or on settings (email format, tax number
 *   format, values below 0.005, lock dates, balance of journals) are pre-validation, so they reach the
 *   bookkeeper as a failed export with an *Action Required* instead of a 400 to the integrator.
 *   The one exception is a journal with fewer than two lines, which can never be valid.
 */
import { z } from 'zod';
import type { DocumentKind, JournalType } from './types.ts';
import { currencyField, dateField, decimalField, describeInput, textField } from './fields.ts';

export const DOCUMENT_KINDS: readonly DocumentKind[] = ['customer', 'supplier', 'sales_invoice', 'sales_credit', 'purchase_bill', 'supplier_credit', 'journal'];
export const JOURNAL_TYPES: readonly JournalType[] = ['shipment_cogs', 'stock_adjustment_in', 'stock_adjustment_out', 'recost', 'assembly'];
export const ACCOUNT_ROLES = ['sales', 'cogs', 'stock_on_hand', 'purchases', 'freight', 'rounding'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

export const KIND_LABELS: Record<DocumentKind, string> = {
  customer: 'Customer',
  supplier: 'Supplier',
  sales_invoice: 'Sales Invoice',
  sales_credit: 'Sales Credit',
  purchase_bill: 'Purchase Bill',
  supplier_credit: 'Supplier Credit',
  journal: 'Journal',
};

/** Upper bound on documents per request; keeps one request's validation and storage bounded. */
export const MAX_DOCUMENTS_PER_REQUEST = 1000;
const MAX_LINES = 1000;

const revision = z
  .number({ error: (iss) => `must be a whole number of 1 or more, got ${describeInput(iss.input)}` })
  .int({ error: 'must be a whole number of 1 or more' })
  .min(1, { error: 'must be a whole number of 1 or more' })
  // Left out, xport numbers revisions itself from the content (see content.ts and the exports repository).
  .optional()
  .describe('The revision of the document (1, 2, …); left out, xport numbers revisions from the content');

/** A role name or a Xero account code (Xero codes are up to 10 characters). */
const accountField = z
  .string()
  .trim()
  .min(1, { error: 'must not be empty' })
  .refine((v) => (ACCOUNT_ROLES as readonly string[]).includes(v) || v.length <= 10, {
    error: (iss) => `must be an account role (${ACCOUNT_ROLES.join(', ')}) or a Xero account code of at most 10 characters, got ${describeInput(iss.input)}`,
  })
  .describe(`An account role (${ACCOUNT_ROLES.join(', ')}), resolved through the mappings, or a Xero account code of at most 10 characters`);

const trackingField = z
  .array(z.strictObject({ category: textField(100).describe('The source tracking category, mapped to a Xero one in Settings'), option: textField(100).describe('The option, matched by name') }))
  .max(2, { error: 'must have at most 2 tracking entries (Xero allows two tracking categories)' })
  .describe('Up to two tracking categories');

const addressSchema = z.strictObject({
  type: z.enum(['postal', 'street']).default('postal'),
  line1: textField(500).optional(),
  line2: textField(500).optional(),
  line3: textField(500).optional(),
  line4: textField(500).optional(),
  city: textField(255).optional(),
  region: textField(255).optional(),
  postalCode: textField(50).optional(),
  country: textField(50).optional(),
  attention: textField(255).optional(),
});

function contactSchema<K extends 'customer' | 'supplier'>(kind: K) {
  return z.strictObject({
    kind: z.literal(kind),
    /** Sent as the Xero ContactNumber (max 50), which lets xport find the contact again after a crash. */
    sourceId: textField(50).describe("The contact's id in the source system; sent as Xero's ContactNumber"),
    revision,
    name: textField(255).describe('The name Xero shows; unique in Xero'),
    /** Format checked in pre-validation (one address, no commas or spaces). */
    email: z.string().trim().max(255, { error: 'must be at most 255 characters' }).optional().describe('One email address (its format is checked before export)'),
    taxNumber: z.string().trim().max(50, { error: 'must be at most 50 characters' }).optional().describe('The tax number (GST, VAT, ABN) as the source system holds it'),
    firstName: textField(255).optional(),
    lastName: textField(255).optional(),
    currency: currencyField.optional(),
    /** The source system's customer/supplier code; defaults to sourceId where a code is needed. */
    code: textField(50).optional().describe("The source system's customer or supplier code; defaults to sourceId where a code is needed"),
    /** Explicit Xero AccountNumber; wins over `code` when "send customer code as account number" is on. */
    accountNumber: textField(50).optional().describe('An explicit Xero AccountNumber; wins over `code`'),
    phone: textField(50).optional(),
    mobile: textField(50).optional(),
    website: textField(255).optional(),
    addresses: z.array(addressSchema).max(2, { error: 'must have at most 2 addresses (postal and street)' }).optional().describe('Up to two addresses, postal and street'),
  });
}

const itemLineSchema = z
  .strictObject({
    productCode: textField(255).optional().describe('The item code (a line has a productCode, a description or both)'),
    description: textField(4000).optional().describe('The line text (a line has a productCode, a description or both)'),
    quantity: decimalField({ maxDp: 4 }).default('1').describe('A decimal with at most 4 decimal places; left out, 1'),
    unitPrice: decimalField({ maxDp: 4 }),
    discountRate: decimalField({ maxDp: 4, min: '0', max: '100', rangeMessage: 'must be a percentage from 0 to 100' }).optional(),
    /** Source tax code; absent means the Xero account's default tax type. */
    taxCode: textField(50).optional().describe("The source system's tax code, resolved through the tax mapping of the document's direction; left out, the account's default tax"),
    /** Role or Xero code; absent means the direction's default role (sales or purchases). */
    account: accountField.optional().describe('An account role or Xero account code; left out, the default role of the direction (sales or purchases)'),
    productGroup: textField(255).optional().describe("The product's group, for the group → sales account mapping"),
    tracking: trackingField.optional(),
  })
  .refine((l) => l.productCode !== undefined || l.description !== undefined, {
    error: 'must have a productCode or a description',
  });

function itemDocumentSchema<K extends 'sales_invoice' | 'sales_credit' | 'purchase_bill' | 'supplier_credit'>(kind: K) {
  return z.strictObject({
    kind: z.literal(kind),
    sourceId: textField(255).describe("The document's id in the source system; sent as its number in Xero"),
    revision,
    date: dateField,
    dueDate: dateField.optional(),
    /** sourceId of the customer (sales) or supplier (purchases). */
    contact: textField(50).describe('The sourceId of the customer (sales) or supplier (purchases)'),
    currency: currencyField.optional(),
    reference: textField(255).optional().describe("The customer's order number or the supplier's invoice number, shown in Xero"),
    amountsAre: z.enum(['exclusive', 'inclusive', 'no_tax']).default('exclusive').describe('Whether unit prices exclude tax, include it, or carry none'),
    lines: z
      .array(itemLineSchema)
      .min(1, { error: 'must have at least one line' })
      .max(MAX_LINES, { error: `must have at most ${MAX_LINES} lines` }),
  });
}

const journalLineSchema = z.strictObject({
  account: accountField,
  /** Debit positive, credit negative. Up to 4 dp so that sub-cent values reach the rounding policy. */
  amount: decimalField({ maxDp: 4 }).describe('Debit positive, credit negative; a decimal with at most 4 decimal places'),
  description: textField(4000).optional(),
  taxCode: textField(50).optional(),
  tracking: trackingField.optional(),
});

const journalSchema = z.strictObject({
  kind: z.literal('journal'),
  sourceId: textField(255),
  revision,
  journalType: z.enum(JOURNAL_TYPES as [JournalType, ...JournalType[]]),
  date: dateField,
  narration: textField(4000).optional(),
  currency: currencyField.optional(),
  lines: z
    .array(journalLineSchema)
    .min(2, { error: 'must have at least two lines (a debit and a credit)' })
    .max(MAX_LINES, { error: `must have at most ${MAX_LINES} lines` }),
});

export const documentSchemas = {
  customer: contactSchema('customer'),
  supplier: contactSchema('supplier'),
  sales_invoice: itemDocumentSchema('sales_invoice'),
  sales_credit: itemDocumentSchema('sales_credit'),
  purchase_bill: itemDocumentSchema('purchase_bill'),
  supplier_credit: itemDocumentSchema('supplier_credit'),
  journal: journalSchema,
} as const;

export const sourceDocumentSchema = z.discriminatedUnion('kind', [
  documentSchemas.customer,
  documentSchemas.supplier,
  documentSchemas.sales_invoice,
  documentSchemas.sales_credit,
  documentSchemas.purchase_bill,
  documentSchemas.supplier_credit,
  documentSchemas.journal,
]);

export type SourceDocument = z.output<typeof sourceDocumentSchema>;
export type ContactDocument = Extract<SourceDocument, { kind: 'customer' | 'supplier' }>;
export type ItemDocument = Extract<SourceDocument, { kind: 'sales_invoice' | 'sales_credit' | 'purchase_bill' | 'supplier_credit' }>;
export type JournalDocument = Extract<SourceDocument, { kind: 'journal' }>;
export type ItemLine = ItemDocument['lines'][number];
export type JournalLine = JournalDocument['lines'][number];
export type SourceDocumentInput = z.input<typeof sourceDocumentSchema>;
