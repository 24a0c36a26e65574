/**
 * Invoices and credit notes: validation with Xero's messages and the record that results.
 * Status rules (docs/xero.md#validation-messages): documents are created as DRAFT, SUBMITTED or AUTHORISED; PAID, VOIDED
 * and DELETED documents cannot be modified; an AUTHORISED document can only be edited or voided, and
 * not at all once a payment is allocated. Lock dates bind everything but drafts.
 */
import { parseRequestDay, msToDay } from '../format/dates';
import { dicts, str } from '../http/input';
import { Dec } from '../money/decimal';
import { belowHalfCent, documentTotals, lineMoney, type LineMoney } from '../money/lines';
import { newId } from '../state/ids';
import type { ContactRec, Dict, DocKind, DocRec, DocStatus, LineAmountTypes, LineRec, OrgState } from '../state/types';
import { checkLineRefs } from './accounts';
import { resolveDocContact } from './doc-contact';
import { currencyError, lockDateError } from './lock-dates';
import { MSG } from './messages';
import { resolveTracking } from './tracking';

export const DOC_TYPES: Record<DocKind, string[]> = { invoice: ['ACCREC', 'ACCPAY'], creditnote: ['ACCRECCREDIT', 'ACCPAYCREDIT'] };
const CREATABLE: DocStatus[] = ['DRAFT', 'SUBMITTED', 'AUTHORISED'];
const STATUSES: DocStatus[] = ['DRAFT', 'SUBMITTED', 'AUTHORISED', 'PAID', 'VOIDED', 'DELETED'];
const LATS: LineAmountTypes[] = ['Exclusive', 'Inclusive', 'NoTax'];

export interface DocBuildOptions {
  kind: DocKind;
  unitdp: 2 | 4;
  appId: string;
  now: number;
}
export type DocBuild = { ok: true; doc: DocRec; newContact: ContactRec | null } | { ok: false; errors: string[] };

const numberField = (kind: DocKind) => (kind === 'invoice' ? 'InvoiceNumber' : 'CreditNoteNumber');

function statusTransitionError(kind: DocKind, from: DocRec | null, to: DocStatus): string | null {
  const notModifiable = kind === 'invoice' ? MSG.invoiceNotModifiable : MSG.documentNotModifiable;
  if (!from) return CREATABLE.includes(to) ? null : MSG.invoiceNotCreatable;
  if (from.Status === 'PAID' || from.Status === 'VOIDED' || from.Status === 'DELETED') return notModifiable;
  if (from.Payments.length > 0 || new Dec(from.AmountCredited).gt(0)) return MSG.hasPayments;
  if (from.Status === 'AUTHORISED') return to === 'AUTHORISED' || to === 'VOIDED' ? null : notModifiable;
  return to === 'VOIDED' || to === 'PAID' ? notModifiable : null;
}

function numberUsed(org: OrgState, kind: DocKind, candidate: string): boolean {
  if (kind === 'invoice') return org.invoiceNumbers.has(candidate.toLowerCase());
  return [...org.creditNotes.values()].some((d) => d.Number?.toLowerCase() === candidate.toLowerCase());
}

function nextNumber(org: OrgState, kind: DocKind): string {
  const prefix = kind === 'invoice' ? 'INV' : 'CN';
  for (;;) {
    const n = kind === 'invoice' ? ++org.counters.invoice : ++org.counters.creditNote;
    const candidate = `${prefix}-${String(n).padStart(4, '0')}`;
    if (!numberUsed(org, kind, candidate)) return candidate;
  }
}

/** ACCREC numbers are unique among live sales invoices; ACCPAY (supplier) numbers are not. */
function numberTaken(org: OrgState, number: string, self: DocRec | null): boolean {
  const ids = org.invoiceNumbers.get(number.toLowerCase());
  if (!ids) return false;
  return [...ids].some((id) => {
    const d = org.invoices.get(id);
    return !!d && d !== self && d.ID !== self?.ID && d.Type === 'ACCREC' && d.Status !== 'DELETED';
  });
}

/** Keeps OrgState.invoiceNumbers in step with a saved invoice. */
export function indexInvoiceNumber(org: OrgState, before: DocRec | null | undefined, after: DocRec): void {
  if (before?.Number) org.invoiceNumbers.get(before.Number.toLowerCase())?.delete(before.ID);
  if (!after.Number) return;
  const key = after.Number.toLowerCase();
  const ids = org.invoiceNumbers.get(key) ?? new Set<string>();
  ids.add(after.ID);
  org.invoiceNumbers.set(key, ids);
}

function buildLines(org: OrgState, raw: Dict[], existing: LineRec[], type: string, lat: LineAmountTypes, draft: boolean, unitdp: 2 | 4, errors: string[]): { lines: LineRec[]; money: LineMoney[] } {
  const direction = type.startsWith('ACCREC') ? 'sales' : 'purchases';
  const lines: LineRec[] = [];
  const money: LineMoney[] = [];
  for (const l of raw) {
    const refs = checkLineRefs(org, { AccountCode: str(l.AccountCode), AccountID: str(l.AccountID), TaxType: str(l.TaxType) }, direction, draft, errors);
    const m = lineMoney(l, { unitdp, lineAmountTypes: lat, ratePercent: refs.ratePercent, allowDiscount: type === 'ACCREC' }, errors);
    if (belowHalfCent(m.exact) || belowHalfCent(m.rawExact)) errors.push(MSG.accountInvalid, MSG.taxRateInvalid);
    const givenId = str(l.LineItemID)?.toLowerCase();
    lines.push({
      LineItemID: givenId && existing.some((e) => e.LineItemID === givenId) ? givenId : newId(),
      ...(str(l.Description) !== undefined ? { Description: str(l.Description) } : {}),
      Quantity: m.quantity.toFixed(),
      UnitAmount: m.unitAmount.toFixed(),
      ...(str(l.ItemCode) ? { ItemCode: str(l.ItemCode) } : {}),
      ...(refs.account ? { AccountCode: refs.account.Code, AccountID: refs.account.AccountID } : {}),
      ...(refs.taxRate ? { TaxType: refs.taxRate.TaxType } : {}),
      TaxAmount: m.taxAmount.toFixed(2),
      LineAmount: m.lineAmount.toFixed(2),
      ...(m.discountRate ? { DiscountRate: m.discountRate.toFixed() } : {}),
      ...(m.discountAmount ? { DiscountAmount: m.discountAmount.toFixed(2) } : {}),
      Tracking: resolveTracking(org, l.Tracking, errors),
    });
    money.push(m);
  }
  return { lines, money };
}

export function buildDocument(org: OrgState, input: Dict, existing: DocRec | null, o: DocBuildOptions): DocBuild {
  const type = (str(input.Type) ?? existing?.Type ?? '').toUpperCase();
  if (!DOC_TYPES[o.kind].includes(type)) return { ok: false, errors: [MSG.documentType(type)] };
  const status = (str(input.Status)?.toUpperCase() ?? existing?.Status ?? 'DRAFT') as DocStatus;
  const transition = STATUSES.includes(status) ? statusTransitionError(o.kind, existing, status) : MSG.invoiceNotCreatable;
  if (transition) return { ok: false, errors: [transition] };
  if (existing && (status === 'VOIDED' || status === 'DELETED')) return { ok: true, doc: { ...existing, Status: status, UpdatedDateUTC: o.now }, newContact: null };
  return buildFull(org, input, existing, type, status, o);
}

function buildFull(org: OrgState, input: Dict, existing: DocRec | null, type: string, status: DocStatus, o: DocBuildOptions): DocBuild {
  const errors: string[] = [];
  const draft = status === 'DRAFT';
  const contactRes = input.Contact !== undefined || !existing ? resolveDocContact(org, input.Contact, o.now) : null;
  if (contactRes && !contactRes.ok) errors.push(...contactRes.errors);
  const date = input.Date !== undefined ? parseRequestDay(input.Date) : (existing?.Date ?? msToDay(o.now));
  if (!date) errors.push(MSG.dateInvalid);
  const dueDate = input.DueDate !== undefined ? (parseRequestDay(input.DueDate) ?? undefined) : existing?.DueDate;
  const latRaw = str(input.LineAmountTypes) ?? existing?.LineAmountTypes ?? 'Exclusive';
  const lat = LATS.find((l) => l.toLowerCase() === latRaw.toLowerCase()) ?? 'Exclusive';
  const currency = (str(input.CurrencyCode) ?? existing?.CurrencyCode ?? String(org.organisation.BaseCurrency)).toUpperCase();
  const curErr = currencyError(org, currency);
  if (curErr) errors.push(curErr);
  const rawLines = input.LineItems !== undefined ? dicts(input.LineItems) : null;
  const built = rawLines ? buildLines(org, rawLines, existing?.Lines ?? [], type, lat, draft, o.unitdp, errors) : null;
  const lines = built?.lines ?? existing?.Lines ?? [];
  if (lines.length === 0 && !draft) errors.push(MSG.noLines);
  if (date && !draft) {
    const lock = lockDateError(org, date);
    if (lock) errors.push(lock);
  }
  let number = str(input[numberField(o.kind)]) ?? existing?.Number;
  if (number && type === 'ACCREC' && o.kind === 'invoice' && numberTaken(org, number, existing)) errors.push(MSG.invoiceNumberTaken);
  if (errors.length) return { ok: false, errors: [...new Set(errors)] };
  if (!number && (type === 'ACCREC' || type === 'ACCRECCREDIT')) number = nextNumber(org, o.kind);
  const totals = built ? documentTotals(built.money, lat) : null;
  const contact = contactRes?.ok ? contactRes.contact : null;
  const doc: DocRec = {
    kind: o.kind,
    ID: existing?.ID ?? newId(),
    Type: type,
    ...(number !== undefined ? { Number: number } : {}),
    ...((str(input.Reference) ?? existing?.Reference) !== undefined ? { Reference: str(input.Reference) ?? existing?.Reference } : {}),
    ContactID: contact?.ContactID ?? existing?.ContactID ?? '',
    Date: date ?? '',
    ...(dueDate ? { DueDate: dueDate } : {}),
    Status: status,
    LineAmountTypes: lat,
    Lines: lines,
    SubTotal: totals?.subTotal.toFixed(2) ?? existing?.SubTotal ?? '0.00',
    TotalTax: totals?.totalTax.toFixed(2) ?? existing?.TotalTax ?? '0.00',
    Total: totals?.total.toFixed(2) ?? existing?.Total ?? '0.00',
    TotalDiscount: totals?.totalDiscount.toFixed(2) ?? existing?.TotalDiscount ?? '0.00',
    CurrencyCode: currency,
    CurrencyRate: str(input.CurrencyRate) ?? existing?.CurrencyRate ?? '1',
    AmountPaid: existing?.AmountPaid ?? '0.00',
    AmountCredited: existing?.AmountCredited ?? '0.00',
    Payments: existing?.Payments ?? [],
    SentToContact: input.SentToContact === true || (existing?.SentToContact ?? false),
    ...((str(input.Url) ?? existing?.Url) ? { Url: str(input.Url) ?? existing?.Url } : {}),
    ...((str(input.BrandingThemeID) ?? existing?.BrandingThemeID) ? { BrandingThemeID: str(input.BrandingThemeID) ?? existing?.BrandingThemeID } : {}),
    UpdatedDateUTC: o.now,
    createdBy: existing?.createdBy ?? o.appId,
  };
  return { ok: true, doc, newContact: contactRes?.ok && contactRes.created ? contactRes.contact : null };
}
