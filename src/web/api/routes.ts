/**
 * The JSON API under /api/v1 (README, "The API"): documents in, exports and their actions, status,
 * the connection log and reference-data refresh. Handlers are thin: they call the queue service.
 */
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Runtime } from '../../app/runtime';
import type { Export, ListedExport } from '../../engine/service';
import { xeroUrl } from '../../domain/xero-links';
import { HttpError, errorBody } from '../errors';
import { organisationShortCode } from '../organisation-short-code';
import { webhookRoutes } from './webhook-routes';
import { eventsRoutes } from './events-routes';
import { reconciliationRoutes } from './reconciliation-routes';
import { documentRoutes } from './document-routes';
import { workerStates } from '../worker-states';
import { bearerAuth, caller, requireAdmin } from './auth';
import { errorEnvelope, op } from './contract';
import { documentsBody } from './document-bodies';
import * as S from './schemas';
import { settingsRoutes } from './settings-routes';

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new HttpError(400, 'invalid_request', `Invalid ${what}: ${r.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** The API description of POST /documents: what revisions mean (also in the README). */
const DOCUMENTS_DESCRIPTION = [
  'Validates every document and stores them all or none. A document is identified by kind + sourceId + revision.',
  'With `revision`: the same revision posted again with the same content is a duplicate (`"duplicate":true`, queued once);',
  'with different content it is refused with 409 `{"error":{"code":"revision_conflict","message":…,"details":[{"index","kind","sourceId","revision","receivedAt","nextRevision"}]}}`',
  'and nothing of the request is stored: send the change as `nextRevision`, or leave `revision` out.',
  'Without `revision`: xport numbers revisions from the content. The same content as the latest revision is a duplicate;',
  'changed content becomes the next revision, which supersedes a queued, waiting or failed export of the older one, or updates',
  'the Xero object an exported one created. "The same content" is the validated document: field order, the spelling of numbers',
  '(19.95, "19.950", 19.950), spaces around text and default values do not matter; line order, a field given or left out,',
  'and any changed value do.',
].join(' ');

type ExportRow = Export & Partial<Pick<ListedExport, 'reference' | 'docDate' | 'total'>>;

/** An export as the API answers it; `shortCode` (the organisation's) makes `xeroUrl` select the organisation. */
export function exportViewer(shortCode: string | null) {
  return (row: ExportRow): z.output<typeof S.exportSchema> => ({
    id: row.id,
    status: row.status,
    kind: row.kind,
    sourceId: row.sourceId,
    revision: row.revision,
    reference: row.reference ?? null,
    date: row.docDate ?? null,
    // The date sent to Xero: another than `date` when the lock-date policy moved it.
    xeroDate: row.xeroDate ?? (row.status === 'exported' ? (row.docDate ?? null) : null),
    dateMoved: row.xeroDate !== null && row.xeroDate !== row.docDate,
    total: row.total ?? null,
    error: row.lastError,
    errorCode: row.errorCode,
    errorClass: row.errorClass,
    actionRequired: row.actionRequired,
    reason: row.waitReason,
    xeroId: row.xeroId,
    xeroNumber: row.xeroNumber,
    xeroTotal: row.xeroTotal,
    xeroUrl: xeroUrl(row.kind, row.xeroId, shortCode),
    attempts: row.attempts,
    nextAttemptAt: row.status === 'queued' ? row.nextAttemptAt : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    exportedAt: row.exportedAt,
  });
}

/** An export as the CLI prints it (no organisation at hand: `xeroUrl` opens in the current one). */
export const exportView = exportViewer(null);

const notFound = errorEnvelope.describe('No such export, or it was deleted (`not_found`)');
const viewerToken = errorEnvelope.describe('The API token may only read (`forbidden`)');

export async function apiRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  app.addHook('preHandler', bearerAuth(rt));
  await app.register(async (settings) => settingsRoutes(settings, rt)); // its own JSON parser: `__proto__` is an ordinary mapping key there
  await app.register(async (webhooks) => webhookRoutes(webhooks, rt));
  await app.register(async (events) => eventsRoutes(events, rt));
  await app.register(async (r) => reconciliationRoutes(r, rt));
  await app.register(async (r) => documentRoutes(r, rt));

  const documentsSchema = op({
    summary: 'Queue one document or {"documents":[…]}',
    description: DOCUMENTS_DESCRIPTION,
    tags: ['documents'],
    body: documentsBody,
    responses: {
      202: S.ingestAnswer.describe('Every document stored (or a duplicate of one received before), with its export'),
      400: errorEnvelope.describe('A document is invalid (`invalid_document`, one detail per problem: `{index, sourceId, kind, path, message}`); nothing was stored'),
      403: viewerToken,
      409: errorEnvelope.describe('A revision was already received with other content (`revision_conflict`); nothing was stored'),
    },
  });
  app.post('/documents', { schema: documentsSchema, bodyLimit: 10 * 1024 * 1024 }, async (req, reply) => {
    const { tenantId } = requireAdmin(req);
    const result = await rt.queue.ingest(tenantId, req.body);
    if (!result.ok && result.code === 'revision_conflict') {
      const [first] = result.issues;
      const message = `${result.issues.length === 1 && first ? first.message : `${result.issues.length} revisions were already received with different content`}; nothing was stored`;
      return reply.code(409).send(errorBody('revision_conflict', message, result.conflicts));
    }
    if (!result.ok) {
      return reply.code(400).send(errorBody('invalid_document', `${result.issues.length} problem(s) in the request; nothing was stored`, result.issues));
    }
    return reply.code(202).send({ documents: result.documents.map(({ duplicate, ...d }) => ({ ...d, duplicate })) });
  });

  app.get('/status', { schema: op({ summary: 'What the banner shows', tags: ['queue'], responses: { 200: S.statusSchema } }) }, async (req): Promise<z.output<typeof S.statusSchema>> => {
    const { tenantId } = caller(req);
    const s = await rt.queue.status(tenantId);
    return { ...s, workers: await workerStates(rt) };
  });

  const invalidQuery = errorEnvelope.describe('A query parameter is invalid (`invalid_request`)');
  const invalidId = errorEnvelope.describe('The export id is not a positive whole number (`invalid_request`)');

  app.get(
    '/exports',
    { schema: op({ summary: 'List exports, newest first', tags: ['exports'], query: S.listQuery, responses: { 200: S.exportListSchema, 400: invalidQuery } }) },
    async (req): Promise<z.output<typeof S.exportListSchema>> => {
      const { tenantId } = caller(req);
      const q = parse(S.listQuery, req.query, 'query');
      const rows = await rt.queue.list(tenantId, q.status ? [q.status] : undefined, { limit: q.limit, beforeId: q.cursor, kinds: q.kind ? [q.kind] : undefined });
      const view = exportViewer(await organisationShortCode(rt, tenantId));
      return { exports: rows.map(view), nextCursor: rows.length === q.limit ? (rows[rows.length - 1]?.id ?? null) : null };
    },
  );

  app.get(
    '/exports/:id',
    { schema: op({ summary: 'One export, with its attempts', tags: ['exports'], params: S.idParam, responses: { 200: S.exportDetailSchema, 400: invalidId, 404: notFound } }) },
    async (req): Promise<z.output<typeof S.exportDetailSchema>> => {
      const { tenantId } = caller(req);
      const { id } = parse(S.idParam, req.params, 'export id');
      const row = await rt.queue.find(tenantId, id);
      if (!row) throw new HttpError(404, 'not_found', `Export ${id} does not exist (or was deleted)`);
      return {
        ...exportViewer(await organisationShortCode(rt, tenantId))(row),
        attemptsHistory: (await rt.queue.attempts(id)).map((a) => ({
          attempt: a.attemptNo,
          startedAt: a.startedAt,
          finishedAt: a.finishedAt,
          outcome: a.outcome,
          httpStatus: a.httpStatus,
          error: a.error,
          idempotencyKey: a.idempotencyKey,
          correlationId: a.correlationId,
        })),
      };
    },
  );

  const action = (summary: string, responses: Record<number, z.ZodType>) => op({ summary, tags: ['exports'], params: S.idParam, responses: { ...responses, 400: invalidId, 403: viewerToken } });

  app.post(
    '/exports/:id/retry',
    { schema: action('Export a failed item again', { 200: S.actionAnswer, 409: errorEnvelope.describe('The export is not a failed one (`not_failed`)') }) },
    async (req): Promise<z.output<typeof S.actionAnswer>> => {
      const c = requireAdmin(req);
      const { id } = parse(S.idParam, req.params, 'export id');
      const changed = await rt.queue.retry(c.tenantId, [id], `api:${c.tokenName}`);
      if (changed.length === 0) throw new HttpError(409, 'not_failed', `Export ${id} is not a failed export`);
      return { id, status: 'queued' };
    },
  );

  app.post(
    '/exports/:id/skip',
    { schema: action('Mark done without exporting', { 200: S.actionAnswer, 409: errorEnvelope.describe('The export is exported, exporting or gone (`not_skippable`)') }) },
    async (req): Promise<z.output<typeof S.actionAnswer>> => {
      const c = requireAdmin(req);
      const { id } = parse(S.idParam, req.params, 'export id');
      if (!(await rt.queue.skip(c.tenantId, id, `api:${c.tokenName}`))) throw new HttpError(409, 'not_skippable', `Export ${id} cannot be skipped (it is exported, exporting or gone)`);
      return { id, status: 'skipped' };
    },
  );

  app.delete(
    '/exports/:id',
    { schema: action('Remove an export from the queue', { 200: S.deletedAnswer, 404: errorEnvelope.describe('No such export, or it is exporting right now (`not_found`)') }) },
    async (req): Promise<z.output<typeof S.deletedAnswer>> => {
      const c = requireAdmin(req);
      const { id } = parse(S.idParam, req.params, 'export id');
      const deleted = await rt.queue.delete(c.tenantId, [id], `api:${c.tokenName}`);
      if (deleted.length === 0) throw new HttpError(404, 'not_found', `Export ${id} does not exist (or is exporting right now)`);
      return { id, deleted: true };
    },
  );

  app.post(
    '/exports/retry-all',
    { schema: op({ summary: 'Export every failed item again', tags: ['exports'], responses: { 200: S.retriedAllAnswer, 403: viewerToken } }) },
    async (req): Promise<z.output<typeof S.retriedAllAnswer>> => {
      const c = requireAdmin(req);
      const ids = await rt.queue.retry(c.tenantId, 'all-failed', `api:${c.tokenName}`);
      return { retried: ids.length, ids };
    },
  );

  app.post(
    '/exports/delete-all',
    { schema: op({ summary: 'Delete every failed item', tags: ['exports'], responses: { 200: S.deletedAllAnswer, 403: viewerToken } }) },
    async (req): Promise<z.output<typeof S.deletedAllAnswer>> => {
      const c = requireAdmin(req);
      const ids = await rt.queue.delete(c.tenantId, 'all-failed', `api:${c.tokenName}`);
      return { deleted: ids.length, ids };
    },
  );

  app.get(
    '/log',
    { schema: op({ summary: 'Connection log, newest first', tags: ['log'], query: S.logQuery, responses: { 200: S.logPageSchema, 400: invalidQuery } }) },
    async (req): Promise<z.output<typeof S.logPageSchema>> => {
      const { tenantId } = caller(req);
      const q = parse(S.logQuery, req.query, 'query');
      const res = await rt.connectionLog.search({ tenantId, level: q.level, q: q.q, beforeId: q.cursor, limit: q.limit });
      return { entries: res.entries, nextCursor: res.nextCursor };
    },
  );

  app.post(
    '/reference/refresh',
    {
      schema: op({
        summary: "Read Xero's reference data again now",
        tags: ['reference'],
        responses: { 200: S.refreshAnswer.describe('How many of each were read, and the organisation'), 403: viewerToken, 502: errorEnvelope.describe('Xero could not be read (`xero_unavailable`)') },
      }),
    },
    async (req): Promise<z.output<typeof S.refreshAnswer>> => {
      const c = requireAdmin(req);
      const res = await rt.reference.refresh(c.tenantId);
      if (!res.ok) throw new HttpError(502, 'xero_unavailable', res.reason);
      return {
        accounts: res.data.accounts.length,
        taxRates: res.data.taxRates.length,
        trackingCategories: res.data.trackingCategories.length,
        currencies: res.data.currencies.length,
        organisation: res.data.organisation,
      };
    },
  );
}
