/**
 * What people do on /queue: Export (retry), Delete and Skip one failed export; Export All and Delete
 * All after a confirmation, with a result per row; retry one group of identical failures.
 * Every handler is admin-only and CSRF-checked (preHandler), and calls the queue service.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../../app/runtime';
import { requireAdmin, safeNext, setFlash } from '../auth/session';
import { HttpError } from '../errors';
import { isHtmx, pageContext, tenantFor } from './context';
import { count, kindLabel, plural, positiveInt, str } from './format';
import { html, type Html } from './html';
import { csrfField, page } from './layout';
import { resultRow, type FailedRow } from './queue-grid';

const ACTIONS = {
  retry: { label: 'Export', done: 'queued to export again', notDone: 'was not a failed export any more; nothing was changed' },
  delete: { label: 'Delete', done: 'deleted from the queue', notDone: 'could not be deleted (it is being exported right now, or is gone)' },
  skip: { label: 'Skip', done: 'skipped: marked done without exporting', notDone: 'could not be skipped (it is exported, exporting or gone)' },
} as const;
type Action = keyof typeof ACTIONS;
const RESULT_ROWS = 500;

async function rowById(rt: Runtime, tenantId: string, id: number): Promise<FailedRow | null> {
  const row = (await rt.store.exports.list({ tenantId, beforeId: id + 1, limit: 1 }))[0];
  return row && row.id === id ? row : null;
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

function confirmBody(csrf: string, action: 'retry-all' | 'delete-all', failed: number): Html {
  const retry = action === 'retry-all';
  return html`<section class="card confirm"><h2>${retry ? 'Export All' : 'Delete All'}: are you sure?</h2>
<p>${retry ? html`All <strong>${count(failed)}</strong> failed exports will be queued and sent to Xero again. Those whose cause is not fixed will fail again.`
    : html`All <strong>${count(failed)}</strong> failed exports will be removed from the queue and <strong>not</strong> exported. Their documents and the connection log keep the history.`}</p>
<form method="post" action="/queue/${action}" class="inline-actions">${csrfField({ csrf })}<input type="hidden" name="expected" value="${failed}">
<button class="btn ${retry ? 'btn-primary' : 'btn-danger'}" autofocus>${retry ? `Yes, export all ${count(failed)}` : `Yes, delete all ${count(failed)}`}</button>
<a class="btn" href="/queue#failed">Cancel</a></form></section>`;
}

function resultsBody(action: 'retry-all' | 'delete-all', rows: FailedRow[], changed: Set<number>, total: number): Html {
  const verb = action === 'retry-all' ? 'retry' : 'delete';
  const ok = rows.filter((r) => changed.has(r.id)).length;
  return html`<section class="card"><h2>${action === 'retry-all' ? 'Export All' : 'Delete All'}: ${plural(total, 'export')} ${action === 'retry-all' ? 'queued again' : 'deleted'}</h2>
<p>${ok} of the ${rows.length} shown below succeeded${total > rows.length ? html`; ${count(total - ok)} more were handled but are not listed` : ''}. <a href="/queue">Back to the queue</a></p>
<div class="table-wrap"><table class="grid" id="bulk-results"><thead><tr><th scope="col">Failed Export</th><th scope="col">Exported Item</th><th scope="col">Result</th></tr></thead>
<tbody>${rows.map((r) => {
    const done = changed.has(r.id);
    return html`<tr class="${done ? 'row-ok' : 'row-error'}" data-result="${done ? 'ok' : 'error'}"><td data-label="Failed Export">${kindLabel(r.kind)}</td><td data-label="Exported Item"><a href="/documents/${r.document_id}">${r.reference}</a></td>
<td data-label="Result">${done ? ACTIONS[verb].done : ACTIONS[verb].notDone}</td></tr>`;
  })}</tbody></table></div></section>`;
}

async function bulk(rt: Runtime, action: 'retry-all' | 'delete-all', req: FastifyRequest, reply: FastifyReply) {
  const user = requireAdmin(req);
  const tenantId = await tenantFor(rt, req);
  const shown = await rt.queue.list(tenantId, ['failed'], { limit: RESULT_ROWS });
  const actor = `web:${user.username}`;
  const ids = action === 'retry-all' ? await rt.queue.retry(tenantId, 'all-failed', actor) : await rt.queue.delete(tenantId, 'all-failed', actor);
  const ctx = await pageContext(rt, req, reply);
  const body = resultsBody(action, shown, new Set(ids), ids.length);
  return reply.type('text/html; charset=utf-8').send(await page(ctx, 'Manage Xero Queue', body));
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
    ids.push(...rows.filter((r) => (r.last_error ?? '') === message).map((r) => r.id));
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
  app.get('/queue/confirm', async (req, reply) => {
    requireAdmin(req);
    const action = str((req.query as Record<string, unknown>).action) === 'delete-all' ? 'delete-all' : 'retry-all';
    const ctx = await pageContext(rt, req, reply);
    const failed = ctx.tenant ? (await rt.queue.status(ctx.tenant.id)).failed : 0;
    return reply.type('text/html; charset=utf-8').send(await page(ctx, 'Manage Xero Queue', confirmBody(ctx.csrf, action, failed)));
  });
  app.post('/queue/retry-all', (req, reply) => bulk(rt, 'retry-all', req, reply));
  app.post('/queue/delete-all', (req, reply) => bulk(rt, 'delete-all', req, reply));
  app.post('/queue/groups/retry', (req, reply) => retryGroup(rt, req, reply));
}
