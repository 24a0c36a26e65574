/** /Contacts: list (archived only with includeArchived=true), get, create (PUT), create or update (POST), archive. */
import { renderContact } from '../format/render';
import { elementsOf, str } from '../http/input';
import { notFound, validationMessage, ok, envelope, type ApiReply } from '../http/replies';
import { contactErrors, findContactById, findContactByNumber, type ContactFields } from '../rules/contacts';
import { MSG } from '../rules/messages';
import { newId } from '../state/ids';
import type { ContactRec, Dict, OrgState } from '../state/types';
import { runBatch, type ElementOutcome } from './batch';
import { listReply } from './list';
import type { ApiRequest, ApiRoute } from './types';

const OWN_FIELDS = [
  'ContactID',
  'Name',
  'ContactStatus',
  'ContactNumber',
  'AccountNumber',
  'EmailAddress',
  'TaxNumber',
  'IsCustomer',
  'IsSupplier',
  'UpdatedDateUTC',
  'HasValidationErrors',
  'ValidationErrors',
  'StatusAttributeString',
  'HasAttachments',
];

function fieldsOf(input: Dict): ContactFields {
  const f: ContactFields = {};
  for (const k of ['Name', 'EmailAddress', 'TaxNumber', 'AccountNumber', 'ContactNumber', 'ContactStatus'] as const) {
    const v = str(input[k]);
    if (v !== undefined) f[k] = k === 'Name' ? v.trim() : v;
  }
  if (f.ContactStatus) f.ContactStatus = f.ContactStatus.toUpperCase();
  return f;
}

/** Read-only on Contacts in Xero's API (beside UpdatedDateUTC, which the sandbox sets): ignored on input, as Xero does. */
export const READ_ONLY_CONTACT_FIELDS = ['Website', 'Discount'];

function extraOf(input: Dict, base: Dict): Dict {
  const extra: Dict = { ...base };
  for (const [k, v] of Object.entries(input)) if (!OWN_FIELDS.includes(k) && !READ_ONLY_CONTACT_FIELDS.includes(k)) extra[k] = v;
  return extra;
}

function identify(org: OrgState, input: Dict): ContactRec | null | 'missing' {
  const id = str(input.ContactID);
  if (id) return findContactById(org, id) ?? 'missing';
  const n = str(input.ContactNumber);
  return (n && findContactByNumber(org, n)) || null;
}

export function upsertContact(req: ApiRequest, input: Dict): ElementOutcome {
  const { org } = req;
  const existing = identify(org, input);
  if (existing === 'missing') return { ok: false, errors: [MSG.contactNotFound(str(input.ContactID) ?? '')] };
  const f = fieldsOf(input);
  if (f.ContactStatus && f.ContactStatus !== 'ACTIVE' && f.ContactStatus !== 'ARCHIVED') delete f.ContactStatus;
  if (existing?.ContactStatus === 'ARCHIVED' && f.ContactStatus !== 'ACTIVE') return { ok: false, errors: [MSG.archivedContactEdit] };
  if (!existing && !f.Name) return { ok: false, errors: [MSG.contactNotIdentifiable] };
  const errors = contactErrors(org, { ...f, Name: f.Name ?? existing?.Name }, existing);
  if (errors.length) return { ok: false, errors };
  const now = req.ctx.clock.now();
  const rec: ContactRec = {
    ContactID: existing?.ContactID ?? newId(),
    Name: f.Name ?? existing?.Name ?? '',
    ContactStatus: (f.ContactStatus ?? existing?.ContactStatus ?? 'ACTIVE') as ContactRec['ContactStatus'],
    ...(existing ? pickDefined(existing) : {}),
    ...stripStatus(f),
    IsCustomer: existing?.IsCustomer ?? false,
    IsSupplier: existing?.IsSupplier ?? false,
    extra: extraOf(input, existing?.extra ?? {}),
    UpdatedDateUTC: now,
  };
  org.contacts.set(rec.ContactID, rec);
  req.events.push({ category: 'CONTACT', type: existing ? 'UPDATE' : 'CREATE', resourceId: rec.ContactID, resource: 'Contacts', tenantId: org.tenantId });
  return { ok: true, rendered: renderContact(rec) };
}

function pickDefined(c: ContactRec): Partial<ContactRec> {
  const { ContactNumber, AccountNumber, EmailAddress, TaxNumber } = c;
  return { ...(ContactNumber ? { ContactNumber } : {}), ...(AccountNumber ? { AccountNumber } : {}), ...(EmailAddress ? { EmailAddress } : {}), ...(TaxNumber ? { TaxNumber } : {}) };
}

function stripStatus(f: ContactFields): Omit<ContactFields, 'ContactStatus' | 'Name'> {
  const { ContactStatus: _s, Name: _n, ...rest } = f;
  return rest;
}

function write(req: ApiRequest): ApiReply {
  const elements = elementsOf(req.body, 'Contacts');
  if (!elements) return validationMessage('The request body could not be read as Contacts.');
  const byPath = req.params[0];
  const list = byPath ? elements.slice(0, 1).map((e) => ({ ...e, ContactID: byPath })) : elements;
  return runBatch(req, list, { collection: 'Contacts', errorFlag: 'HasValidationErrors', idField: 'ContactID' }, (el) => upsertContact(req, el));
}

function list(req: ApiRequest): ApiReply {
  return listReply(
    {
      collection: 'Contacts',
      records: req.org.contacts.values(),
      id: (c) => c.ContactID,
      status: (c) => c.ContactStatus,
      updated: (c) => c.UpdatedDateUTC,
      visible: (c, r) => c.ContactStatus === 'ACTIVE' || r.query.includearchived?.toLowerCase() === 'true' || r.query.ids !== undefined,
      render: (c) => renderContact(c),
      paged: true,
    },
    req,
  );
}

function getOne(req: ApiRequest): ApiReply {
  const key = req.params[0] ?? '';
  const c = findContactById(req.org, key) ?? findContactByNumber(req.org, key);
  return c ? ok(envelope(req.appId, req.ctx.clock.now(), { Contacts: [renderContact(c)] })) : notFound();
}

const W = ['accounting.contacts'];
const R = ['accounting.contacts', 'accounting.contacts.read'];

export const contactRoutes: ApiRoute[] = [
  { method: 'GET', resource: 'contacts', arity: 0, scopes: R, handler: list },
  { method: 'GET', resource: 'contacts', arity: 1, scopes: R, handler: getOne },
  { method: 'PUT', resource: 'contacts', arity: 0, scopes: W, handler: write },
  { method: 'POST', resource: 'contacts', arity: 0, scopes: W, handler: write },
  { method: 'POST', resource: 'contacts', arity: 1, scopes: W, handler: write },
];
