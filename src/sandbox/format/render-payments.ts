/**
 * Payments as Xero renders them. The paid document is rendered under `Invoice` for credit notes too
 * (with the credit note's Type, id and number), as the OpenAPI file's examples of GET and DELETE show.
 */
import { num } from '../money/decimal';
import type { Dict, DocRec, OrgState, PaymentRec } from '../state/types';
import { msDate, dayToMs } from './dates';
import { renderInvoice } from './render';

const PAYMENT_TYPES: Record<string, string> = { ACCREC: 'ACCRECPAYMENT', ACCPAY: 'ACCPAYPAYMENT', ACCRECCREDIT: 'ARCREDITPAYMENT', ACCPAYCREDIT: 'APCREDITPAYMENT' };

export function paymentType(doc: Pick<DocRec, 'Type'>): string {
  return PAYMENT_TYPES[doc.Type] ?? 'ACCRECPAYMENT';
}

function paidDocument(org: OrgState, doc: DocRec): Dict {
  const { Payments: _payments, ...rendered } = renderInvoice(org, doc, 2, true);
  return { ...rendered, Payments: [] };
}

export function renderPayment(org: OrgState, p: PaymentRec): Dict {
  const doc = (p.docKind === 'invoice' ? org.invoices : org.creditNotes).get(p.docId);
  const account = org.accounts.find((a) => a.AccountID === p.AccountID);
  return {
    PaymentID: p.PaymentID,
    Date: msDate(dayToMs(p.Date)),
    BankAmount: num(p.Amount),
    Amount: num(p.Amount),
    ...(p.Reference ? { Reference: p.Reference } : {}),
    CurrencyRate: num(p.CurrencyRate),
    PaymentType: doc ? paymentType(doc) : 'ACCRECPAYMENT',
    Status: p.Status,
    UpdatedDateUTC: msDate(p.UpdatedDateUTC),
    UpdatedDateUTCString: new Date(p.UpdatedDateUTC).toISOString().slice(0, 19) + 'Z',
    HasAccount: true,
    IsReconciled: p.IsReconciled,
    Account: { AccountID: p.AccountID, Code: p.AccountCode, ...(account ? { Name: account.Name } : {}) },
    ...(doc ? { Invoice: paidDocument(org, doc) } : {}),
    HasValidationErrors: false,
  };
}
