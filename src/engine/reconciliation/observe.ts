/**
 * One document read back from Xero: its new stored state, the differences found, and the events to
 * write with it — `document.changed_in_xero` once per NEW difference (one already reported is not
 * reported again while it lasts) and `document.paid` when Xero's payments on it moved.
 */
import type { ExportedDocument, StoredXeroState } from '../../db/repositories/reconciliation';
import type { OutboxEvent } from '../../db/repositories/outbox';
import { xeroUrl } from '../../domain/xero-links';
import { DIFFERENCES, differencesOf, paymentMoved, type DifferenceCode, type ExportedState, type XeroState } from './differences';

export interface Observation {
  state: StoredXeroState;
  newDifferences: DifferenceCode[];
  events: OutboxEvent[];
}

/** The differences a Xero webhook reports first, by the status it records on the export. */
const REPORTED_BY_WEBHOOK: Partial<Record<DifferenceCode, string>> = { voided_in_xero: 'VOIDED', deleted_in_xero: 'DELETED' };

/** The fields every event of a document carries. */
export function eventBase(doc: ExportedDocument, shortCode: string | null): Record<string, unknown> {
  return {
    exportId: doc.exportId,
    kind: doc.kind,
    sourceId: doc.sourceId,
    revision: doc.revision,
    reference: doc.reference,
    xeroId: doc.xeroId,
    xeroUrl: xeroUrl(doc.kind, doc.xeroId, shortCode),
  };
}

export function exportedStateOf(doc: ExportedDocument, configuredStatus: string | null): ExportedState {
  return { date: doc.date, total: doc.xeroTotal, contactId: doc.contactId, configuredStatus };
}

/** `xero` is the record Xero listed, or 'missing' when a complete read of the list did not hold it. */
export function observe(
  tenantId: string,
  doc: ExportedDocument,
  before: StoredXeroState | null,
  xero: XeroState | 'missing',
  o: { configuredStatus: string | null; shortCode: string | null; now: Date },
): Observation {
  const exported = exportedStateOf(doc, o.configuredStatus);
  const found = differencesOf(exported, xero);
  const reported = new Set(before?.issues ?? []);
  const newDifferences = found.filter((d) => !reported.has(d));
  const seen: XeroState =
    xero === 'missing'
      ? { xeroId: doc.xeroId, status: null, date: null, total: null, contactId: null, amountPaid: null, amountDue: null, fullyPaidOn: null, updatedAt: null, ...(before ? keep(before) : {}) }
      : xero;
  const state: StoredXeroState = {
    ...seen,
    exportId: doc.exportId,
    xeroId: doc.xeroId,
    issues: found,
    // An accepted difference stays accepted while Xero holds it; gone and back, it is new again.
    accepted: (before?.accepted ?? []).filter((d) => found.includes(d as DifferenceCode)),
    issuesSince: found.length === 0 ? null : (before?.issuesSince ?? o.now.toISOString()),
    checkedAt: o.now.toISOString(),
  };
  const base = eventBase(doc, o.shortCode);
  const docKey = `${doc.kind}:${doc.sourceId}`;
  const xeroSide = xero === 'missing' ? null : { status: xero.status, date: xero.date, total: xero.total, contactId: xero.contactId };
  // A void or deletion a Xero webhook already reported went out then, with its issue (write-back-events.ts).
  const unreported = newDifferences.filter((d) => REPORTED_BY_WEBHOOK[d] === undefined || REPORTED_BY_WEBHOOK[d] !== doc.reportedStatus);
  const events: OutboxEvent[] = unreported.map((issue) => ({
    tenantId,
    type: 'document.changed_in_xero',
    docKey,
    data: {
      ...base,
      issue,
      cause: DIFFERENCES[issue].cause,
      actions: DIFFERENCES[issue].actions,
      xport: { date: exported.date, total: exported.total, contactId: exported.contactId, status: exported.configuredStatus },
      xero: xeroSide,
    },
  }));
  if (xero !== 'missing' && paymentMoved(before, xero)) {
    events.push({ tenantId, type: 'document.paid', docKey, data: { ...base, amountPaid: xero.amountPaid, amountDue: xero.amountDue, fullyPaidOn: xero.fullyPaidOn, xeroStatus: xero.status } });
  }
  return { state, newDifferences, events };
}

function keep(s: StoredXeroState): Partial<XeroState> {
  return { status: s.status, date: s.date, total: s.total, contactId: s.contactId, amountPaid: s.amountPaid, amountDue: s.amountDue, fullyPaidOn: s.fullyPaidOn, updatedAt: s.updatedAt };
}
