/**
 * Turns a claimed export into what to do with it: send this Xero payload, wait (for a contact or a
 * lock date), or fail now with a catalog entry — pre-validation spends no API call.
 */
import type { ContactLinksRepository } from '../db/repositories/contact-links';
import type { ExportsRepository } from '../db/repositories/exports';
import type { Export } from '../domain/export';
import { prevalidationFailure, type Classified } from '../domain/catalog';
import { documentReference, requiredContact, type SourceDocument } from '../domain/documents';
import { prevalidate } from '../domain/prevalidate';
import type { MovedDate } from '../domain/lock-dates';
import { mapped, type OrgSettings } from '../domain/settings';
import type { ReferenceData } from '../domain/types';
import { buildPayload } from '../domain/registry';

export type Prepared =
  | {
      kind: 'send';
      row: Export;
      doc: SourceDocument;
      reference: string;
      payload: Record<string, unknown>;
      dropped: Array<{ line: number; reason: string }>;
      /** The date sent to Xero (null for contacts), and how the lock-date policy moved it, if it did. */
      date: string | null;
      moved: MovedDate | null;
    }
  | { kind: 'wait'; row: Export; reference: string; reason: string; waitingFor: string }
  | { kind: 'fail'; row: Export; reference: string; failure: Classified };

export interface PrepareContext {
  tenantId: string;
  settings: OrgSettings;
  reference: ReferenceData;
  today: string;
  contacts: ContactLinksRepository;
  /** Only the latest export of a contact is read (to say why a document waits for it). */
  exports: Pick<ExportsRepository, 'latestForSource'>;
}

/** Key of the thing a waiting export waits for; lock-date holds are released on every reference refresh. */
export const LOCK_DATE_WAIT = 'lock-date';
export const contactWaitKey = (kind: string, sourceId: string): string => `${kind}:${sourceId}`;

export async function prepareExport(row: Export, doc: SourceDocument, ctx: PrepareContext): Promise<Prepared> {
  const reference = documentReference(doc);
  const contact = await resolveContact(doc, ctx);
  if (contact.kind === 'wait') return { kind: 'wait', row, reference, reason: contact.reason, waitingFor: contact.waitingFor };
  if (contact.kind === 'fail') return { kind: 'fail', row, reference, failure: contact.failure };

  const checked = prevalidate(doc, { settings: ctx.settings, reference: ctx.reference, today: ctx.today });
  if (checked.ok === false) {
    const failure = checked.failures[0];
    if (failure) return { kind: 'fail', row, reference, failure: mergeFailures(checked.failures) };
  } else if (checked.ok === 'hold') {
    return { kind: 'wait', row, reference, reason: checked.reason, waitingFor: LOCK_DATE_WAIT };
  }
  const date = checked.ok === true ? checked.date : null;
  const dropped = checked.ok === true ? checked.dropped : [];
  const payloadCtx = {
    settings: ctx.settings,
    reference: ctx.reference,
    contactXeroId: contact.xeroContactId ?? undefined,
    existingXeroId: row.xeroId ?? undefined,
    date: date ?? undefined,
    dropped,
  };
  const payload = buildPayload(doc, payloadCtx);
  const moved = checked.ok === true ? (checked.moved ?? null) : null;
  return { kind: 'send', row, doc, reference, payload, dropped, date: doc.kind === 'customer' || doc.kind === 'supplier' ? null : date, moved };
}

/** Several pre-validation failures on one document become one row with every reason. */
function mergeFailures(failures: Classified[]): Classified {
  const first = failures[0] as Classified;
  if (failures.length === 1) return first;
  return { ...first, message: failures.map((f) => f.message).join('; '), action: [...new Set(failures.map((f) => f.action))].join(' ') };
}

type ContactResolution = { kind: 'ok'; xeroContactId: string | null } | { kind: 'wait'; reason: string; waitingFor: string } | { kind: 'fail'; failure: Classified };

async function resolveContact(doc: SourceDocument, ctx: PrepareContext): Promise<ContactResolution> {
  const need = requiredContact(doc);
  if (!need) return { kind: 'ok', xeroContactId: null };
  const userLink = mapped(ctx.settings.contactLinks[need.kind], need.sourceId);
  if (userLink) return { kind: 'ok', xeroContactId: userLink };
  const link = await ctx.contacts.get(ctx.tenantId, need.kind, need.sourceId);
  if (link && link.archived) {
    return { kind: 'fail', failure: prevalidationFailure('contact_archived', { contact: need.sourceId }) };
  }
  if (link) return { kind: 'ok', xeroContactId: link.xeroContactId };
  const waitingFor = contactWaitKey(need.kind, need.sourceId);
  const contactExport = await ctx.exports.latestForSource(ctx.tenantId, need.kind, need.sourceId);
  if (!contactExport) return { kind: 'wait', waitingFor, reason: `waiting for ${need.sourceId} (this ${need.kind} has not been received yet)` };
  if (contactExport.status === 'failed') {
    return { kind: 'wait', waitingFor, reason: `waiting for ${need.sourceId}, whose export failed: ${contactExport.lastError ?? 'see Failed Exports'}` };
  }
  return { kind: 'wait', waitingFor, reason: `waiting for ${need.sourceId}` };
}
