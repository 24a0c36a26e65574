/**
 * Controls that change records the way a Xero user would in Xero's own UI: archive a contact or an
 * account, void an invoice or credit note, add a payment (so that "paid" documents can be tested).
 */
import { z } from 'zod';
import { INVOICES, CREDIT_NOTES, findDoc } from '../api/documents';
import type { SandboxContext } from '../context';
import { msToDay, parseRequestDay } from '../format/dates';
import { amountDue, renderContact, renderCreditNote, renderInvoice, renderAccount } from '../format/render';
import { Dec, round2 } from '../money/decimal';
import { findContactById } from '../rules/contacts';
import { newId } from '../state/ids';
import type { Dict, DocRec, OrgState } from '../state/types';

export type ControlResult = { status: number; body: unknown };
const err = (status: number, error: string): ControlResult => ({ status, body: { error } });

export function archiveContact(ctx: SandboxContext, org: OrgState, id: string): ControlResult {
  const c = findContactById(org, id);
  if (!c) return err(404, 'no such contact');
  c.ContactStatus = 'ARCHIVED';
  c.UpdatedDateUTC = ctx.clock.now();
  ctx.webhooks.emit([{ category: 'CONTACT', type: 'UPDATE', resourceId: c.ContactID, resource: 'Contacts', tenantId: org.tenantId }]);
  return { status: 200, body: renderContact(c) };
}

export function archiveAccount(ctx: SandboxContext, org: OrgState, key: string): ControlResult {
  const a = org.accounts.find((x) => x.Code.toLowerCase() === key.toLowerCase() || x.AccountID === key.toLowerCase());
  if (!a) return err(404, 'no such account');
  a.Status = 'ARCHIVED';
  a.UpdatedDateUTC = ctx.clock.now();
  return { status: 200, body: renderAccount(a) };
}

function locateDoc(org: OrgState, key: string): { doc: DocRec; credit: boolean } | null {
  const inv = findDoc(INVOICES, org, key);
  if (inv) return { doc: inv, credit: false };
  const cn = findDoc(CREDIT_NOTES, org, key);
  return cn ? { doc: cn, credit: true } : null;
}

function render(org: OrgState, found: { doc: DocRec; credit: boolean }): Dict {
  return found.credit ? renderCreditNote(org, found.doc) : renderInvoice(org, found.doc);
}

function emitDoc(ctx: SandboxContext, org: OrgState, found: { doc: DocRec; credit: boolean }): void {
  ctx.webhooks.emit([{
    category: found.credit ? 'CREDITNOTE' : 'INVOICE', type: 'UPDATE', resourceId: found.doc.ID, resource: found.credit ? 'CreditNotes' : 'Invoices', tenantId: org.tenantId,
    ...(found.credit ? { data: { Type: found.doc.Type, Status: found.doc.Status } } : {}),
  }]);
}

/** Voids regardless of status, as an adviser could in Xero (payments are removed first there too). */
export function voidDocument(ctx: SandboxContext, org: OrgState, key: string): ControlResult {
  const found = locateDoc(org, key);
  if (!found) return err(404, 'no such invoice or credit note');
  found.doc.Status = 'VOIDED';
  found.doc.Payments = [];
  found.doc.AmountPaid = '0.00';
  found.doc.UpdatedDateUTC = ctx.clock.now();
  emitDoc(ctx, org, found);
  return { status: 200, body: render(org, found) };
}

export const paymentSchema = z.object({
  InvoiceID: z.string().optional(), CreditNoteID: z.string().optional(), InvoiceNumber: z.string().optional(),
  Amount: z.union([z.number(), z.string()]).optional(), Date: z.string().optional(), AccountCode: z.string().default('090'), Reference: z.string().optional(),
}).strict();

export function addPayment(ctx: SandboxContext, org: OrgState, input: z.infer<typeof paymentSchema>): ControlResult {
  const key = input.InvoiceID ?? input.CreditNoteID ?? input.InvoiceNumber ?? '';
  const found = locateDoc(org, key);
  if (!found) return err(404, 'no such invoice or credit note');
  const d = found.doc;
  if (d.Status !== 'AUTHORISED') return err(400, `Payments can only be made to AUTHORISED documents (this one is ${d.Status})`);
  const due = amountDue(d);
  const amount = input.Amount === undefined ? due : round2(new Dec(input.Amount));
  if (amount.lte(0) || amount.gt(due)) return err(400, `The payment amount must be more than 0 and at most the amount due (${due.toFixed(2)})`);
  const date = (input.Date && parseRequestDay(input.Date)) || msToDay(ctx.clock.now());
  d.Payments.push({ PaymentID: newId(), Date: date, Amount: amount.toFixed(2), AccountCode: input.AccountCode, ...(input.Reference ? { Reference: input.Reference } : {}), UpdatedDateUTC: ctx.clock.now() });
  d.AmountPaid = new Dec(d.AmountPaid).add(amount).toFixed(2);
  if (amountDue(d).lte(0)) { d.Status = 'PAID'; d.FullyPaidOnDate = date; }
  d.UpdatedDateUTC = ctx.clock.now();
  emitDoc(ctx, org, found);
  return { status: 200, body: render(org, found) };
}
