/**
 * The registry: one table of the Xero endpoints xport writes to and one of the document kinds it
 * accepts. Everything that differs by endpoint or by kind is read from here — the worker's groups,
 * the look-ups, the batch calls, the payload builder, the settings, the links into Xero's web app —
 * so adding a kind or an endpoint is a row here plus its schema and payload builder (README, "How to
 * extend").
 */
import type { z } from 'zod';
import { documentSchemas, KIND_LABELS, type SourceDocument } from './document-schemas.ts';
import type { DocumentKind, XeroEndpoint } from './types.ts';
import { MAX_BATCH_ELEMENTS, MAX_REQUEST_BYTES, toXeroContact, toXeroCreditNote, toXeroInvoice, toXeroManualJournal, type PayloadContext } from './xero-payloads.ts';

/** What xport needs to know of one Xero endpoint it writes to. */
export interface EndpointSpec {
  /** The id field of its objects (the one an update carries). */
  idField: string;
  /** The field holding the object's number as Xero shows it, when it has one. */
  numberField: string | null;
  /** The natural key xport sets itself and finds the object by (docs/reliability.md, "Look-ups"). */
  keyField: string;
  /** A comma-separated list parameter that finds objects by key, when Xero has one. */
  listParam: string | null;
  /** Whether a look-up may be narrowed by Type and Contact (invoices and credit notes). */
  narrowByTypeAndContact: boolean;
  /** Extra query parameters every look-up sends (archived contacts are still ours). */
  lookupQuery: Readonly<Record<string, string>>;
  /** Whether amounts go with unitdp=4 (four decimals in unit prices). */
  unitdp: boolean;
}

export const ENDPOINTS = {
  Contacts: { idField: 'ContactID', numberField: null, keyField: 'ContactNumber', listParam: null, narrowByTypeAndContact: false, lookupQuery: { includeArchived: 'true' }, unitdp: false },
  Invoices: { idField: 'InvoiceID', numberField: 'InvoiceNumber', keyField: 'InvoiceNumber', listParam: 'InvoiceNumbers', narrowByTypeAndContact: true, lookupQuery: {}, unitdp: true },
  CreditNotes: { idField: 'CreditNoteID', numberField: 'CreditNoteNumber', keyField: 'CreditNoteNumber', listParam: null, narrowByTypeAndContact: true, lookupQuery: {}, unitdp: true },
  ManualJournals: { idField: 'ManualJournalID', numberField: null, keyField: 'Narration', listParam: null, narrowByTypeAndContact: false, lookupQuery: {}, unitdp: false },
} as const satisfies Record<XeroEndpoint, EndpointSpec>;

/** Xero's documented limits for one write call (docs/xero.md, "Limits"). */
export const XERO_LIMITS = { maxElementsPerCall: MAX_BATCH_ELEMENTS, maxRequestBytes: MAX_REQUEST_BYTES } as const;

type DocOf<K extends DocumentKind> = Extract<SourceDocument, { kind: K }>;

/** What xport needs to know of one document kind. */
export interface KindSpec<K extends DocumentKind = DocumentKind> {
  label: string;
  /** How Settings names a group of them ("Sales invoices"). */
  plural: string;
  /** The zod schema that validates it at ingest. */
  schema: z.ZodType;
  endpoint: XeroEndpoint;
  /** The contact kind it needs exported (or linked) before it can be sent. */
  needsContact: 'customer' | 'supplier' | null;
  /** The Xero statuses a person may choose to create it in (Settings → Options), in the order offered; empty: not configurable. */
  xeroStatuses: readonly string[];
  /** Its path in Xero's web app, for "Open in Xero" links. */
  xeroPath: (xeroId: string) => string;
  payload: (doc: DocOf<K>, ctx: PayloadContext) => Record<string, unknown>;
}

const INVOICE_STATUSES = ['DRAFT', 'SUBMITTED', 'AUTHORISED'] as const;

/** How Settings words each Xero status. */
export const XERO_STATUS_WORDS: Readonly<Record<string, string>> = { DRAFT: 'Draft', SUBMITTED: 'Submitted for approval', AUTHORISED: 'Authorised', POSTED: 'Posted' };

export const KINDS: { [K in DocumentKind]: KindSpec<K> } = {
  customer: {
    label: KIND_LABELS.customer,
    plural: 'Customers',
    schema: documentSchemas.customer,
    endpoint: 'Contacts',
    needsContact: null,
    xeroStatuses: [],
    xeroPath: (id) => `Contacts/View/${id}`,
    payload: toXeroContact,
  },
  supplier: {
    label: KIND_LABELS.supplier,
    plural: 'Suppliers',
    schema: documentSchemas.supplier,
    endpoint: 'Contacts',
    needsContact: null,
    xeroStatuses: [],
    xeroPath: (id) => `Contacts/View/${id}`,
    payload: toXeroContact,
  },
  sales_invoice: {
    label: KIND_LABELS.sales_invoice,
    plural: 'Sales invoices',
    schema: documentSchemas.sales_invoice,
    endpoint: 'Invoices',
    needsContact: 'customer',
    xeroStatuses: INVOICE_STATUSES,
    xeroPath: (id) => `AccountsReceivable/View.aspx?InvoiceID=${id}`,
    payload: toXeroInvoice,
  },
  sales_credit: {
    label: KIND_LABELS.sales_credit,
    plural: 'Sales credits',
    schema: documentSchemas.sales_credit,
    endpoint: 'CreditNotes',
    needsContact: 'customer',
    xeroStatuses: INVOICE_STATUSES,
    xeroPath: (id) => `AccountsReceivable/ViewCreditNote.aspx?creditNoteID=${id}`,
    payload: toXeroCreditNote,
  },
  purchase_bill: {
    label: KIND_LABELS.purchase_bill,
    plural: 'Purchase bills',
    schema: documentSchemas.purchase_bill,
    endpoint: 'Invoices',
    needsContact: 'supplier',
    xeroStatuses: INVOICE_STATUSES,
    xeroPath: (id) => `AccountsPayable/View.aspx?InvoiceID=${id}`,
    payload: toXeroInvoice,
  },
  supplier_credit: {
    label: KIND_LABELS.supplier_credit,
    plural: 'Supplier credits',
    schema: documentSchemas.supplier_credit,
    endpoint: 'CreditNotes',
    needsContact: 'supplier',
    xeroStatuses: INVOICE_STATUSES,
    xeroPath: (id) => `AccountsPayable/ViewCreditNote.aspx?creditNoteID=${id}`,
    payload: toXeroCreditNote,
  },
  journal: {
    label: KIND_LABELS.journal,
    plural: 'Journals',
    schema: documentSchemas.journal,
    endpoint: 'ManualJournals',
    needsContact: null,
    xeroStatuses: ['DRAFT', 'POSTED'],
    xeroPath: (id) => `Journal/View.aspx?invoiceID=${id}`,
    payload: toXeroManualJournal,
  },
};

export function kindSpec<K extends DocumentKind>(kind: K): KindSpec<K> {
  return KINDS[kind];
}

/** The Xero payload of a document that passed pre-validation. */
export function buildPayload(doc: SourceDocument, ctx: PayloadContext): Record<string, unknown> {
  return (KINDS[doc.kind] as KindSpec<typeof doc.kind>).payload(doc as never, ctx);
}

/**
 * The endpoints in the order the worker serves them — contacts before the documents that need them —
 * each with the kinds it carries (derived from KINDS).
 */
export const ENDPOINT_ORDER: readonly XeroEndpoint[] = ['Contacts', 'Invoices', 'CreditNotes', 'ManualJournals'];

export const ENDPOINT_GROUPS: ReadonlyArray<{ endpoint: XeroEndpoint; kinds: DocumentKind[] }> = ENDPOINT_ORDER.map((endpoint) => ({
  endpoint,
  kinds: (Object.keys(KINDS) as DocumentKind[]).filter((k) => KINDS[k].endpoint === endpoint),
}));

/** The kinds whose Xero status a person chooses in Settings. */
export const KINDS_WITH_STATUS: readonly DocumentKind[] = (Object.keys(KINDS) as DocumentKind[]).filter((k) => KINDS[k].xeroStatuses.length > 0);
