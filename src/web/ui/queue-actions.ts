/**
 * What people do on /queue: Export (retry), Delete and Skip one failed export; retry one group of
 * identical failures. Export All and Delete All are in bulk-actions.ts.
 * Every handler is admin-only and CSRF-checked (preHandler), and calls the queue service.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../../app/runtime';
import { requireAdmin, safeNext, setFlash } from '../auth/session';
import { HttpError } from '../errors';
import { isHtmx, tenantFor } from './context';
import { plural, positiveInt, str } from './format';
import { bulkActionRoutes } from './bulk-actions';
import { resultRow, type FailedRow } from './queue-grid';

const ACTIONS = {
  retry: { label: 'Export', done: 'queued to export again', notDone: 'was not a failed export any more; nothing was changed' },
  delete: { label: 'Delete', done: 'deleted from the queue', notDone: 'could not be deleted (it is being exported right now, or is gone)' },
  skip: { label: 'Skip', done: 'skipped: marked done without exporting', notDone: 'could not be skipped (it is exported, exporting or gone)' },
} as const;
type Action = keyof typeof ACTIONS;

async function rowById(rt: Runtime, tenantId: string, id: number): Promise<FailedRow | null> {
  return rt.queue.find(tenantId, id);
}

async function act(rt: Runtime, tenantId: string, action: Action, id: number, actor: string): Promise<boolean> {
  if (action === 'retry') return (await rt.queue.retry(tenantId, [id], actor)).includes(id);
  if (action === 'delete') return (await rt.queue.delete(tenantId, [id], actor)).includes(id);
  return rt.queue.skip(tenantId, id, actor);
}

async function rowAction(rt: Runtime, action: Action, req: FastifyRequest, reply: FastifyReply) {
  const user = requireAdmin(req);
  const tenantId = await tenantFor(rt, req);
  const id = positiveInt((req.params as Record<string, unknown>).id);
  const row = id ? await rowById(rt, tenantId, id) : null;
  if (!id || !row) throw new HttpError(404, 'not_found', `Export ${id ?? ''} does not exist (or was deleted)`);
  const ok = await act(rt, tenantId, action, id, `web:${user.username}`);
  const text = ok ? ACTIONS[action].done : ACTIONS[action].notDone;
  if (isHtmx(req)) return reply.type('text/html; charset=utf-8').send(resultRow(id, row.reference, ok, text).value);
  setFlash(req, ok ? 'ok' : 'error', `${row.reference} ${text}.`);
  const next = (req.body as Record<string, unknown> | undefined)?.next;
  return reply.redirect(typeof next === 'string' ? safeNext(next) : '/queue#failed', 303);
}

/** Retries the failures of one group: the same error code and the same message. */
async function retryGroup(rt: Runtime, req: FastifyRequest, reply: FastifyReply) {
  const user = requireAdmin(req);
  const tenantId = await tenantFor(rt, req);
  const b = (req.body ?? {}) as Record<string, unknown>;
  const code = str(b.code);
  const message = typeof b.message === 'string' ? b.message : '';
  const ids: number[] = [];
  for (let before: number | undefined; ;) {
    const rows = await rt.queue.list(tenantId, ['failed'], { limit: 500, beforeId: before, errorCode: code || undefined });
    ids.push(...rows.filter((r) => (r.lastError ?? '') === message).map((r) => r.id));
    if (rows.length < 500) break;
    before = rows[rows.length - 1]?.id;
  }
  const changed = await rt.queue.retry(tenantId, ids, `web:${user.username}`);
  setFlash(req, 'ok', `${plural(changed.length, 'failed export')} queued to export again.`);
  return reply.redirect('/queue?view=groups#failed', 303);
}

export function queueActionRoutes(app: FastifyInstance, rt: Runtime): void {
  for (const action of Object.keys(ACTIONS) as Action[]) {
    app.post(`/queue/exports/:id/${action}`, (req, reply) => rowAction(rt, action, req, reply));
  }
  bulkActionRoutes(app, rt);
  app.post('/queue/groups/retry', (req, reply) => retryGroup(rt, req, reply));
}
