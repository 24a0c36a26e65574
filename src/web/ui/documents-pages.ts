/** GET /documents: every document and its export; GET /documents/:id: one document's history. */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../app/runtime';
import type { DocumentListFilter } from '../../app/documents-service';
import { cachedReference } from './cached-reference';
import { pageContext, type PageContext } from './context';
import { documentDetail, totalCell } from './document-detail';
import { isoDate, kindLabel, KIND_OPTIONS, positiveInt, STATUS_LABELS, statusBadge, str, urlWith, xeroLink, xeroWeb } from './format';
import { settingsOf } from './group-hints';
import { html, type Html } from './html';
import { emptyState, page } from './layout';
import { HttpError } from '../errors';

const PAGE_SIZE = 50;

interface Query {
  kind?: string;
  status?: string;
  from?: string;
  to?: string;
  q?: string;
  problems: boolean;
  before?: number;
}

function parseQuery(raw: unknown): Query {
  const q = (raw ?? {}) as Record<string, unknown>;
  return {
    kind: KIND_OPTIONS.some(([k]) => k === str(q.kind)) ? str(q.kind) : undefined,
    status: str(q.status) in STATUS_LABELS ? str(q.status) : undefined,
    from: isoDate(q.from),
    to: isoDate(q.to),
    q: str(q.q).slice(0, 200) || undefined,
    problems: str(q.problems) === '1',
    before: positiveInt(q.before),
  };
}

function filterForm(f: Query): Html {
  return html`<form class="filters" method="get" action="/documents" role="search" aria-label="Filter documents">
<label>Kind <select name="kind"><option value="">All kinds</option>${KIND_OPTIONS.map(([k, l]) => html`<option value="${k}" ${f.kind === k ? html`selected` : ''}>${l}</option>`)}</select></label>
<label>Status <select name="status"><option value="">Any status</option>${Object.entries(STATUS_LABELS).map(([k, l]) => html`<option value="${k}" ${f.status === k ? html`selected` : ''}>${l}</option>`)}</select></label>
<label>From <input type="date" name="from" value="${f.from ?? ''}"></label>
<label>To <input type="date" name="to" value="${f.to ?? ''}"></label>
<label>Search <input type="search" name="q" value="${f.q ?? ''}" placeholder="Number or reference"></label>
<label class="check"><input type="checkbox" name="problems" value="1" ${f.problems ? html`checked` : ''}> Only show problem exports</label>
<button class="btn">Filter</button>${f.kind || f.status || f.from || f.to || f.q || f.problems ? html` <a class="btn btn-link" href="/documents">Clear</a>` : ''}</form>`;
}

async function listBody(ctx: PageContext, tenantId: string, f: Query): Promise<Html> {
  const filter: DocumentListFilter = {
    tenantId,
    kinds: f.kind ? [f.kind] : undefined,
    statuses: f.status ? [f.status] : undefined,
    problemsOnly: f.problems,
    fromDate: f.from,
    toDate: f.to,
    search: f.q,
    beforeId: f.before,
    limit: PAGE_SIZE,
  };
  const rows = await ctx.rt.documents.list(filter);
  if (rows.length === 0)
    return emptyState(
      'No documents match',
      f.kind || f.status || f.from || f.to || f.q || f.problems ? html`<a href="/documents">Clear the filters</a>` : 'Documents posted to the API or imported appear here.',
    );
  const payloads = await ctx.rt.queue.documentPayloads(rows.map((r) => r.id));
  const settings = settingsOf(ctx.tenant?.settings);
  const ref = await cachedReference(ctx.rt, tenantId);
  const web = await xeroWeb(ctx.rt, tenantId);
  const last = rows[rows.length - 1];
  return html`<div class="table-wrap"><table class="grid" id="documents-grid"><thead><tr><th scope="col">Kind</th><th scope="col">Reference</th><th scope="col">Date</th>
<th scope="col">Status</th><th scope="col" class="num">Attempts</th><th scope="col">Xero</th><th scope="col" class="num">Total</th><th scope="col" class="num">Xero total</th></tr></thead>
<tbody>${rows.map(
    (
      r,
    ) => html`<tr><td data-label="Kind">${kindLabel(r.kind)}</td><td data-label="Reference"><a href="/documents/${r.id}">${r.reference}</a>${r.revision > 1 ? html` <span class="muted small">rev ${r.revision}</span>` : ''}</td>
<td data-label="Date" class="nowrap">${r.docDate ?? html`<span class="muted">—</span>`}</td><td data-label="Status">${statusBadge(r.status)}</td>
<td data-label="Attempts" class="num">${r.attempts ?? 0}</td><td data-label="Xero">${xeroLink(r.kind, r.xeroId, r.xeroNumber ?? r.reference, web)}</td>
${totalCell({ ...r, payload: payloads.get(r.id) }, settings, ref)}</tr>`,
  )}</tbody></table></div>
<nav class="pager" aria-label="Pages">${f.before ? html`<a class="btn" href="${urlWith('/documents', { ...f, before: undefined, problems: f.problems ? 1 : undefined })}">← First page</a>` : ''}
${rows.length === PAGE_SIZE && last ? html`<a class="btn" rel="next" href="${urlWith('/documents', { ...f, before: last.id, problems: f.problems ? 1 : undefined })}">Next page →</a>` : ''}</nav>`;
}

export function documentRoutes(app: FastifyInstance, rt: Runtime): void {
  app.get('/documents', async (req, reply) => {
    const ctx = await pageContext(rt, req, reply);
    const f = parseQuery(req.query);
    const list = ctx.tenant ? await listBody(ctx, ctx.tenant.id, f) : emptyState('No Xero organisation yet', 'Connect one in Settings.');
    return reply.type('text/html; charset=utf-8').send(await page(ctx, 'Documents', html`<section class="card">${filterForm(f)}${list}</section>`));
  });

  app.get('/documents/:id', async (req, reply) => {
    const ctx = await pageContext(rt, req, reply);
    const id = positiveInt((req.params as Record<string, unknown>).id);
    const doc = id && ctx.tenant ? await rt.documents.get(ctx.tenant.id, id) : null;
    if (!doc || !ctx.tenant) throw new HttpError(404, 'not_found', 'This document does not exist, or belongs to another organisation.');
    const body = await documentDetail(ctx, ctx.tenant.id, doc);
    return reply.type('text/html; charset=utf-8').send(await page(ctx, `${kindLabel(doc.kind)} ${doc.reference}`, body));
  });
}
