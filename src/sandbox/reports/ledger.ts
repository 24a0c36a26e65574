/**
 * The general ledger behind the reports: every posted document up to a date, as debits (positive)
 * and credits (negative) per account, in the base currency. Posted means AUTHORISED or PAID invoices,
 * bills and credit notes, POSTED manual journals and AUTHORISED payments. Each document's postings
 * balance on their own (the control account takes what the lines leave), so the ledger always does.
 */
import { Dec, ZERO, round2 } from '../money/decimal';
import type { DocRec, JournalRec, OrgState, PaymentRec } from '../state/types';

export type Balances = Map<string, Dec>;

function post(b: Balances, accountId: string | undefined, amount: Dec): void {
  if (!accountId || amount.isZero()) return;
  b.set(accountId, (b.get(accountId) ?? ZERO).add(amount));
}

function systemAccount(org: OrgState, system: string): string | undefined {
  return org.accounts.find((a) => a.SystemAccount === system)?.AccountID;
}

/** Foreign amounts to base currency: Xero's CurrencyRate is units of the foreign currency per unit of the base. */
function toBase(amount: string, rate: string): Dec {
  const r = new Dec(rate || '1');
  return round2(r.isZero() ? new Dec(amount) : new Dec(amount).div(r));
}

/** +1 when the document debits its control account (sales invoices, supplier credits), −1 otherwise. */
function docSign(d: DocRec): 1 | -1 {
  return d.Type === 'ACCREC' || d.Type === 'ACCPAYCREDIT' ? 1 : -1;
}

function postDocument(org: OrgState, b: Balances, d: DocRec): void {
  const sign = docSign(d);
  const control = systemAccount(org, d.Type.startsWith('ACCREC') ? 'DEBTORS' : 'CREDITORS');
  const tax = systemAccount(org, 'GST');
  let net = ZERO;
  let taxTotal = ZERO;
  for (const l of d.Lines) {
    const lineNet = toBase(d.LineAmountTypes === 'Inclusive' ? new Dec(l.LineAmount).sub(l.TaxAmount).toFixed(2) : l.LineAmount, d.CurrencyRate);
    post(b, l.AccountID, lineNet.mul(-sign));
    net = net.add(lineNet);
    const lineTax = toBase(d.LineAmountTypes === 'NoTax' ? '0' : l.TaxAmount, d.CurrencyRate);
    taxTotal = taxTotal.add(lineTax);
  }
  post(b, tax, taxTotal.mul(-sign));
  post(b, control, net.add(taxTotal).mul(sign));
}

function postPayment(org: OrgState, b: Balances, p: PaymentRec, d: DocRec): void {
  const sign = docSign(d);
  const control = systemAccount(org, d.Type.startsWith('ACCREC') ? 'DEBTORS' : 'CREDITORS');
  const amount = toBase(p.Amount, p.CurrencyRate);
  post(b, p.AccountID, amount.mul(sign));
  post(b, control, amount.mul(-sign));
}

function postJournal(org: OrgState, b: Balances, j: JournalRec): void {
  const tax = systemAccount(org, 'GST');
  for (const l of j.Lines) {
    const amount = new Dec(l.LineAmount);
    const lineTax = j.LineAmountTypes === 'NoTax' ? ZERO : new Dec(l.TaxAmount);
    post(b, l.AccountID, j.LineAmountTypes === 'Inclusive' ? amount.sub(lineTax) : amount);
    post(b, tax, lineTax);
  }
}

const POSTED_DOC = new Set(['AUTHORISED', 'PAID']);

/** Balances of every account as at the end of `day` (YYYY-MM-DD). */
export function balancesAt(org: OrgState, day: string): Balances {
  const b: Balances = new Map();
  for (const d of [...org.invoices.values(), ...org.creditNotes.values()]) {
    if (POSTED_DOC.has(d.Status) && d.Date <= day) postDocument(org, b, d);
  }
  for (const p of org.payments.values()) {
    const d = (p.docKind === 'invoice' ? org.invoices : org.creditNotes).get(p.docId);
    if (p.Status === 'AUTHORISED' && d && p.Date <= day) postPayment(org, b, p, d);
  }
  for (const j of org.journals.values()) if (j.Status === 'POSTED' && j.Date <= day) postJournal(org, b, j);
  return b;
}
