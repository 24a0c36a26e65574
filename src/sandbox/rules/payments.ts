/**
 * Payments against invoices, bills and credit notes: validation with Xero's messages where they are
 * known (docs/sandbox.md#payments), and the effect on the paid document (AmountPaid, AmountDue,
 * Status PAID with FullyPaidOnDate, its Payments list). Deleting a payment reverses all of it.
 */
import { amountDue } from '../format/render';
import { parseRequestDay, msToDay } from '../format/dates';
import { isDict, str } from '../http/input';
import { Dec, parseAmount, round2 } from '../money/decimal';
import { newId, isGuid } from '../state/ids';
import type { AccountRec, Dict, DocKind, DocRec, OrgState, PaymentRec } from '../state/types';
import { lockDateError } from './lock-dates';
import { MSG } from './messages';

export const PAYMENT_MSG = {
  /** Xero's, from the OpenAPI file's PUT /Payments example. */
  exceedsOutstanding: 'Payment amount exceeds the amount outstanding on this document',
  /** Xero's, as quoted by several integrators' help pages. */
  notAuthorised: 'Payments can only be made against Authorised documents',
  accountMissing: 'You must specify an Account code or Account ID for the payment',
  // The sandbox's own wording (no Xero text is known):
  documentMissing: 'An Invoice or CreditNote must be specified for the payment.',
  documentNotFound: 'The invoice or credit note for this payment could not be found.',
  amountNotPositive: 'The payment amount must be greater than zero.',
  alreadyDeleted: 'This payment has already been deleted.',
  createStatus: 'A payment can only be created as AUTHORISED.',
  updateStatus: 'A payment can only be changed to DELETED.',
} as const;

export interface PaidDoc {
  doc: DocRec;
  kind: DocKind;
}

function byKey(map: Map<string, DocRec>, id: string | undefined, number: string | undefined): DocRec | undefined {
  if (id) return isGuid(id) ? map.get(id.toLowerCase()) : undefined;
  if (!number) return undefined;
  const n = number.toLowerCase();
  return [...map.values()].find((d) => d.Number?.toLowerCase() === n && d.Status !== 'DELETED');
}

/**
 * The document a payment names: `Invoice` {InvoiceID|InvoiceNumber}, `CreditNote` {CreditNoteID|CreditNoteNumber},
 * or a top-level InvoiceNumber / CreditNoteNumber. An id under `Invoice` may also name a credit note, since
 * Xero's own examples show credit note payments with the credit note under `Invoice`.
 */
export function paidDocument(org: OrgState, input: Dict): PaidDoc | 'missing' | 'unspecified' {
  const inv = isDict(input.Invoice) ? input.Invoice : {};
  const cn = isDict(input.CreditNote) ? input.CreditNote : {};
  const invId = str(inv.InvoiceID);
  const invNo = str(inv.InvoiceNumber) ?? str(input.InvoiceNumber);
  const cnId = str(cn.CreditNoteID);
  const cnNo = str(cn.CreditNoteNumber) ?? str(input.CreditNoteNumber);
  if (!invId && !invNo && !cnId && !cnNo) return 'unspecified';
  const invoice = byKey(org.invoices, invId, invId ? undefined : invNo);
  if (invoice) return { doc: invoice, kind: 'invoice' };
  const credit = byKey(org.creditNotes, cnId ?? invId, (cnId ?? invId) ? undefined : (cnNo ?? invNo));
  return credit ? { doc: credit, kind: 'creditnote' } : 'missing';
}

function paymentAccount(org: OrgState, input: Dict, errors: string[]): AccountRec | null {
  const acc = isDict(input.Account) ? input.Account : {};
  const id = str(acc.AccountID);
  const code = str(acc.Code) ?? str(input.Code);
  if (!id && !code) {
    errors.push(PAYMENT_MSG.accountMissing);
    return null;
  }
  const a = org.accounts.find((x) => (id ? x.AccountID === id.toLowerCase() : x.Code.toLowerCase() === (code ?? '').toLowerCase()));
  if (!a || a.Status !== 'ACTIVE' || (a.Type !== 'BANK' && !a.EnablePaymentsToAccount)) {
    errors.push(MSG.accountInvalid);
    return null;
  }
  return a;
}

function amountOf(input: Dict, due: Dec, errors: string[]): Dec | null {
  const raw = parseAmount(input.Amount);
  if (raw === 'invalid') {
    errors.push(MSG.numberInvalid('Amount', String(input.Amount)));
    return null;
  }
  if (raw === null) return due;
  const amount = round2(raw);
  if (amount.lte(0)) errors.push(PAYMENT_MSG.amountNotPositive);
  return amount;
}

export type PaymentBuild = { ok: true; payment: PaymentRec; paid: PaidDoc } | { ok: false; errors: string[] };

export function buildPayment(org: OrgState, input: Dict, now: number, appId: string): PaymentBuild {
  const status = str(input.Status)?.toUpperCase();
  if (status !== undefined && status !== 'AUTHORISED') return { ok: false, errors: [PAYMENT_MSG.createStatus] };
  const paid = paidDocument(org, input);
  if (paid === 'unspecified') return { ok: false, errors: [PAYMENT_MSG.documentMissing] };
  if (paid === 'missing') return { ok: false, errors: [PAYMENT_MSG.documentNotFound] };
  const errors: string[] = [];
  const d = paid.doc;
  if (d.Status !== 'AUTHORISED') errors.push(PAYMENT_MSG.notAuthorised);
  const account = paymentAccount(org, input, errors);
  // A draft owes its total; a paid or voided document owes nothing, so paying one also exceeds what is outstanding.
  const due = d.Status === 'DRAFT' || d.Status === 'SUBMITTED' ? new Dec(d.Total) : amountDue(d);
  const amount = amountOf(input, due, errors);
  if (amount && amount.gt(due)) errors.push(PAYMENT_MSG.exceedsOutstanding);
  const date = input.Date !== undefined ? parseRequestDay(input.Date) : msToDay(now);
  if (!date) errors.push(MSG.dateInvalid);
  else {
    const lock = lockDateError(org, date);
    if (lock) errors.push(lock);
  }
  if (errors.length || !account || !amount || !date) return { ok: false, errors: [...new Set(errors)] };
  const reference = str(input.Reference);
  const payment: PaymentRec = {
    PaymentID: newId(),
    Date: date,
    Amount: amount.toFixed(2),
    AccountCode: account.Code,
    AccountID: account.AccountID,
    ...(reference ? { Reference: reference } : {}),
    CurrencyRate: str(input.CurrencyRate) ?? d.CurrencyRate,
    IsReconciled: input.IsReconciled === true,
    Status: 'AUTHORISED',
    docKind: paid.kind,
    docId: d.ID,
    UpdatedDateUTC: now,
    createdBy: appId,
  };
  return { ok: true, payment, paid };
}

/** Records a built payment: the document's AmountPaid, Payments and, once nothing is due, PAID. */
export function applyPayment(org: OrgState, payment: PaymentRec, doc: DocRec, now: number): void {
  org.payments.set(payment.PaymentID, payment);
  doc.Payments.push(payment);
  doc.AmountPaid = new Dec(doc.AmountPaid).add(payment.Amount).toFixed(2);
  if (amountDue(doc).lte(0)) {
    doc.Status = 'PAID';
    doc.FullyPaidOnDate = payment.Date;
  }
  doc.UpdatedDateUTC = now;
}

export function paymentDoc(org: OrgState, p: PaymentRec): DocRec | undefined {
  return (p.docKind === 'invoice' ? org.invoices : org.creditNotes).get(p.docId);
}

/** Deletes a payment: it stays listed as DELETED, and the document is owed again (PAID → AUTHORISED). */
export function reversePayment(org: OrgState, p: PaymentRec, now: number): string | null {
  if (p.Status === 'DELETED') return PAYMENT_MSG.alreadyDeleted;
  const doc = paymentDoc(org, p);
  const lock = lockDateError(org, p.Date);
  if (lock) return lock;
  p.Status = 'DELETED';
  p.UpdatedDateUTC = now;
  if (!doc) return null;
  doc.Payments = doc.Payments.filter((x) => x.PaymentID !== p.PaymentID);
  doc.AmountPaid = new Dec(doc.AmountPaid).sub(p.Amount).toFixed(2);
  if (doc.Status === 'PAID') doc.Status = 'AUTHORISED';
  delete doc.FullyPaidOnDate;
  doc.UpdatedDateUTC = now;
  return null;
}
