/**
 * Controls that change an invoice, bill or credit note the way a Xero user would in Xero itself: void,
 * delete (drafts), edit (a line's amount, the date, the contact), approve and pay. Each goes through
 * the same rules as the API (rules/documents.ts, rules/payments.ts), bumps UpdatedDateUTC and raises
 * the same webhook event as the API would for that change.
 */
import { z } from 'zod';
import { INVOICES, CREDIT_NOTES, findDoc } from '../api/documents';
import type { SandboxContext } from '../context';
import { renderCreditNote, renderInvoice } from '../format/render';
import { buildDocument, indexInvoiceNumber } from '../rules/documents';
import { applyPayment, buildPayment, reversePayment } from '../rules/payments';
import type { Dict, DocRec, LineRec, OrgState } from '../state/types';
import { documentEvent } from '../webhooks/events';
import type { WebhookEventInput } from '../webhooks/hub';
import { err, type ControlResult } from './records';

function locateDoc(org: OrgState, key: string): DocRec | undefined {
  return findDoc(INVOICES, org, key) ?? findDoc(CREDIT_NOTES, org, key);
}

const render = (org: OrgState, d: DocRec): Dict => (d.kind === 'creditnote' ? renderCreditNote(org, d) : renderInvoice(org, d));
const refused = (errors: string[]): ControlResult => ({ status: 400, body: { error: errors.join(' '), ValidationErrors: errors.map((Message) => ({ Message })) } });

function done(ctx: SandboxContext, org: OrgState, d: DocRec, extra: WebhookEventInput[] = []): ControlResult {
  ctx.webhooks.emit([...extra, documentEvent(d, org.tenantId)]);
  return { status: 200, body: render(org, d) };
}

/** Runs a change through the API's document rules, as if the user's edit had been sent as `input`. */
function change(ctx: SandboxContext, org: OrgState, key: string, input: (d: DocRec) => Dict): ControlResult {
  const existing = locateDoc(org, key);
  if (!existing) return err(404, 'no such invoice or credit note');
  const built = buildDocument(org, input(existing), existing, { kind: existing.kind, unitdp: 4, appId: existing.createdBy, now: ctx.clock.now() });
  if (!built.ok) return refused(built.errors);
  const events: WebhookEventInput[] = [];
  if (built.newContact) {
    org.contacts.set(built.newContact.ContactID, built.newContact);
    events.push({ category: 'CONTACT', type: 'CREATE', resourceId: built.newContact.ContactID, resource: 'Contacts', tenantId: org.tenantId });
  }
  if (existing.kind === 'invoice') indexInvoiceNumber(org, existing, built.doc);
  (existing.kind === 'invoice' ? org.invoices : org.creditNotes).set(built.doc.ID, built.doc);
  return done(ctx, org, built.doc, events);
}

/**
 * Voids whatever the status, as an adviser can in Xero: its payments are removed first (listed as
 * DELETED), which the API refuses ("This document cannot be edited as it has a payment…").
 */
export function voidDocument(ctx: SandboxContext, org: OrgState, key: string): ControlResult {
  const d = locateDoc(org, key);
  if (!d) return err(404, 'no such invoice or credit note');
  const now = ctx.clock.now();
  for (const p of [...d.Payments]) {
    const problem = reversePayment(org, p, now);
    if (problem) return refused([problem]);
  }
  d.Status = 'VOIDED';
  d.UpdatedDateUTC = now;
  return done(ctx, org, d);
}

export const deleteDocument = (ctx: SandboxContext, org: OrgState, key: string) => change(ctx, org, key, () => ({ Status: 'DELETED' }));

export function approveDocument(ctx: SandboxContext, org: OrgState, key: string): ControlResult {
  const d = locateDoc(org, key);
  if (d && d.Status !== 'DRAFT' && d.Status !== 'SUBMITTED') return refused([d.kind === 'invoice' ? 'Invoice not of valid status for modification' : 'Document not of valid status for modification']);
  return change(ctx, org, key, () => ({ Status: 'AUTHORISED' }));
}

const lineEdit = z
  .object({
    LineItemID: z.string().optional(),
    index: z.number().int().min(0).optional(),
    LineAmount: z.union([z.number(), z.string()]).optional(),
    UnitAmount: z.union([z.number(), z.string()]).optional(),
    Quantity: z.union([z.number(), z.string()]).optional(),
    Description: z.string().optional(),
    AccountCode: z.string().optional(),
  })
  .strict();

export const editSchema = z
  .object({
    Date: z.string().optional(),
    DueDate: z.string().optional(),
    Reference: z.string().optional(),
    Contact: z.object({ ContactID: z.string().optional(), Name: z.string().optional() }).strict().optional(),
    Lines: z.array(lineEdit).optional(),
  })
  .strict();

/** A stored line as the API would receive it, so that an edit keeps what it does not change. */
function lineInput(l: LineRec): Dict {
  return {
    LineItemID: l.LineItemID,
    ...(l.Description !== undefined ? { Description: l.Description } : {}),
    Quantity: l.Quantity,
    UnitAmount: l.UnitAmount,
    ...(l.ItemCode ? { ItemCode: l.ItemCode } : {}),
    ...(l.AccountCode ? { AccountCode: l.AccountCode } : {}),
    ...(l.TaxType ? { TaxType: l.TaxType } : {}),
    ...(l.DiscountRate ? { DiscountRate: l.DiscountRate } : {}),
    ...(l.DiscountAmount ? { DiscountAmount: l.DiscountAmount } : {}),
    Tracking: l.Tracking.map((t) => ({ Name: t.Name, Option: t.Option })),
  };
}

function editedLines(d: DocRec, edits: z.infer<typeof lineEdit>[]): Dict[] {
  const lines = d.Lines.map(lineInput);
  for (const e of edits) {
    const i = e.LineItemID ? d.Lines.findIndex((l) => l.LineItemID === e.LineItemID?.toLowerCase()) : (e.index ?? 0);
    const line = lines[i];
    if (!line) continue;
    const { LineItemID: _id, index: _index, ...fields } = e;
    Object.assign(line, fields);
    // A new amount with no new unit price: Xero works the price out from the amount and the quantity.
    if (e.LineAmount !== undefined && e.UnitAmount === undefined) delete line.UnitAmount;
  }
  return lines;
}

export function editDocument(ctx: SandboxContext, org: OrgState, key: string, edit: z.infer<typeof editSchema>): ControlResult {
  const { Lines, ...fields } = edit;
  return change(ctx, org, key, (d) => ({ ...fields, ...(Lines ? { LineItems: editedLines(d, Lines) } : {}) }));
}

export const paymentSchema = z
  .object({
    InvoiceID: z.string().optional(),
    CreditNoteID: z.string().optional(),
    InvoiceNumber: z.string().optional(),
    CreditNoteNumber: z.string().optional(),
    Amount: z.union([z.number(), z.string()]).optional(),
    Date: z.string().optional(),
    AccountCode: z.string().default('090'),
    Reference: z.string().optional(),
  })
  .strict();

/** Pays a document (default: the amount due) with the API's rules; the payment is listed by GET /Payments. */
export function payDocument(ctx: SandboxContext, org: OrgState, input: z.infer<typeof paymentSchema>, key?: string): ControlResult {
  const d = locateDoc(org, key ?? input.InvoiceID ?? input.CreditNoteID ?? input.InvoiceNumber ?? input.CreditNoteNumber ?? '');
  if (!d) return err(404, 'no such invoice or credit note');
  const now = ctx.clock.now();
  const built = buildPayment(
    org,
    {
      [d.kind === 'invoice' ? 'Invoice' : 'CreditNote']: { [d.kind === 'invoice' ? 'InvoiceID' : 'CreditNoteID']: d.ID },
      Account: { Code: input.AccountCode },
      ...(input.Amount !== undefined ? { Amount: input.Amount } : {}),
      ...(input.Date ? { Date: input.Date } : {}),
      ...(input.Reference ? { Reference: input.Reference } : {}),
    },
    now,
    'xero-user',
  );
  if (!built.ok) return refused(built.errors);
  applyPayment(org, built.payment, d, now);
  return done(ctx, org, d);
}
