/**
 * Export All and Delete All on /queue. They act on what the active filter shows (kind, error,
 * search), the confirmation says which, and the POST redirects (303) to a result page of its own, so
 * reloading it never runs the action again. The result page shows each item's real outcome and keeps
 * it current from the page's event stream ("queued again" → "exported to Xero as INV-0042").
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../../app/runtime';
import { requireAdmin } from '../auth/session';
import { HttpError } from '../errors';
import { pageContext, tenantFor } from './context';
import { DELETED, retryOutcome, UNCHANGED, type Outcome } from './export-outcome';
import { count, kindLabel, plural, str, time, urlWith } from './format';
import { html, type Html } from './html';
import { csrfField, page } from './layout';
import { failedFilter, type FailedFilter } from './queue-pages';

type BulkAction = 'retry-all' | 'delete-all';
const SCAN_PAGE = 500;
/** Items listed on a result page; the rest are counted. */
const LISTED = 500;
const KEEP_RESULTS_MS = 7 * 86_400_000;

interface Item {
  id: number;
  reference: string;
  kind: string;
  documentId: number;
  changed: boolean;
}
interface BulkResult {
  tenantId: string;
  action: BulkAction;
  at: string;
  filter: string;
  total: number;
  changed: number;
  items: Item[];
}

function isFiltered(f: FailedFilter): boolean {
  return Boolean(f.kind || f.code || f.q);
}

/** "sales invoices with the error "account code invalid" matching "SO-1"" (singular for one). */
export function filterWords(f: FailedFilter, n = 2): string {
  const noun = f.kind ? kindLabel(f.kind).toLowerCase() : 'failed export';
  const parts = [n === 1 ? noun : `${noun}s`];
  if (f.code) parts.push(`with the error "${f.code.replace(/_/g, ' ')}"`);
  if (f.q) parts.push(`matching "${f.q}"`);
  return parts.join(' ');
}

/** Every failed export the filter shows, oldest last (as the grid lists them). */
async function matching(rt: Runtime, tenantId: string, f: FailedFilter): Promise<Array<Item>> {
  const out: Item[] = [];
  for (let before: number | undefined; ;) {
    const rows = await rt.queue.list(tenantId, ['failed'], { limit: SCAN_PAGE, beforeId: before, kinds: f.kind ? [f.kind] : undefined, errorCode: f.code, search: f.q });
    out.push(...rows.map((r) => ({ id: r.id, reference: r.reference, kind: r.kind, documentId: r.documentId, changed: false })));
    if (rows.length < SCAN_PAGE) return out;
    before = rows[rows.length - 1]?.id;
  }
}

function hiddenFilter(f: FailedFilter): Html {
  return html`${f.kind ? html`<input type="hidden" name="kind" value="${f.kind}">` : ''}${f.code ? html`<input type="hidden" name="code" value="${f.code}">` : ''}${f.q ? html`<input type="hidden" name="q" value="${f.q}">` : ''}`;
}

function confirmBody(csrf: string, action: BulkAction, f: FailedFilter, n: number, all: number): Html {
  const retry = action === 'retry-all';
  const which = isFiltered(f)
    ? html`the <strong>${count(n)}</strong> ${filterWords(f, n)} that the filter shows (of ${plural(all, 'failed export')})`
    : html`all <strong>${plural(n, 'failed export')}</strong>`;
  const back = `${urlWith('/queue', { kind: f.kind, code: f.code, q: f.q })}#failed`;
  return html`<section class="card confirm"><h2>${retry ? 'Export All' : 'Delete All'}: are you sure?</h2>
<p>${
    retry
      ? html`This queues ${which} to be sent to Xero again. Those whose cause is not fixed will fail again.`
      : html`This removes ${which} from the queue; they will <strong>not</strong> be exported. Their documents and the connection log keep the history.`
  }</p>
<form method="post" action="/queue/${action}" class="inline-actions">${csrfField({ csrf })}${hiddenFilter(f)}
<button class="btn ${retry ? 'btn-primary' : 'btn-danger'}" autofocus ${n === 0 ? html`disabled` : ''}>${retry ? `Yes, export ${n === 1 ? 'it' : `these ${count(n)}`}` : `Yes, delete ${n === 1 ? 'it' : `these ${count(n)}`}`}</button>
<a class="btn" href="${back}">Cancel</a></form></section>`;
}

async function run(rt: Runtime, action: BulkAction, req: FastifyRequest, reply: FastifyReply) {
  const user = requireAdmin(req);
  const tenantId = await tenantFor(rt, req);
  const f = failedFilter(req.body);
  const items = await matching(rt, tenantId, f);
  const ids = items.map((i) => i.id);
  const actor = `web:${user.username}`;
  const changed = new Set<number>();
  // Unfiltered, one statement takes every failed export; filtered, the ids the filter shows, in chunks.
  const chunks = isFiltered(f) ? Array.from({ length: Math.ceil(ids.length / SCAN_PAGE) }, (_, i) => ids.slice(i * SCAN_PAGE, (i + 1) * SCAN_PAGE)) : ['all-failed' as const];
  for (const chunk of chunks) {
    const done = action === 'retry-all' ? await rt.queue.retry(tenantId, chunk, actor) : await rt.queue.delete(tenantId, chunk, actor);
    done.forEach((id) => changed.add(id));
  }
  for (const i of items) i.changed = changed.has(i.id);
  const result: BulkResult = {
    tenantId,
    action,
    at: new Date().toISOString(),
    filter: isFiltered(f) ? filterWords(f, items.length) : '',
    total: items.length,
    changed: changed.size,
    items: items.slice(0, LISTED),
  };
  const token = randomUUID();
  await rt.bulkResults.save(token, JSON.stringify(result), KEEP_RESULTS_MS);
  return reply.redirect(`/queue/results/${token}`, 303);
}

function outcomeFor(r: BulkResult, item: Item, status: Awaited<ReturnType<Runtime['queue']['get']>>): Outcome {
  const kind = r.action === 'retry-all' ? 'retry' : 'delete';
  if (!item.changed) return UNCHANGED[kind];
  return kind === 'delete' ? DELETED : retryOutcome(status);
}

async function resultsBody(rt: Runtime, r: BulkResult, tz: string): Promise<Html> {
  const retry = r.action === 'retry-all';
  const rows = await Promise.all(r.items.map(async (i) => ({ item: i, outcome: outcomeFor(r, i, retry && i.changed ? await rt.queue.get(r.tenantId, i.id) : null) })));
  const what = r.filter ? `the ${r.filter} the filter showed` : 'every failed export';
  return html`<section class="card" ${retry ? html`data-live-exports` : ''}><h2>${retry ? 'Export All' : 'Delete All'}: ${plural(r.changed, 'export')} ${retry ? 'queued again' : 'deleted'}</h2>
<p>Done ${time(r.at, 'datetime', tz)} for ${what}.${r.total > r.changed ? html` ${plural(r.total - r.changed, 'export')} had changed meanwhile and ${r.total - r.changed === 1 ? 'was' : 'were'} left alone.` : ''}
${r.total > r.items.length ? html` The first ${count(r.items.length)} are listed below.` : ''}${retry ? html` Each row shows what has happened to it since, and changes as it happens.` : ''}</p>
<p class="counts" id="bulk-summary" aria-live="polite"></p>
<div class="table-wrap"><table class="grid" id="bulk-results"><thead><tr><th scope="col">Failed Export</th><th scope="col">Exported Item</th><th scope="col">Result</th></tr></thead>
<tbody>${rows.map(
    ({ item, outcome }) => html`<tr class="outcome-${outcome.state}" data-export-id="${item.id}" data-state="${outcome.state}"><td data-label="Failed Export">${kindLabel(item.kind)}</td>
<td data-label="Exported Item"><a href="/documents/${item.documentId}">${item.reference}</a></td><td data-label="Result" data-outcome-for="${item.id}">${outcome.text}</td></tr>`,
  )}</tbody></table></div>
<p><a class="btn" href="/queue">Back to the queue</a></p></section>`;
}

export function bulkActionRoutes(app: FastifyInstance, rt: Runtime): void {
  app.get('/queue/confirm', async (req, reply) => {
    requireAdmin(req);
    const q = (req.query ?? {}) as Record<string, unknown>;
    const action: BulkAction = str(q.action) === 'delete-all' ? 'delete-all' : 'retry-all';
    const f = failedFilter(q);
    const ctx = await pageContext(rt, req, reply);
    const all = ctx.tenant ? (await rt.queue.status(ctx.tenant.id)).failed : 0;
    const n = !ctx.tenant ? 0 : isFiltered(f) ? (await matching(rt, ctx.tenant.id, f)).length : all;
    return reply.type('text/html; charset=utf-8').send(await page(ctx, 'Manage Xero Queue', confirmBody(ctx.csrf, action, f, n, all)));
  });
  app.post('/queue/retry-all', (req, reply) => run(rt, 'retry-all', req, reply));
  app.post('/queue/delete-all', (req, reply) => run(rt, 'delete-all', req, reply));
  app.get('/queue/results/:token', async (req, reply) => {
    const ctx = await pageContext(rt, req, reply);
    const token = str((req.params as Record<string, unknown>).token);
    const raw = /^[0-9a-f-]{36}$/.test(token) ? await rt.bulkResults.load(token) : null;
    const result = raw ? (JSON.parse(raw) as BulkResult) : null;
    if (!result || result.tenantId !== ctx.tenant?.id) throw new HttpError(404, 'not_found', 'This result is no longer kept (results are kept for 7 days), or belongs to another organisation.');
    return reply.type('text/html; charset=utf-8').send(await page(ctx, 'Manage Xero Queue', await resultsBody(rt, result, ctx.tz)));
  });
}
