/**
 * Settings → Webhooks: the organisation's write-back webhook subscriptions (admins add and delete
 * them; the signing secret is shown once, in the answer to the form, never in a redirect or the log)
 * and each one's delivery log, where a failed or past delivery can be sent again.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../../app/runtime';
import type { DeliveryStatus, ListedDelivery } from '../../engine/write-back-service';
import { EVENT_TYPES, receiverUrlProblem } from '../../engine/write-back-events';
import { requireAdmin, setFlash } from '../auth/session';
import { HttpError } from '../errors';
import { pageContext, tenantFor, type PageContext } from './context';
import { positiveInt, str, strs, time, urlWith } from './format';
import { html, type Html } from './html';
import { csrfField, emptyState, page } from './layout';

const LOG_SIZE = 50;
const STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed'];
const BADGE: Record<DeliveryStatus, string> = { pending: 'waiting', delivered: 'exported', failed: 'failed' };

async function subscriptionsTable(ctx: PageContext, tenantId: string): Promise<Html> {
  const subs = await ctx.rt.writeBack.list(tenantId);
  if (subs.length === 0) return emptyState('No webhooks yet', 'Add the URL of a system that should hear about exports, failures and payments.');
  const rows = subs.map(
    (
      s,
    ) => html`<tr><td data-label="URL" class="mono"><a href="/settings/webhooks/${s.id}">${s.url}</a></td><td data-label="Events">${s.events ? s.events.join(', ') : html`<span class="muted">every event</span>`}</td>
<td data-label="Deliveries">${s.deliveries.delivered} delivered · ${s.deliveries.pending} pending · ${s.deliveries.failed ? html`<strong class="error-text">${s.deliveries.failed} failed</strong>` : '0 failed'}</td>
<td data-label="Created">${time(s.createdAt, 'datetime', ctx.tz)}</td>
<td data-label="">${ctx.canEdit ? html`<form method="post" action="/settings/webhooks/${s.id}/delete" class="inline">${csrfField(ctx)}<button class="btn btn-small btn-danger">Delete</button></form>` : ''}</td></tr>`,
  );
  return html`<div class="table-wrap"><table class="grid" id="webhooks"><thead><tr><th scope="col">URL</th><th scope="col">Events</th><th scope="col">Deliveries</th><th scope="col">Created</th><th scope="col"><span class="sr-only">Action</span></th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function createForm(ctx: PageContext): Html {
  return html`<form method="post" action="/settings/webhooks" class="stack">${csrfField(ctx)}
<label>Receiver URL (http or https) <input name="url" type="url" required maxlength="2048" autocomplete="off" placeholder="https://erp.example.com/xport-webhooks"></label>
<fieldset><legend>Events (none ticked: every event)</legend>${EVENT_TYPES.map((t) => html`<label class="inline"><input type="checkbox" name="events" value="${t}"> ${t}</label> `)}</fieldset>
<button class="btn btn-primary">Add webhook</button></form>`;
}

async function renderList(rt: Runtime, req: FastifyRequest, reply: FastifyReply, created: { url: string; secret: string } | null = null, problem: string | null = null): Promise<FastifyReply> {
  const ctx = await pageContext(rt, req, reply);
  const tenantId = await tenantFor(rt, req);
  const shown = created
    ? html`<div class="alert alert-ok" role="status"><p>Webhook for <strong>${created.url}</strong> added. Copy its signing secret now: it is not shown again.</p>
<p><code class="mono" data-testid="new-secret">${created.secret}</code></p></div>`
    : problem
      ? html`<div class="alert alert-error" role="alert">Nothing was added: the URL ${problem}.</div>`
      : '';
  const body = html`${shown}<section class="card"><h2>Webhooks</h2><p class="muted">xport POSTs each event to these URLs, signed per the Standard Webhooks specification (headers <code>webhook-id</code>, <code>webhook-timestamp</code>, <code>webhook-signature</code>),
and retries for 27 hours while a receiver does not answer 2xx. The same events are in the feed <code>GET /api/v1/events</code>.</p>${await subscriptionsTable(ctx, tenantId)}</section>
${ctx.canEdit ? html`<section class="card"><h2>Add a webhook</h2>${createForm(ctx)}</section>` : ''}`;
  return reply
    .code(created ? 201 : problem ? 422 : 200)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(await page(ctx, 'Webhooks', body, { subtitle: html`<a href="/settings">Settings</a> · <a href="/settings/tokens">API tokens</a>` }));
}

function deliveryRow(ctx: PageContext, subId: string, d: ListedDelivery): Html {
  const redeliver = ctx.canEdit
    ? html`<form method="post" action="/settings/webhooks/${subId}/deliveries/${d.id}/redeliver" class="inline">${csrfField(ctx)}<button class="btn btn-small">Redeliver</button></form>`
    : '';
  const next = d.status === 'pending' ? html`<div class="small muted">next attempt ${time(d.nextAttemptAt, 'when', ctx.tz)}</div>` : '';
  return html`<tr data-delivery="${d.id}"><td data-label="Event" class="mono">${d.type}<div class="small muted">msg_${d.eventId}</div></td><td data-label="Status"><span class="badge badge-${BADGE[d.status]}">${d.status}</span>${next}</td>
<td data-label="Attempts">${d.attempts}</td><td data-label="Last answer">${d.responseStatus === null ? '' : `HTTP ${d.responseStatus}`}${d.lastError ? html`<div class="small">${d.lastError}</div>` : ''}</td>
<td data-label="Time">${time(d.lastAttemptAt ?? d.createdAt, 'datetime', ctx.tz)}</td><td data-label="">${redeliver}</td></tr>`;
}

async function renderLog(rt: Runtime, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const ctx = await pageContext(rt, req, reply);
  const tenantId = await tenantFor(rt, req);
  const id = str((req.params as { id?: unknown }).id);
  const q = (req.query ?? {}) as Record<string, unknown>;
  const status = STATUSES.find((s) => s === str(q.status));
  const sub = await rt.writeBack.get(tenantId, id);
  const rows = sub ? await rt.writeBack.deliveryLog(tenantId, id, { limit: LOG_SIZE, before: positiveInt(q.before), status }) : null;
  if (!sub || !rows) throw new HttpError(404, 'not_found', 'That webhook does not exist (or was deleted)');
  const filters = html`<nav class="filters" aria-label="Delivery status">${[undefined, ...STATUSES].map((s) => html`<a class="btn btn-small ${s === status ? 'btn-primary' : ''}" href="${urlWith(`/settings/webhooks/${id}`, { status: s })}">${s ?? 'all'}</a> `)}</nav>`;
  const table = rows.length
    ? html`<div class="table-wrap"><table class="grid" id="deliveries"><thead><tr><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last answer</th><th scope="col">Time</th><th scope="col"><span class="sr-only">Action</span></th></tr></thead>
<tbody>${rows.map((d) => deliveryRow(ctx, id, d))}</tbody></table></div>${rows.length === LOG_SIZE ? html`<a class="btn" href="${urlWith(`/settings/webhooks/${id}`, { status, before: rows.at(-1)?.id })}">Older</a>` : ''}`
    : emptyState('No deliveries', 'Events appear here as they happen.');
  const body = html`<section class="card"><h2>Delivery log</h2><p class="mono">${sub.url}</p>${filters}${table}</section>`;
  return reply
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(await page(ctx, 'Webhook deliveries', body, { subtitle: html`<a href="/settings">Settings</a> · <a href="/settings/webhooks">Webhooks</a>` }));
}

export function webhookPagesRoutes(app: FastifyInstance, rt: Runtime): void {
  app.get('/settings/webhooks', (req, reply) => renderList(rt, req, reply));
  app.get('/settings/webhooks/:id', (req, reply) => renderLog(rt, req, reply));

  app.post('/settings/webhooks', async (req, reply) => {
    requireAdmin(req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const url = str(b.url).trim();
    const problem = receiverUrlProblem(url);
    if (problem) return renderList(rt, req, reply, null, problem);
    const events = EVENT_TYPES.filter((t) => strs(b.events).includes(t));
    const created = await rt.writeBack.subscribe(await tenantFor(rt, req), { url, events: events.length ? events : null });
    return renderList(rt, req, reply, { url, secret: created.secret });
  });

  app.post('/settings/webhooks/:id/delete', async (req, reply) => {
    requireAdmin(req);
    const done = await rt.writeBack.remove(await tenantFor(rt, req), str((req.params as { id?: unknown }).id));
    setFlash(req, done ? 'ok' : 'error', done ? 'Webhook deleted: nothing more is sent to it.' : 'That webhook does not exist or was deleted already.');
    return reply.redirect('/settings/webhooks', 303);
  });

  app.post('/settings/webhooks/:id/deliveries/:deliveryId/redeliver', async (req, reply) => {
    requireAdmin(req);
    const p = req.params as { id?: unknown; deliveryId?: unknown };
    const id = str(p.id);
    const deliveryId = positiveInt(p.deliveryId);
    const done = deliveryId !== undefined && (await rt.writeBack.redeliver(await tenantFor(rt, req), id, deliveryId));
    setFlash(req, done ? 'ok' : 'error', done ? 'Queued to be delivered again now, under the same webhook-id.' : 'That delivery does not exist.');
    return reply.redirect(`/settings/webhooks/${encodeURIComponent(id)}`, 303);
  });
}
