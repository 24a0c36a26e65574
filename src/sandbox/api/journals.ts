/** /ManualJournals: list, get, create (PUT), create or update (POST). */
import { renderJournal } from '../format/render';
import { elementsOf, str } from '../http/input';
import { envelope, notFound, ok, validationMessage, type ApiReply } from '../http/replies';
import { buildJournal } from '../rules/journals';
import type { Dict, JournalRec } from '../state/types';
import { runBatch, type ElementOutcome } from './batch';
import { listReply } from './list';
import type { ApiRequest, ApiRoute } from './types';

function find(req: ApiRequest, id: string): JournalRec | undefined {
  return req.org.journals.get(id.toLowerCase());
}

function saveOne(req: ApiRequest, input: Dict): ElementOutcome {
  const id = str(input.ManualJournalID);
  const existing = id ? find(req, id) : null;
  if (id && !existing) return { ok: false, errors: ['Manual journal could not be found'] };
  const built = buildJournal(req.org, input, existing ?? null, req.appId, req.ctx.clock.now());
  if (!built.ok) return built;
  req.org.journals.set(built.journal.ManualJournalID, built.journal);
  return { ok: true, rendered: renderJournal(built.journal), warnings: built.warnings };
}

function write(req: ApiRequest): ApiReply {
  const elements = elementsOf(req.body, 'ManualJournals');
  if (!elements) return validationMessage('The request body could not be read as ManualJournals.');
  const byPath = req.params[0];
  if (byPath && !find(req, byPath)) return notFound();
  const list = byPath ? elements.slice(0, 1).map((e) => ({ ...e, ManualJournalID: byPath })) : elements;
  return runBatch(req, list, { collection: 'ManualJournals', errorFlag: 'HasErrors', idField: 'ManualJournalID' }, (el) => saveOne(req, el));
}

const list = (req: ApiRequest) =>
  listReply(
    {
      collection: 'ManualJournals',
      records: req.org.journals.values(),
      id: (j) => j.ManualJournalID,
      status: (j) => j.Status,
      updated: (j) => j.UpdatedDateUTC,
      createdBy: (j) => j.createdBy,
      render: (j, summary) => renderJournal(j, summary),
      paged: true,
    },
    req,
  );

const getOne = (req: ApiRequest) => {
  const j = find(req, req.params[0] ?? '');
  return j ? ok(envelope(req.appId, req.ctx.clock.now(), { ManualJournals: [renderJournal(j)] })) : notFound();
};

const W = ['accounting.transactions', 'accounting.manualjournals'];
const R = [...W, 'accounting.transactions.read', 'accounting.manualjournals.read'];

export const journalRoutes: ApiRoute[] = [
  { method: 'GET', resource: 'manualjournals', arity: 0, scopes: R, handler: list },
  { method: 'GET', resource: 'manualjournals', arity: 1, scopes: R, handler: getOne },
  { method: 'PUT', resource: 'manualjournals', arity: 0, scopes: W, handler: write },
  { method: 'POST', resource: 'manualjournals', arity: 0, scopes: W, handler: write },
  { method: 'POST', resource: 'manualjournals', arity: 1, scopes: W, handler: write },
];
