/**
 * Reconciliation's words and rules (docs/reconciliation.md), pure:
 *  - a difference is something Xero now holds that is not what xport exported: the document voided,
 *    deleted or gone, another total, date or contact, or not approved as Settings say it is created;
 *  - each difference has a cause (what most likely happened in Xero) and the actions that resolve it;
 *  - a payment is not a difference: it is reported as `document.paid` when Xero's amount paid moves.
 */
import Decimal from 'decimal.js';
import type { StoredXeroState } from '../../db/repositories/reconciliation';
import { xeroDateToIso } from '../reference';

export type DifferenceCode = 'voided_in_xero' | 'deleted_in_xero' | 'missing_in_xero' | 'total_differs' | 'date_differs' | 'contact_differs' | 'still_draft';

/** What a person may do about a difference. */
export type ActionCode = 're_export' | 'accept_xero' | 'void_and_replace' | 'approve_in_xero';

export const ACTIONS: Readonly<Record<ActionCode, string>> = {
  re_export: 'Re-export it as a new document',
  accept_xero: "Accept Xero's version (change the source system to match)",
  void_and_replace: 'Void it in Xero and export a replacement',
  approve_in_xero: 'Approve it in Xero',
};

export const DIFFERENCES: Readonly<Record<DifferenceCode, { title: string; cause: string; actions: readonly ActionCode[] }>> = {
  voided_in_xero: { title: 'Voided in Xero', cause: 'Someone voided the document in Xero after xport exported it.', actions: ['re_export', 'accept_xero'] },
  deleted_in_xero: { title: 'Deleted in Xero', cause: 'Someone deleted the draft in Xero after xport exported it.', actions: ['re_export', 'accept_xero'] },
  missing_in_xero: {
    title: 'Not found in Xero',
    cause: "A full read of Xero's list did not return the document: it was removed, or the organisation was restored from a backup.",
    actions: ['re_export'],
  },
  total_differs: { title: 'Total differs', cause: 'Lines, quantities, prices or tax were edited in Xero.', actions: ['accept_xero', 'void_and_replace'] },
  date_differs: { title: 'Date differs', cause: "The document's date was changed in Xero.", actions: ['accept_xero', 'void_and_replace'] },
  contact_differs: { title: 'Contact differs', cause: 'The document was moved to another contact in Xero.', actions: ['void_and_replace', 'accept_xero'] },
  still_draft: {
    title: 'Not approved in Xero',
    cause: 'Settings say this kind is created approved, but Xero holds it as a draft or awaiting approval.',
    actions: ['approve_in_xero', 'void_and_replace'],
  },
};

/** What Xero holds of a document, as read from its list (what is stored of it, less xport's own marks). */
export type XeroState = Omit<StoredXeroState, 'exportId' | 'issues' | 'accepted' | 'issuesSince' | 'checkedAt'>;

/** What xport exported: the date and total Xero confirmed at export, the contact it was sent to, the status Settings ask for. */
export interface ExportedState {
  date: string | null;
  total: string | null;
  contactId: string | null;
  /** Settings → Options: the Xero status this kind is created in. */
  configuredStatus: string | null;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
const amount = (v: unknown): string | null => (typeof v === 'number' || (typeof v === 'string' && v !== '') ? new Decimal(v).toFixed(2) : null);

/** Xero's record of an invoice, credit note or manual journal, as reconciliation compares it. */
export function xeroStateOf(record: Record<string, unknown>, idField: string): XeroState {
  const contact = record.Contact as { ContactID?: unknown } | undefined;
  const status = text(record.Status)?.toUpperCase() ?? null;
  const total = amount(record.Total);
  // A credit note has no AmountPaid: what was refunded or allocated is its total less RemainingCredit
  // (a voided one has no credit left and was not paid).
  const remaining = idField === 'CreditNoteID' ? amount(record.RemainingCredit) : null;
  const creditUsed = remaining !== null && total !== null && status !== 'VOIDED' && status !== 'DELETED' ? new Decimal(total).minus(remaining).toFixed(2) : null;
  return {
    xeroId: String(record[idField] ?? '').toLowerCase(),
    status,
    date: xeroDateToIso(record.Date) ?? null,
    total,
    contactId: text(contact?.ContactID)?.toLowerCase() ?? null,
    amountPaid: amount(record.AmountPaid) ?? creditUsed,
    amountDue: remaining ?? amount(record.AmountDue),
    fullyPaidOn: xeroDateToIso(record.FullyPaidOnDate) ?? null,
    updatedAt: xeroDateTimeToIso(record.UpdatedDateUTC),
  };
}

function xeroDateTimeToIso(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const ms = /\/Date\((-?\d+)/.exec(v);
  if (ms?.[1]) return new Date(Number(ms[1])).toISOString();
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** The Xero statuses that satisfy each configured one (a paid invoice was approved). */
const SATISFIES: Readonly<Record<string, readonly string[]>> = {
  AUTHORISED: ['AUTHORISED', 'PAID'],
  SUBMITTED: ['SUBMITTED', 'AUTHORISED', 'PAID'],
  POSTED: ['POSTED'],
};

/** Every difference between what xport exported and what Xero holds (none for an untouched document). */
export function differencesOf(exported: ExportedState, xero: XeroState | 'missing'): DifferenceCode[] {
  if (xero === 'missing') return ['missing_in_xero'];
  if (xero.status === 'VOIDED') return ['voided_in_xero'];
  if (xero.status === 'DELETED') return ['deleted_in_xero'];
  const out: DifferenceCode[] = [];
  if (exported.total !== null && xero.total !== null && !new Decimal(exported.total).eq(xero.total)) out.push('total_differs');
  if (exported.date !== null && xero.date !== null && exported.date !== xero.date) out.push('date_differs');
  if (exported.contactId !== null && xero.contactId !== null && exported.contactId.toLowerCase() !== xero.contactId) out.push('contact_differs');
  const wanted = exported.configuredStatus ? SATISFIES[exported.configuredStatus] : undefined;
  if (wanted && xero.status !== null && !wanted.includes(xero.status)) out.push('still_draft');
  return out;
}

/** Whether Xero's payments on a document moved since it was last read (a first payment, another one, paid in full). */
export function paymentMoved(before: Pick<XeroState, 'amountPaid' | 'fullyPaidOn'> | null, now: XeroState): boolean {
  const paid = new Decimal(now.amountPaid ?? 0);
  const was = new Decimal(before?.amountPaid ?? 0);
  return paid.gt(0) && (!paid.eq(was) || (now.fullyPaidOn !== null && now.fullyPaidOn !== (before?.fullyPaidOn ?? null)));
}
