/** /Invoices and /CreditNotes: list, get by id or number, create (PUT), create or update (POST). */
import { renderCreditNote, renderInvoice } from '../format/render';
import { elementsOf, str } from '../http/input';
import { envelope, notFound, ok, validationMessage, type ApiReply } from '../http/replies';
import { buildDocument, indexInvoiceNumber } from '../rules/documents';
import { isGuid } from '../state/ids';
import type { Dict, DocKind, DocRec, OrgState } from '../state/types';
import { documentEvent } from '../webhooks/events';
import { runBatch, type ElementOutcome } from './batch';
import { listReply } from './list';
import { unitdpOf, type ApiRequest, type ApiRoute } from './types';

interface DocSpec {
  kind: DocKind;
  collection: 'Invoices' | 'CreditNotes';
  resource: string;
  idField: 'InvoiceID' | 'CreditNoteID';
  numberField: 'InvoiceNumber' | 'CreditNoteNumber';
  numbersParam: string;
  map: (org: OrgState) => Map<string, DocRec>;
  render: (org: OrgState, d: DocRec, unitdp: 2 | 4, summary?: boolean) => Dict;
}

const INVOICES: DocSpec = {
  kind: 'invoice',
  collection: 'Invoices',
  resource: 'invoices',
  idField: 'InvoiceID',
  numberField: 'InvoiceNumber',
  numbersParam: 'InvoiceNumbers',
  map: (o) => o.invoices,
  render: renderInvoice,
};
const CREDIT_NOTES: DocSpec = {
  kind: 'creditnote',
  collection: 'CreditNotes',
  resource: 'creditnotes',
  idField: 'CreditNoteID',
  numberField: 'CreditNoteNumber',
  numbersParam: 'CreditNoteNumbers',
  map: (o) => o.creditNotes,
  render: renderCreditNote,
};

export function findDoc(spec: { map: (o: OrgState) => Map<string, DocRec> }, org: OrgState, key: string): DocRec | undefined {
  const map = spec.map(org);
  if (isGuid(key)) return map.get(key.toLowerCase());
  const number = key.toLowerCase();
  const named = (d: DocRec | undefined): d is DocRec => d !== undefined && d.Number?.toLowerCase() === number && d.Status !== 'DELETED';
  // Invoices by their number index (OrgState.invoiceNumbers), not a walk of every invoice: a walk made
  // each POST slower than the last as the organisation filled up. The first of several in the
  // collection's order, as the walk found it.
  if (map === org.invoices) {
    const live = [...(org.invoiceNumbers.get(number) ?? [])].map((id) => map.get(id)).filter(named);
    return live.length <= 1 ? live[0] : [...map.values()].find((d) => live.includes(d));
  }
  return [...map.values()].find(named);
}

/** PUT creates (an id names the document to update); POST also matches a sales invoice by its number. */
function locate(spec: DocSpec, req: ApiRequest, input: Dict): DocRec | null | 'missing' {
  const id = str(input[spec.idField]);
  if (id) return findDoc(spec, req.org, id) ?? 'missing';
  const number = str(input[spec.numberField]);
  if (req.method === 'POST' && number && spec.kind === 'invoice') {
    const d = findDoc(spec, req.org, number);
    if (d && d.Type === 'ACCREC') return d;
  }
  return null;
}

function saveOne(spec: DocSpec, req: ApiRequest, input: Dict): ElementOutcome {
  const existing = locate(spec, req, input);
  if (existing === 'missing') return { ok: false, errors: [`${spec.collection === 'Invoices' ? 'Invoice' : 'Credit note'} could not be found`] };
  const now = req.ctx.clock.now();
  const built = buildDocument(req.org, input, existing, { kind: spec.kind, unitdp: unitdpOf(req), appId: req.appId, now });
  if (!built.ok) return { ok: false, errors: built.errors };
  if (built.newContact) {
    req.org.contacts.set(built.newContact.ContactID, built.newContact);
    req.events.push({ category: 'CONTACT', type: 'CREATE', resourceId: built.newContact.ContactID, resource: 'Contacts', tenantId: req.org.tenantId });
  }
  if (spec.kind === 'invoice') indexInvoiceNumber(req.org, existing, built.doc);
  spec.map(req.org).set(built.doc.ID, built.doc);
  req.events.push(documentEvent(built.doc, req.org.tenantId, existing ? 'UPDATE' : 'CREATE'));
  return { ok: true, rendered: spec.render(req.org, built.doc, unitdpOf(req)) };
}

function write(spec: DocSpec) {
  return (req: ApiRequest): ApiReply => {
    const elements = elementsOf(req.body, spec.collection);
    if (!elements) return validationMessage(`The request body could not be read as ${spec.collection}.`);
    const byPath = req.params[0];
    const target = byPath ? findDoc(spec, req.org, byPath) : undefined;
    if (byPath && !target) return notFound();
    const list = target ? elements.slice(0, 1).map((e) => ({ ...e, [spec.idField]: target.ID })) : elements;
    return runBatch(req, list, { collection: spec.collection, errorFlag: 'HasErrors', idField: spec.idField }, (el) => saveOne(spec, req, el));
  };
}

function list(spec: DocSpec) {
  return (req: ApiRequest): ApiReply =>
    listReply(
      {
        collection: spec.collection,
        records: spec.map(req.org).values(),
        id: (d) => d.ID,
        number: { param: spec.numbersParam, get: (d) => d.Number },
        contactId: (d) => d.ContactID,
        status: (d) => d.Status,
        updated: (d) => d.UpdatedDateUTC,
        createdBy: (d) => d.createdBy,
        render: (d, summary) => spec.render(req.org, d, unitdpOf(req), summary),
        paged: true,
      },
      req,
    );
}

function getOne(spec: DocSpec) {
  return (req: ApiRequest): ApiReply => {
    const d = findDoc(spec, req.org, req.params[0] ?? '');
    return d ? ok(envelope(req.appId, req.ctx.clock.now(), { [spec.collection]: [spec.render(req.org, d, unitdpOf(req))] })) : notFound();
  };
}

function routes(spec: DocSpec, write_: string[], read: string[]): ApiRoute[] {
  return [
    { method: 'GET', resource: spec.resource, arity: 0, scopes: read, handler: list(spec) },
    { method: 'GET', resource: spec.resource, arity: 1, scopes: read, handler: getOne(spec) },
    { method: 'PUT', resource: spec.resource, arity: 0, scopes: write_, handler: write(spec) },
    { method: 'POST', resource: spec.resource, arity: 0, scopes: write_, handler: write(spec) },
    { method: 'POST', resource: spec.resource, arity: 1, scopes: write_, handler: write(spec) },
  ];
}

const W = ['accounting.transactions', 'accounting.invoices'];
const R = [...W, 'accounting.transactions.read', 'accounting.invoices.read'];

export const documentRoutes: ApiRoute[] = [...routes(INVOICES, W, R), ...routes(CREDIT_NOTES, W, R)];
export { INVOICES, CREDIT_NOTES };
