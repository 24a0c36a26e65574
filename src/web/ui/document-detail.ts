/** One document: its facts, its export's state and actions, every attempt, its log entries, its payload. */
import type { ListedDocument } from '../../app/documents-service';
import { cachedReference, type CachedReference } from './cached-reference';
import type { PageContext } from './context';
import { expectedTotal } from './document-totals';
import type { OrgSettings } from '../../domain/settings';
import { kindLabel, money, statusBadge, time, xeroLink, xeroWeb } from './format';
import { settingsOf } from './group-hints';
import { html, type Html } from './html';
import { csrfField, emptyState } from './layout';

type Doc = ListedDocument & { payload: string };

export function totalCell(row: ListedDocument & { payload?: string }, settings: OrgSettings, ref: CachedReference): Html {
  const expected = row.payload ? expectedTotal(row.payload, settings, ref) : null;
  const ours = row.total ?? expected?.total ?? null;
  const differs = ours !== null && row.xeroTotal !== null && Number(ours) !== Number(row.xeroTotal);
  return html`<td data-label="Total" class="num">${ours !== null ? money(ours) : html`<span class="muted">—</span>`}${expected && !expected.exact && !row.total ? html`<span class="muted" title="a tax rate is not known yet"> ≈</span>` : ''}</td>
<td data-label="Xero total" class="num ${differs ? 'mismatch' : ''}">${row.xeroTotal !== null ? money(row.xeroTotal) : html`<span class="muted">—</span>`}${differs ? html` <span class="badge badge-failed" title="Xero's total differs from the document's">differs</span>` : ''}</td>`;
}

function actions(ctx: PageContext, doc: Doc): Html {
  if (!ctx.canEdit || !doc.exportId || !['failed', 'queued', 'waiting'].includes(doc.status ?? '')) return html``;
  const form = (action: string, label: string, cls: string) => html`<form method="post" action="/queue/exports/${doc.exportId}/${action}">${csrfField(ctx)}
<input type="hidden" name="next" value="/documents/${doc.id}"><button class="btn ${cls}">${label}</button></form>`;
  return html`<div class="inline-actions">${doc.status === 'failed' ? form('retry', 'Export again', 'btn-primary') : ''}${form('skip', 'Skip', '')}${doc.status === 'failed' ? form('delete', 'Delete from queue', 'btn-danger') : ''}</div>`;
}

/** The date Xero got, beside the source date, when the lock-date policy moved it. */
function movedDate(row: { xeroDate: string | null } | null): Html {
  if (!row?.xeroDate) return html``;
  return html`<dt>Date in Xero</dt><dd id="xero-date">${row.xeroDate} <span class="muted small">moved by the lock-date policy (see the Connection Log below)</span></dd>`;
}

/** In words: a refused element of a batch Xero answered with 200 is "refused by Xero", not "HTTP 200". */
function attemptOutcome(outcome: string | null, status: number | null): string {
  if (outcome === null) return 'unfinished (the answer never came back)';
  if (outcome === 'ok') return 'accepted by Xero';
  if (status === null) return 'not sent: Xero could not be reached';
  return status < 300 ? 'refused by Xero' : `refused by Xero (HTTP ${status})`;
}

async function attemptsTable(ctx: PageContext, exportId: number | null): Promise<Html> {
  const attempts = exportId ? await ctx.rt.queue.attempts(exportId) : [];
  if (attempts.length === 0) return emptyState('No attempts yet', 'Nothing has been sent to Xero for this document.');
  return html`<div class="table-wrap"><table class="grid" id="attempts-grid"><thead><tr><th scope="col">#</th><th scope="col">Started</th><th scope="col">Outcome</th><th scope="col">Error</th><th scope="col">Correlation id</th></tr></thead>
<tbody>${attempts.map((a) => html`<tr><td data-label="#">${a.attemptNo}</td><td data-label="Started" class="nowrap">${time(a.startedAt, 'datetime', ctx.tz)}</td><td data-label="Outcome">${attemptOutcome(a.outcome, a.httpStatus)}</td><td data-label="Error" class="error-text">${a.error ?? ''}</td><td data-label="Correlation id" class="mono small">${a.correlationId ?? ''}</td></tr>`)}</tbody></table></div>`;
}

async function logTable(ctx: PageContext, tenantId: string, exportId: number | null): Promise<Html> {
  const res = exportId ? await ctx.rt.connectionLog.search({ tenantId, exportId, limit: 100 }) : { entries: [] };
  if (res.entries.length === 0) return emptyState('No log entries', 'Log entries about this document appear here.');
  return html`<div class="table-wrap"><table class="grid" id="doc-log-grid"><thead><tr><th scope="col">Time</th><th scope="col">Level</th><th scope="col">Details</th></tr></thead>
<tbody>${res.entries.map((e) => html`<tr><td data-label="Time" class="nowrap"><a href="/log/${e.id}">${time(e.at, 'datetime', ctx.tz)}</a></td><td data-label="Level">${e.level === 'error' ? 'Error' : 'Info'}</td><td data-label="Details">${e.message}</td></tr>`)}</tbody></table></div>`;
}

export async function documentDetail(ctx: PageContext, tenantId: string, doc: Doc): Promise<Html> {
  const exportRow = doc.exportId ? await ctx.rt.queue.get(tenantId, doc.exportId) : null;
  const ref = await cachedReference(ctx.rt, tenantId);
  const revisions = await ctx.rt.documents.revisions(tenantId, doc.kind, doc.sourceId);
  let pretty = doc.payload;
  try {
    pretty = JSON.stringify(JSON.parse(doc.payload), null, 2);
  } catch {
    /* shown as stored */
  }
  const problem = exportRow?.lastError
    ? html`<div class="alert ${exportRow.status === 'failed' ? 'alert-error' : 'alert-warn'}"><strong>Export Error</strong>: ${exportRow.lastError}
${exportRow.actionRequired ? html`<p><strong>Action Required</strong>: ${exportRow.actionRequired}</p>` : ''}</div>`
    : '';
  return html`<section class="card"><div class="section-head"><h2>Export</h2>${actions(ctx, doc)}</div>${problem}
${exportRow?.status === 'waiting' ? html`<div class="alert alert-warn">Waiting: ${exportRow.waitReason ?? ''}</div>` : ''}
<dl class="facts"><dt>Kind</dt><dd>${kindLabel(doc.kind)}</dd><dt>Source id</dt><dd class="mono">${doc.sourceId}</dd><dt>Revision</dt><dd>${doc.revision}</dd>
<dt>Date</dt><dd>${doc.docDate ?? '—'}</dd>${movedDate(exportRow)}<dt>Received</dt><dd>${time(doc.receivedAt, 'datetime', ctx.tz)}</dd><dt>Status</dt><dd>${statusBadge(doc.status)}</dd>
<dt>Attempts</dt><dd>${doc.attempts ?? 0}</dd><dt>In Xero</dt><dd>${xeroLink(doc.kind, doc.xeroId, doc.xeroNumber ?? doc.reference, await xeroWeb(ctx.rt, tenantId))}</dd>
${exportRow?.exportedAt ? html`<dt>Exported</dt><dd>${time(exportRow.exportedAt, 'datetime', ctx.tz)}</dd>` : ''}</dl>
<table class="grid totals"><thead><tr><th scope="col" class="num">Total</th><th scope="col" class="num">Xero's total</th></tr></thead><tbody><tr>${totalCell(doc, settingsOf(ctx.tenant?.settings), ref)}</tr></tbody></table></section>
<section class="card"><h2>Attempts</h2>${await attemptsTable(ctx, doc.exportId)}</section>
<section class="card"><h2>Connection Log</h2>${await logTable(ctx, tenantId, doc.exportId)}</section>
${revisions.length > 1 ? html`<section class="card"><h2>Revisions</h2><ul>${revisions.map((r) => html`<li><a href="/documents/${r.id}">Revision ${r.revision}</a> received ${time(r.receivedAt, 'datetime', ctx.tz)}${r.id === doc.id ? ' (this one)' : ''}</li>`)}</ul></section>` : ''}
<section class="card"><details><summary>Document as received</summary><pre class="code">${pretty}</pre></details></section>`;
}
