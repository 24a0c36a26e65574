/** GET /queue: Manage Xero Queue (Current Xero Queue, Failed Xero Exports as a grid or grouped). */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../app/runtime';
import type { Export, StatusSummary } from '../../engine/service';
import { pageContext, type PageContext } from './context';
import { count, kindLabel, KIND_OPTIONS, plural, positiveInt, str, time, urlWith } from './format';
import { codeWords } from '../../domain/words';
import { hintFor, settingsOf } from './group-hints';
import { html, type Html } from './html';
import { csrfField, emptyState, page } from './layout';
import { failedTable, LINK_CODES } from './queue-grid';

const PAGE_SIZE = 50;
const CURRENT_LIMIT = 15;

export interface FailedFilter {
  kind?: string;
  code?: string;
  q?: string;
  before?: number;
  view: 'list' | 'groups';
}

export function failedFilter(query: unknown): FailedFilter {
  const q = (query ?? {}) as Record<string, unknown>;
  return {
    kind: KIND_OPTIONS.some(([k]) => k === str(q.kind)) ? str(q.kind) : undefined,
    code: str(q.code) || undefined,
    q: str(q.q).slice(0, 200) || undefined,
    before: positiveInt(q.before),
    view: str(q.view) === 'groups' ? 'groups' : 'list',
  };
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function currentRow(r: Export & { reference: string }, tz: string): Html {
  const detail =
    r.status === 'waiting'
      ? html`${capitalised(r.waitReason ?? 'waiting for another export')}`
      : r.status === 'exporting'
        ? html`Being sent to Xero now`
        : r.lastError
          ? html`Retrying at ${time(r.nextAttemptAt, 'when', tz)} after: ${r.lastError}`
          : html`Next in line`;
  return html`<tr><td data-label="Item"><a href="/documents/${r.documentId}">${r.reference}</a></td><td data-label="Kind">${kindLabel(r.kind)}</td>
<td data-label="Status"><span class="badge badge-${r.status}">${r.status}</span></td><td data-label="Details">${detail}</td></tr>`;
}

async function currentQueue(ctx: PageContext, tenantId: string, s: StatusSummary): Promise<Html> {
  const [exporting, waiting, queued] = await Promise.all((['exporting', 'waiting', 'queued'] as const).map((st) => ctx.rt.queue.list(tenantId, [st], { limit: CURRENT_LIMIT })));
  const rows = [...(exporting ?? []), ...(waiting ?? []), ...(queued ?? [])];
  const pauses = s.paused.map(
    (p) =>
      html`<div class="alert alert-warn" role="status"><strong>Paused</strong>: ${p.reason || 'exports are paused'}${p.until ? html`; resumes by itself at ${time(p.until, 'when', ctx.tz)}` : html`; until it is lifted`}. Nothing fails meanwhile: items stay queued.</div>`,
  );
  const lost = s.disconnected.map(
    (d) => html`<div class="alert alert-error" role="status">The connection to Xero for ${d.tenantName} is lost: exports wait until it is <a href="/settings#connection">reconnected</a>.</div>`,
  );
  const summary = html`<p class="counts" id="queue-counts"><strong>${count(s.queued)}</strong> in the queue: <span>${count(s.exporting)} exporting</span> · <span>${count(s.waiting)} waiting</span> · <span>${count(s.queued - s.exporting - s.waiting)} next in line</span></p>`;
  const shown = rows.length < s.queued ? html`<p class="muted">Showing the first ${rows.length} of ${count(s.queued)}. <a href="/documents?status=queued">See every queued document</a></p>` : '';
  const body =
    rows.length === 0
      ? emptyState('Nothing is waiting to be exported', 'New documents appear here while they are sent to Xero.')
      : html`<div class="table-wrap"><table class="grid" id="current-grid"><thead><tr><th scope="col">Item</th><th scope="col">Kind</th><th scope="col">Status</th><th scope="col">Details</th></tr></thead>
<tbody>${rows.map((r) => currentRow(r, ctx.tz))}</tbody></table></div>${shown}`;
  return html`<section class="card" aria-labelledby="current-title"><h2 id="current-title">Current Xero Queue</h2>${pauses}${lost}${summary}${body}</section>`;
}

function filterBar(f: FailedFilter, codes: Array<{ code: string; n: number }>): Html {
  return html`<form class="filters" method="get" action="/queue" role="search" aria-label="Filter failed exports">
<input type="hidden" name="view" value="${f.view}">
<label>Kind <select name="kind"><option value="">All kinds</option>${KIND_OPTIONS.map(([k, l]) => html`<option value="${k}" ${f.kind === k ? html`selected` : ''}>${l}</option>`)}</select></label>
<label>Error <select name="code"><option value="">All errors</option>${codes.map((c) => html`<option value="${c.code}" ${f.code === c.code ? html`selected` : ''}>${codeWords(c.code)} (${count(c.n)})</option>`)}</select></label>
<label>Search <input type="search" name="q" value="${f.q ?? ''}" placeholder="Reference or error text"></label>
<button class="btn">Filter</button>${f.kind || f.code || f.q ? html` <a class="btn btn-link" href="${urlWith('/queue', { view: f.view })}#failed">Clear</a>` : ''}</form>`;
}

/** The contact code each failed document names, for the rows whose fix is linking that contact. */
async function contactsOf(ctx: PageContext, rows: Array<Export & { reference: string }>): Promise<Map<number, string>> {
  const docs = rows.filter((r) => r.errorCode && LINK_CODES.has(r.errorCode) && r.kind !== 'customer' && r.kind !== 'supplier');
  const out = new Map<number, string>();
  if (docs.length === 0) return out;
  const payloads = await ctx.rt.queue.documentPayloads(docs.map((r) => r.documentId));
  for (const r of docs) {
    try {
      const contact = (JSON.parse(payloads.get(r.documentId) ?? '{}') as { contact?: unknown }).contact;
      if (typeof contact === 'string') out.set(r.id, contact);
    } catch {
      // A payload that does not parse simply gets no link.
    }
  }
  return out;
}

type Groups = Awaited<ReturnType<Runtime['queue']['failureGroups']>>;

function groupsView(ctx: PageContext, groups: Groups, settingsRaw: unknown): Html {
  if (groups.length === 0) return emptyState('No failed exports', 'Everything that failed has been dealt with.');
  const settings = settingsOf(settingsRaw);
  return html`<ul class="groups" id="failure-groups">${groups.map((g) => {
    const hint = hintFor(g.errorCode, g.lastError, settings);
    return html`<li class="group"><div class="group-head"><strong>${plural(Number(g.n), 'item')}</strong>: ${g.lastError ?? 'Unknown error'}${hint ? html` → <a href="${hint.href}">${hint.text}</a>` : ''}</div>
<p class="action-text">${g.actionRequired ?? ''}</p>
<div class="group-actions"><a class="btn btn-small" href="${urlWith('/queue', { code: g.errorCode ?? undefined })}#failed">Show them</a>
${
  ctx.canEdit
    ? html`<form method="post" action="/queue/groups/retry">${csrfField(ctx)}<input type="hidden" name="code" value="${g.errorCode ?? ''}"><input type="hidden" name="message" value="${g.lastError ?? ''}">
<button class="btn btn-small btn-primary">${Number(g.n) === 1 ? 'Export it again' : `Export these ${count(Number(g.n))} again`}</button></form>`
    : ''
}</div></li>`;
  })}</ul>`;
}

async function failedSection(ctx: PageContext, tenantId: string, f: FailedFilter, failedTotal: number, settingsRaw: unknown): Promise<Html> {
  const tabs = html`<div class="tabs" role="tablist"><a role="tab" href="${urlWith('/queue', { kind: f.kind, code: f.code, q: f.q })}#failed" aria-selected="${f.view === 'list'}">All failed exports</a>
<a role="tab" href="/queue?view=groups#failed" aria-selected="${f.view === 'groups'}">Grouped by error</a></div>`;
  const filterParams = f.view === 'list' ? { kind: f.kind, code: f.code, q: f.q } : {};
  const filtered = Boolean(filterParams.kind || filterParams.code || filterParams.q);
  const bulk =
    ctx.canEdit && failedTotal > 0
      ? html`<div class="bulk"><a class="btn btn-primary" href="${urlWith('/queue/confirm', { action: 'retry-all', ...filterParams })}">Export All${filtered ? ' shown' : ''}</a> <a class="btn btn-danger" href="${urlWith('/queue/confirm', { action: 'delete-all', ...filterParams })}">Delete All${filtered ? ' shown' : ''}</a></div>`
      : '';
  let content: Html;
  if (f.view === 'groups') content = groupsView(ctx, await ctx.rt.queue.failureGroups(tenantId), settingsRaw);
  else {
    const rows = await ctx.rt.queue.list(tenantId, ['failed'], { limit: PAGE_SIZE, beforeId: f.before, kinds: f.kind ? [f.kind] : undefined, errorCode: f.code, search: f.q });
    const last = rows[rows.length - 1];
    const pager = html`<nav class="pager" aria-label="Pages">${f.before ? html`<a class="btn" href="${urlWith('/queue', { kind: f.kind, code: f.code, q: f.q })}#failed">← First page</a>` : ''}
${rows.length === PAGE_SIZE && last ? html`<a class="btn" rel="next" href="${urlWith('/queue', { kind: f.kind, code: f.code, q: f.q, before: last.id })}#failed">Next page →</a>` : ''}</nav>`;
    content =
      rows.length === 0
        ? emptyState(
            filtered ? 'No failed exports match these filters' : 'No failed exports',
            filtered ? html`<a href="/queue#failed">Clear the filters</a> to see all ${count(failedTotal)}.` : 'Everything that failed has been dealt with.',
          )
        : html`${failedTable(rows, { csrf: ctx.csrf, canEdit: ctx.canEdit, contacts: await contactsOf(ctx, rows) })}${pager}`;
  }
  return html`<section class="card" aria-labelledby="failed"><div class="section-head"><h2 id="failed">Failed Xero Exports <span class="pill">${count(failedTotal)}</span></h2>${bulk}</div>
${tabs}${f.view === 'list' ? filterBar(f, await ctx.rt.queue.failureCodes(tenantId)) : ''}${content}</section>`;
}

export function queueRoutes(app: FastifyInstance, rt: Runtime): void {
  app.get('/queue', async (req, reply) => {
    const ctx = await pageContext(rt, req, reply);
    const f = failedFilter(req.query);
    if (!ctx.tenant) {
      return reply
        .type('text/html; charset=utf-8')
        .send(await page(ctx, 'Manage Xero Queue', emptyState('No Xero organisation yet', html`<a href="/settings#connection">Connect xport to Xero</a> to start exporting.`)));
    }
    const s = await rt.queue.status(ctx.tenant.id);
    const body = html`${await currentQueue(ctx, ctx.tenant.id, s)}${await failedSection(ctx, ctx.tenant.id, f, s.failed, ctx.tenant.settings)}`;
    return reply.type('text/html; charset=utf-8').send(await page(ctx, 'Manage Xero Queue', body, { subtitle: html`Exports to <strong>${ctx.tenant.name}</strong>` }));
  });
}
