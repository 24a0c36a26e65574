/**
 * Linking a source customer or supplier to an existing Xero contact without reading ids out of the
 * Xero API: search Xero's contacts by name, email or account number (through the call gate, cached),
 * or paste the contact's URL from Xero. The Action Required of a duplicate-name or merged-contact
 * failure links here for its row.
 *   GET  /settings/contacts/pick?kind=customer&sourceId=CUST-001&q=acme
 *   POST /settings/contacts/link   kind, sourceId, contact (a ContactID or a Xero URL)
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../../app/runtime';
import { contactIdFrom, type XeroContactSummary } from '../../engine/contact-directory';
import { applySettingsPatch } from '../../domain/settings';
import { xeroUrl } from '../../domain/xero-links';
import { requireAdmin, setFlash } from '../auth/session';
import { pageContext, tenantFor, type PageContext } from './context';
import { plural, str, urlWith, xeroWeb, type XeroWeb } from './format';
import { settingsOf } from './group-hints';
import { html, type Html } from './html';
import { csrfField, emptyState, page } from './layout';

type Kind = 'customer' | 'supplier';

export function pickerHref(kind: Kind, sourceId: string): string {
  return urlWith('/settings/contacts/pick', { kind, sourceId });
}

/**
 * "Acme Ltd" with an Open in Xero link that selects the organisation first (its short code, `web`);
 * `web` is null against a sandbox, which has no web app to open (format.ts's xeroWeb).
 */
export function contactName(web: XeroWeb | null, kind: Kind, c: XeroContactSummary | undefined, id: string): Html {
  if (!c) return html`<span class="muted" title="${id}">name not available</span>`;
  const href = web ? xeroUrl(kind, c.id, web.shortCode) : null;
  const open = href ? html` <a href="${href}" target="_blank" rel="noopener noreferrer" class="small">Open in Xero</a>` : '';
  return html`<span title="${c.id}">${c.name}</span>${c.status !== 'ACTIVE' ? html` <span class="badge badge-failed">${c.status.toLowerCase()}</span>` : ''}${open}`;
}

function kindOf(v: unknown): Kind {
  return str(v) === 'supplier' ? 'supplier' : 'customer';
}

function resultsTable(ctx: PageContext, web: XeroWeb | null, kind: Kind, sourceId: string, contacts: XeroContactSummary[]): Html {
  return html`<div class="table-wrap"><table class="grid" id="contact-results"><thead><tr><th scope="col">Xero contact</th><th scope="col">Email</th><th scope="col">Account number</th><th scope="col"><span class="sr-only">Action</span></th></tr></thead>
<tbody>${contacts.map(
    (c) => html`<tr><td data-label="Xero contact">${contactName(web, kind, c, c.id)}</td><td data-label="Email">${c.email ?? ''}</td><td data-label="Account number">${c.accountNumber ?? ''}</td>
<td data-label="">${
      ctx.canEdit && sourceId
        ? html`<form method="post" action="/settings/contacts/link">${csrfField(ctx)}<input type="hidden" name="kind" value="${kind}"><input type="hidden" name="sourceId" value="${sourceId}"><input type="hidden" name="contact" value="${c.id}">
<button class="btn btn-small btn-primary">Link ${sourceId} to this contact</button></form>`
        : ''
    }</td></tr>`,
  )}</tbody></table></div>`;
}

async function pickerBody(ctx: PageContext, tenantId: string, q: Record<string, unknown>, error: string | null): Promise<Html> {
  const kind = kindOf(q.kind);
  const sourceId = str(q.sourceId).slice(0, 255);
  const term = str(q.q).slice(0, 100);
  const current = settingsOf(ctx.tenant?.settings).contactLinks[kind][sourceId];
  let found: Html = html``;
  if (term) {
    const res = await ctx.rt.settings.directory.search(tenantId, term);
    found = !res.ok
      ? html`<div class="alert alert-error" role="alert">Xero could not be searched: ${res.reason}. Paste the contact's URL instead, or try again.</div>`
      : res.contacts.length === 0
        ? emptyState(`No Xero contact matches "${term}"`, 'Search by another part of the name, the email address or the account number.')
        : html`<p class="muted">${plural(res.contacts.length, 'contact')} in Xero match "${term}".</p>${resultsTable(ctx, await xeroWeb(ctx.rt, tenantId), kind, sourceId, res.contacts)}`;
  }
  return html`<section class="card" id="picker"><h2>Link ${kind === 'customer' ? 'customer' : 'supplier'} ${sourceId || '…'} to a Xero contact</h2>
${error ? html`<div class="alert alert-error" role="alert" id="picker-error">${error}</div>` : ''}
${current ? html`<p>Linked now to Xero contact <span class="mono">${current}</span>.</p>` : ''}
<form class="filters" method="get" action="/settings/contacts/pick" role="search" aria-label="Search Xero contacts">
<label>Kind <select name="kind"><option value="customer" ${kind === 'customer' ? html`selected` : ''}>Customer</option><option value="supplier" ${kind === 'supplier' ? html`selected` : ''}>Supplier</option></select></label>
<label>Code in the source system <input name="sourceId" value="${sourceId}" required maxlength="255"></label>
<label>Name, email or account number in Xero <input type="search" name="q" value="${term}" autofocus></label>
<button class="btn">Search Xero</button></form>${found}
${
  ctx.canEdit && sourceId
    ? html`<h3>Or paste the contact from Xero</h3><form method="post" action="/settings/contacts/link" class="inline-actions">${csrfField(ctx)}
<input type="hidden" name="kind" value="${kind}"><input type="hidden" name="sourceId" value="${sourceId}">
<label>The contact's URL in Xero, or its ContactID <input name="contact" size="60" placeholder="https://go.xero.com/Contacts/View/…" required></label>
<button class="btn btn-primary">Link</button></form>`
    : ''
}
<p><a href="/settings#contacts">← Back to Settings</a></p></section>`;
}

async function renderPicker(rt: Runtime, req: FastifyRequest, reply: FastifyReply, q: Record<string, unknown>, error: string | null = null) {
  const ctx = await pageContext(rt, req, reply);
  const body = ctx.tenant ? await pickerBody(ctx, ctx.tenant.id, q, error) : emptyState('No Xero organisation yet', html`<a href="/settings#connection">Connect to Xero</a> first.`);
  return reply
    .code(error ? 422 : 200)
    .type('text/html; charset=utf-8')
    .send(await page(ctx, 'Link a contact', body));
}

async function link(rt: Runtime, req: FastifyRequest, reply: FastifyReply) {
  const user = requireAdmin(req);
  const tenantId = await tenantFor(rt, req);
  const b = (req.body ?? {}) as Record<string, unknown>;
  const kind = kindOf(b.kind);
  const sourceId = str(b.sourceId).slice(0, 255);
  const id = contactIdFrom(str(b.contact));
  if (!sourceId) return renderPicker(rt, req, reply, b, 'Give the code of the customer or supplier in the source system.');
  if (!id) return renderPicker(rt, req, reply, b, `"${str(b.contact).slice(0, 80)}" is not a Xero contact: choose one from the search, or paste the URL of the contact's page in Xero.`);
  const found = await rt.settings.directory.lookup(tenantId, id);
  if (!found.ok) return renderPicker(rt, req, reply, b, `The contact could not be checked with Xero (${found.reason}); nothing was linked. Try again.`);
  if (!found.contact) return renderPicker(rt, req, reply, b, `${id} is not a contact in this Xero organisation; nothing was linked.`);
  const current = settingsOf((await rt.organisations.get(tenantId))?.settings);
  const patched = applySettingsPatch(current, { contactLinks: { ...current.contactLinks, [kind]: { ...current.contactLinks[kind], [sourceId]: found.contact.id } } });
  if (patched.ok) await rt.settings.replace(tenantId, patched.settings);
  const res = await rt.settings.linkContact(tenantId, { kind, sourceId, xeroContactId: found.contact.id, actor: `web:${user.username}` });
  setFlash(req, 'ok', `Linked ${kind} ${sourceId} to ${found.contact.name} in Xero.${res.requeued ? ` ${plural(res.requeued, 'failed export')} queued to export again.` : ''}`);
  return reply.redirect('/settings?saved=contacts#contacts', 303);
}

export function contactPickerRoutes(app: FastifyInstance, rt: Runtime): void {
  app.get('/settings/contacts/pick', (req, reply) => renderPicker(rt, req, reply, (req.query ?? {}) as Record<string, unknown>));
  app.post('/settings/contacts/link', (req, reply) => link(rt, req, reply));
}
