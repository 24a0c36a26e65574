/**
 * Source documents → Xero Accounting API JSON (PascalCase, as Xero takes it). Products are never
 * exported as Xero Items: their code and description go into each line's Description.
 * Callers pass a document that passed pre-validation; a missing contact link is a programming error.
 */
import { Decimal } from 'decimal.js';
import { KIND_LABELS, directionOf, type ContactDocument, type ItemDocument, type ItemLine, type JournalDocument } from './documents.ts';
import { effectiveTaxType, findAccount, resolveJournalAccount, resolveLineAccount, resolveTaxType } from './mapping.ts';
import { journalSums, roundHalfUp, xeroAppliesDiscount, xeroLineValues } from './money.ts';
import { xeroTrackingCategoryName } from './prevalidate-lines.ts';
import { mapped, type OrgSettings } from './settings.ts';
import type { ReferenceData } from './types.ts';

export interface PayloadContext {
  settings: OrgSettings;
  reference: ReferenceData;
  /** Xero ContactID of the document's customer or supplier (required for invoices and credit notes). */
  contactXeroId?: string;
  /** Xero id of the object a previous revision created: the payload then updates it. */
  existingXeroId?: string;
  /** The date to use (pre-validation may have moved it past a lock date); defaults to the document's. */
  date?: string;
  /** Lines left out by the rounding policy (0-based indexes). */
  dropped?: ReadonlyArray<{ line: number }>;
}

// Type aliases, not interfaces: callers treat payloads as Record<string, unknown>.
export type XeroTracking = { Name: string; Option: string };
export type XeroLineItem = {
  Description: string;
  Quantity: number;
  UnitAmount: number;
  AccountCode: string;
  TaxType?: string;
  DiscountRate?: number;
  Tracking?: XeroTracking[];
};
export type XeroContactPayload = {
  ContactID?: string;
  Name: string;
  ContactNumber: string;
  AccountNumber?: string;
  FirstName?: string;
  LastName?: string;
  EmailAddress?: string;
  TaxNumber?: string;
  DefaultCurrency?: string;
  Addresses?: Array<Record<string, string>>;
  Phones?: Array<{ PhoneType: string; PhoneNumber: string }>;
};
export type XeroInvoicePayload = {
  Type: 'ACCREC' | 'ACCPAY';
  InvoiceID?: string;
  InvoiceNumber: string;
  Reference?: string;
  Contact: { ContactID: string };
  Date: string;
  DueDate?: string;
  LineAmountTypes: LineAmountTypes;
  Status: string;
  CurrencyCode?: string;
  LineItems: XeroLineItem[];
};
export type XeroCreditNotePayload = {
  Type: 'ACCRECCREDIT' | 'ACCPAYCREDIT';
  CreditNoteID?: string;
  CreditNoteNumber: string;
  Reference?: string;
  Contact: { ContactID: string };
  Date: string;
  LineAmountTypes: LineAmountTypes;
  Status: string;
  CurrencyCode?: string;
  LineItems: XeroLineItem[];
};
export type XeroJournalLine = { LineAmount: number; AccountCode: string; Description?: string; TaxType?: string; Tracking?: XeroTracking[] };
export type XeroManualJournalPayload = {
  ManualJournalID?: string;
  Narration: string;
  Date: string;
  Status: 'DRAFT' | 'POSTED';
  LineAmountTypes: LineAmountTypes;
  JournalLines: XeroJournalLine[];
};
export type LineAmountTypes = 'Exclusive' | 'Inclusive' | 'NoTax';

const LINE_AMOUNT_TYPES: Record<ItemDocument['amountsAre'], LineAmountTypes> = { exclusive: 'Exclusive', inclusive: 'Inclusive', no_tax: 'NoTax' };

/** The object without its undefined members, keys in the same order (one pass, no entry arrays). */
function defined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  const record = o as Record<string, unknown>;
  for (const k of Object.keys(record)) {
    const v = record[k];
    if (v !== undefined) out[k] = v;
  }
  return out as T;
}

/**
 * An optional text field. On an update (the object is in Xero already) a field the new revision
 * no longer has is sent empty: Xero keeps what an update leaves out, so leaving it out would keep
 * the old value in silence.
 */
function cleared(v: string | undefined, updating: string | undefined): string | undefined {
  if (v !== undefined && v !== '') return v;
  return updating ? '' : undefined;
}

const CLEARED_ON_UPDATE: Record<string, readonly string[]> = {
  Contacts: ['FirstName', 'LastName', 'EmailAddress', 'TaxNumber'],
  Invoices: ['Reference'],
  CreditNotes: ['Reference'],
  ManualJournals: [],
};

/**
 * Turns a create payload into an update of the Xero object `id` (a look-up found an earlier revision
 * there): the optional text fields it leaves out are sent empty, as `cleared` does.
 */
export function asUpdate(endpoint: string, idField: string, id: string, payload: Record<string, unknown>): void {
  payload[idField] = id;
  for (const field of CLEARED_ON_UPDATE[endpoint] ?? []) {
    // ACCPAY has no Reference in Xero.
    if (field === 'Reference' && payload.Type === 'ACCPAY') continue;
    if (payload[field] === undefined) payload[field] = '';
  }
}

export function toXeroContact(doc: ContactDocument, ctx: PayloadContext): XeroContactPayload {
  const link = ctx.existingXeroId ?? mapped(ctx.settings.contactLinks[doc.kind], doc.sourceId);
  const phones = [...(doc.phone ? [{ PhoneType: 'DEFAULT', PhoneNumber: doc.phone }] : []), ...(doc.mobile ? [{ PhoneType: 'MOBILE', PhoneNumber: doc.mobile }] : [])];
  const addresses = doc.addresses?.map(
    (a) =>
      defined({
        AddressType: a.type === 'street' ? 'STREET' : 'POBOX',
        AddressLine1: a.line1,
        AddressLine2: a.line2,
        AddressLine3: a.line3,
        AddressLine4: a.line4,
        City: a.city,
        Region: a.region,
        PostalCode: a.postalCode,
        Country: a.country,
        AttentionTo: a.attention,
      }) as Record<string, string>,
  );
  return defined({
    ContactID: link,
    Name: doc.name,
    // ContactNumber is API-only in Xero: it lets xport find this contact again after an unknown outcome.
    ContactNumber: doc.sourceId,
    AccountNumber: ctx.settings.sendCustomerCodeAsAccountNumber ? (doc.accountNumber ?? doc.code ?? doc.sourceId) : undefined,
    FirstName: cleared(doc.firstName, ctx.existingXeroId),
    LastName: cleared(doc.lastName, ctx.existingXeroId),
    EmailAddress: cleared(doc.email, ctx.existingXeroId),
    TaxNumber: cleared(doc.taxNumber, ctx.existingXeroId),
    // Website is read-only in Xero's API (it is set in Xero itself): it is not sent.
    DefaultCurrency: doc.currency,
    Addresses: addresses,
    Phones: phones.length > 0 ? phones : undefined,
  });
}

function lineDescription(line: ItemLine): string {
  if (line.productCode && line.description) return `${line.productCode} - ${line.description}`;
  return line.productCode ?? line.description ?? '';
}

function tracking(entries: ItemLine['tracking'], ctx: PayloadContext): XeroTracking[] | undefined {
  if (!entries || entries.length === 0) return undefined;
  return entries.map((t) => {
    const name = xeroTrackingCategoryName(t.category, ctx.settings);
    const cat = ctx.reference.trackingCategories.find((c) => c.Name.toLowerCase() === name.toLowerCase());
    const opt = cat?.Options.find((o) => o.Name.toLowerCase() === t.option.toLowerCase());
    return { Name: cat?.Name ?? name, Option: opt?.Name ?? t.option };
  });
}

function lineItems(doc: ItemDocument, ctx: PayloadContext): XeroLineItem[] {
  const direction = directionOf(doc);
  const discounts = xeroAppliesDiscount(doc.kind);
  const skip = new Set((ctx.dropped ?? []).map((d) => d.line));
  const items: XeroLineItem[] = [];
  doc.lines.forEach((line, i) => {
    if (skip.has(i)) return;
    const code = resolveLineAccount(doc, line, ctx.settings, direction).code;
    const v = xeroLineValues(line, discounts, ctx.settings.unitDecimalPlaces);
    const taxType = doc.amountsAre === 'no_tax' ? undefined : (effectiveTaxType(resolveTaxType(line.taxCode, direction, ctx.settings), findAccount(ctx.reference, code)) ?? undefined);
    items.push(
      defined({
        Description: lineDescription(line),
        Quantity: Number(v.quantity),
        UnitAmount: Number(v.unitAmount),
        AccountCode: code,
        TaxType: taxType,
        DiscountRate: v.discountRate === null ? undefined : Number(v.discountRate),
        Tracking: tracking(line.tracking, ctx),
      }),
    );
  });
  return items;
}

function contactOf(doc: ItemDocument, ctx: PayloadContext): { ContactID: string } {
  const id = ctx.contactXeroId ?? mapped(ctx.settings.contactLinks[doc.kind === 'purchase_bill' || doc.kind === 'supplier_credit' ? 'supplier' : 'customer'], doc.contact);
  if (!id) throw new Error(`${doc.kind} ${doc.sourceId}: no Xero ContactID for contact ${doc.contact}; export the contact first`);
  return { ContactID: id };
}

export function toXeroInvoice(doc: Extract<ItemDocument, { kind: 'sales_invoice' | 'purchase_bill' }>, ctx: PayloadContext): XeroInvoicePayload {
  const date = ctx.date ?? doc.date;
  const accrec = doc.kind === 'sales_invoice';
  return defined({
    Type: accrec ? 'ACCREC' : 'ACCPAY',
    InvoiceID: ctx.existingXeroId,
    // ACCPAY has no Reference field in Xero: the bill number is the source id, so it can be looked up.
    InvoiceNumber: doc.sourceId,
    Reference: accrec ? cleared(doc.reference, ctx.existingXeroId) : undefined,
    Contact: contactOf(doc, ctx),
    Date: date,
    DueDate: doc.dueDate === undefined ? undefined : doc.dueDate < date ? date : doc.dueDate,
    LineAmountTypes: LINE_AMOUNT_TYPES[doc.amountsAre],
    Status: ctx.settings.xeroStatus[doc.kind],
    CurrencyCode: doc.currency,
    LineItems: lineItems(doc, ctx),
  } satisfies XeroInvoicePayload);
}

export function toXeroCreditNote(doc: Extract<ItemDocument, { kind: 'sales_credit' | 'supplier_credit' }>, ctx: PayloadContext): XeroCreditNotePayload {
  return defined({
    Type: doc.kind === 'sales_credit' ? 'ACCRECCREDIT' : 'ACCPAYCREDIT',
    CreditNoteID: ctx.existingXeroId,
    CreditNoteNumber: doc.sourceId,
    Reference: cleared(doc.reference, ctx.existingXeroId),
    Contact: contactOf(doc, ctx),
    Date: ctx.date ?? doc.date,
    LineAmountTypes: LINE_AMOUNT_TYPES[doc.amountsAre],
    Status: ctx.settings.xeroStatus[doc.kind],
    CurrencyCode: doc.currency,
    LineItems: lineItems(doc, ctx),
  } satisfies XeroCreditNotePayload);
}

const JOURNAL_LABELS: Record<JournalDocument['journalType'], string> = {
  shipment_cogs: 'Shipment cost of goods sold',
  stock_adjustment_in: 'Stock adjustment in',
  stock_adjustment_out: 'Stock adjustment out',
  recost: 'Recost',
  assembly: 'Assembly',
};

/** Narration always ends with the source id: manual journals have no number, and this is how xport finds one. */
export function journalNarration(doc: JournalDocument): string {
  return `${doc.narration ?? JOURNAL_LABELS[doc.journalType]} [${doc.sourceId}]`;
}

export function toXeroManualJournal(doc: JournalDocument, ctx: PayloadContext): XeroManualJournalPayload {
  const skip = new Set((ctx.dropped ?? []).map((d) => d.line));
  const kept = doc.lines.filter((_l, i) => !skip.has(i));
  const lines: XeroJournalLine[] = kept.map((l) => {
    const taxType = l.taxCode === undefined ? undefined : journalTaxType(l.taxCode, ctx.settings);
    return defined({
      LineAmount: Number(roundHalfUp(l.amount, 2).toFixed(2)),
      AccountCode: resolveJournalAccount(l, ctx.settings).code,
      Description: l.description,
      TaxType: taxType,
      Tracking: tracking(l.tracking, ctx),
    });
  });
  // Rounding each line to cents can leave the journal a cent or two out; post the difference to Rounding.
  const net = new Decimal(journalSums(kept.map((l) => l.amount)).net);
  if (!net.isZero()) {
    lines.push({ LineAmount: Number(net.negated().toFixed(2)), AccountCode: ctx.settings.accounts.rounding, Description: 'Rounding' });
  }
  return defined({
    ManualJournalID: ctx.existingXeroId,
    Narration: journalNarration(doc),
    Date: ctx.date ?? doc.date,
    Status: ctx.settings.xeroStatus.journal,
    LineAmountTypes: lines.some((l) => l.TaxType) ? 'Exclusive' : 'NoTax',
    JournalLines: lines,
  } satisfies XeroManualJournalPayload);
}

function journalTaxType(taxCode: string, settings: OrgSettings): string | undefined {
  return mapped(settings.taxMappings.sales, taxCode) ?? mapped(settings.taxMappings.purchases, taxCode);
}

/**
 * UTF-8 size of the JSON of a payload, to keep a batch under Xero's 3.5 MB request cap. Counted with
 * Buffer.byteLength (no encoded copy is made); a lone surrogate counts 3 bytes, as TextEncoder writes it.
 */
export function approxJsonBytes(payload: unknown): number {
  return Buffer.byteLength(JSON.stringify(payload), 'utf8');
}

/**
 * UTF-8 size of the request body carrying payloads to `endpoint`, from the payloads' own sizes
 * (approxJsonBytes of each), without serialising them again:
 * `{"Endpoint":[p1,p2]}` is the payloads, a comma between each two, and the wrapper.
 */
export function requestBytesOfSizes(endpoint: string, payloadBytes: readonly number[]): number {
  let n = approxJsonBytes({ [endpoint]: [] });
  for (const b of payloadBytes) n += b;
  return n + Math.max(0, payloadBytes.length - 1);
}

/**
 * The request body carrying payloads to `endpoint`, from each payload's JSON as JSON.stringify gives it
 * (serialised once per claim): the same text as JSON.stringify({ [endpoint]: payloads }).
 */
export function requestJson(endpoint: string, payloadJson: readonly string[]): string {
  return `{${JSON.stringify(endpoint)}:[${payloadJson.join(',')}]}`;
}

/** Xero's request cap (3.5 MB) and recommended elements per call (docs/xero.md#request-size). */
export const MAX_REQUEST_BYTES = 3_500_000;
export const MAX_BATCH_ELEMENTS = 50;

export { KIND_LABELS };
