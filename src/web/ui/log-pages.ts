/** GET /log: the Connection Log (last N days, newest first, level and free text) and one entry's detail. */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../app/runtime';
import type { LogEntry } from '../../app/connection-log-reader';
import { HttpError } from '../errors';
import { pageContext } from './context';
import { eventWords, whenWords } from '../../domain/words';
import { count, positiveInt, str, time, urlWith, xeroLink, xeroWeb } from './format';
import { html, type Html } from './html';
import { emptyState, page } from './layout';

const PAGE_SIZE = 50;
const LEVELS = [
  ['all', 'All'],
  ['error', 'Error'],
  ['info', 'Info'],
] as const;
/** Never shown, whatever an entry's details hold. */
const SECRET_KEY = /token|authori[sz]ation|secret|password|cookie/i;

function levelBadge(level: string): Html {
  return html`<span class="badge badge-${level === 'error' ? 'failed' : 'info'}">${level === 'error' ? 'Error' : 'Info'}</span>`;
}

function entryRow(e: LogEntry, tz: string): Html {
  return html`<tr><td data-label="Time" class="nowrap"><a href="/log/${e.id}">${time(e.at, 'datetime', tz)}</a></td><td data-label="Level">${levelBadge(e.level)}</td>
<td data-label="Event" class="nowrap" title="${e.event}">${eventWords(e.event)}</td><td data-label="Details">${humanTimes(e.message, tz)}</td></tr>`;
}

function filterForm(level: string, q: string, days: number): Html {
  return html`<form class="filters" method="get" action="/log" role="search" aria-label="Filter the log">
<label>Log Level <select name="level">${LEVELS.map(([v, l]) => html`<option value="${v}" ${v === level ? html`selected` : ''}>${l}</option>`)}</select></label>
<label>Search <input type="search" name="q" value="${q}" placeholder="Reference, message…"></label>
<button class="btn">Filter</button>${level !== 'all' || q ? html` <a class="btn btn-link" href="/log">Clear</a>` : ''}
<span class="muted small">Entries of the last ${days} days, newest first.</span></form>`;
}

/** ISO instants inside stored messages ("paused until 2026-12-02T00:31:50.010Z") in the organisation's time. */
export function humanTimes(text: string, tz: string): string {
  return text.replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})\b/g, (iso) => whenWords(iso, new Date(), tz));
}

/** Xero's remaining allowances, in words. */
function limitsWords(v: Record<string, unknown>): string {
  const n = (k: string) => (typeof v[k] === 'number' ? count(v[k]) : null);
  const parts = [
    n('dayRemaining') && `${n('dayRemaining')} calls left today`,
    n('minuteRemaining') && `${n('minuteRemaining')} left this minute`,
    n('appMinuteRemaining') && `${n('appMinuteRemaining')} left this minute for the app`,
  ];
  const words = parts.filter(Boolean).join(' · ');
  return words || 'not reported';
}

function detailValue(key: string, value: unknown, tz: string): Html {
  if (SECRET_KEY.test(key)) return html`<span class="muted">(hidden)</span>`;
  if (value === null || value === undefined) return html`<span class="muted">—</span>`;
  if (key === 'limits' && typeof value === 'object' && !Array.isArray(value)) return html`${limitsWords(value as Record<string, unknown>)}`;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return time(value, 'when', tz);
  if (key === 'durationMs' && typeof value === 'number') return html`${value < 1000 ? `${value} ms` : `${(value / 1000).toFixed(1)} s`}`;
  if (typeof value === 'object') return html`<pre class="code">${JSON.stringify(value, (k, v: unknown) => (SECRET_KEY.test(k) ? '(hidden)' : v), 2)}</pre>`;
  return html`${String(value)}`;
}

const DETAIL_LABELS: Record<string, string> = {
  correlationId: 'Xero correlation id',
  limits: 'Xero allowance left',
  durationMs: 'Duration',
  httpStatus: 'HTTP status',
  until: 'Until',
  at: 'At',
  endpoint: 'Xero endpoint',
  code: 'Error code',
  class: 'Error class',
  action: 'Action required',
  xeroId: 'Xero id',
  kind: 'Kind',
  size: 'Elements sent',
};

async function detailPage(rt: Runtime, e: LogEntry, tz: string): Promise<Html> {
  const doc = e.exportId ? await rt.queue.get(e.tenantId ?? '', e.exportId) : null;
  const details = Object.entries(e.details ?? {});
  return html`<section class="card"><dl class="facts">
<dt>Time</dt><dd>${time(e.at, 'datetime', tz)}</dd><dt>Level</dt><dd>${levelBadge(e.level)}</dd><dt>Event</dt><dd title="${e.event}">${eventWords(e.event)}</dd>
<dt>Message</dt><dd>${humanTimes(e.message, tz)}</dd>
<dt>Document</dt><dd>${doc ? html`<a href="/documents/${doc.documentId}">${e.documentRef ?? doc.sourceId}</a>` : (e.documentRef ?? html`<span class="muted">—</span>`)}</dd>
${e.actor ? html`<dt>By</dt><dd>${e.actor}</dd>` : ''}
${details.filter(([k]) => k !== 'xeroId' && k !== 'kind').map(([k, v]) => html`<dt>${DETAIL_LABELS[k] ?? k}</dt><dd>${detailValue(k, v, tz)}</dd>`)}
${typeof e.details?.xeroId === 'string' && doc ? html`<dt>In Xero</dt><dd>${xeroLink(doc.kind, e.details.xeroId, doc.xeroNumber ?? doc.sourceId, await xeroWeb(rt, doc.tenantId))}</dd>` : ''}
</dl><p><a href="/log">← Back to the Connection Log</a></p></section>`;
}

export function logRoutes(app: FastifyInstance, rt: Runtime): void {
  app.get('/log', async (req, reply) => {
    const ctx = await pageContext(rt, req, reply);
    const qs = req.query as Record<string, unknown>;
    const level = str(qs.level) === 'error' || str(qs.level) === 'info' ? (str(qs.level) as 'error' | 'info') : 'all';
    const q = str(qs.q).slice(0, 200);
    const days = rt.config.logRetentionDays;
    const since = new Date(Date.now() - days * 86_400_000);
    const res = ctx.tenant
      ? await rt.connectionLog.search({ tenantId: ctx.tenant.id, level, q: q || undefined, beforeId: positiveInt(qs.before), afterId: positiveInt(qs.after), since, limit: PAGE_SIZE })
      : { entries: [], nextCursor: null };
    const table =
      res.entries.length === 0
        ? emptyState(
            level !== 'all' || q ? 'No log entries match' : 'The log is empty',
            level !== 'all' || q ? html`<a href="/log">Clear the filters</a>` : `Exports, contact syncs, connection events and pauses of the last ${days} days appear here.`,
          )
        : html`<div class="table-wrap"><table class="grid" id="log-grid"><thead><tr><th scope="col">Time</th><th scope="col">Level</th><th scope="col">Event</th><th scope="col">Details</th></tr></thead>
<tbody>${res.entries.map((e) => entryRow(e, ctx.tz))}</tbody></table></div>`;
    const first = res.entries[0]?.id;
    const newer = qs.after ? (res.newerCursor ?? null) : qs.before ? (first ?? null) : null;
    const older = qs.after ? (res.entries.length ? res.nextCursor : null) : res.nextCursor;
    const pager = html`<nav class="pager" aria-label="Pages">${newer ? html`<a class="btn" href="${urlWith('/log', { level, q })}">« Newest</a> <a class="btn" rel="prev" href="${urlWith('/log', { level, q, after: newer })}">← Newer</a>` : ''}
${older ? html`<a class="btn" rel="next" href="${urlWith('/log', { level, q, before: older })}">Older →</a>` : ''}</nav>`;
    const body = html`<section class="card">${filterForm(level, q, days)}${table}${pager}</section>`;
    return reply.type('text/html; charset=utf-8').send(await page(ctx, 'Connection Log', body));
  });

  app.get('/log/:id', async (req, reply) => {
    const ctx = await pageContext(rt, req, reply);
    const id = positiveInt((req.params as Record<string, unknown>).id);
    const entry = id ? await rt.connectionLog.get(id) : null;
    if (!entry || (entry.tenantId !== null && entry.tenantId !== ctx.tenant?.id)) throw new HttpError(404, 'not_found', 'This log entry does not exist, or belongs to another organisation.');
    return reply.type('text/html; charset=utf-8').send(await page(ctx, 'Connection Log entry', await detailPage(rt, entry, ctx.tz)));
  });
}
