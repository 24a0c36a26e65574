/**
 * Settings → API tokens (admins only). A token belongs to one Xero organisation and acts only on
 * it; it is stored as a SHA-256 hash, so its value is shown once, in the answer to the create form
 * (never in a redirect, a flash message or the log), and afterwards only its prefix.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../../app/runtime';
import { requireAdmin, setFlash } from '../auth/session';
import { pageContext, type PageContext } from '../ui/context';
import { str, time } from '../ui/format';
import { html, type Html } from '../ui/html';
import { csrfField, emptyState, page } from '../ui/layout';

async function tokensTable(rt: Runtime, ctx: PageContext): Promise<Html> {
  const tokens = await rt.apiTokens.list();
  if (tokens.length === 0) return emptyState('No API tokens yet', 'Create one below for the system that sends documents to xport.');
  const names = new Map(ctx.tenants.map((t) => [t.id, t.name]));
  const rows = tokens.map(
    (t) => html`<tr><td data-label="Name"><strong>${t.name}</strong></td><td data-label="Token" class="mono">${t.prefix}…</td>
<td data-label="Organisation">${t.tenantId ? (names.get(t.tenantId) ?? t.tenantId) : html`<span class="muted">first organisation</span>`}</td><td data-label="Role">${t.role}</td>
<td data-label="Created">${time(t.createdAt, 'datetime', ctx.tz)}</td><td data-label="Last used">${t.lastUsedAt ? time(t.lastUsedAt, 'datetime', ctx.tz) : html`<span class="muted">never</span>`}</td>
<td data-label="">${t.revokedAt ? html`<span class="badge">revoked ${time(t.revokedAt, 'datetime', ctx.tz)}</span>` : html`<form method="post" action="/settings/tokens/${t.id}/revoke" class="inline">${csrfField(ctx)}<button class="btn btn-small btn-danger">Revoke</button></form>`}</td></tr>`,
  );
  return html`<div class="table-wrap"><table class="grid"><thead><tr><th scope="col">Name</th><th scope="col">Token</th><th scope="col">Organisation</th><th scope="col">Role</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="sr-only">Action</span></th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function createForm(ctx: PageContext): Html {
  if (ctx.tenants.length === 0) return html`<p class="muted">Connect a Xero organisation first: every token belongs to one.</p>`;
  return html`<form method="post" action="/settings/tokens" class="stack">${csrfField(ctx)}
<label>Name (what uses it) <input name="name" required maxlength="100" autocomplete="off"></label>
<label>Organisation <select name="tenantId">${ctx.tenants.map((t) => html`<option value="${t.id}" ${t.id === ctx.tenant?.id ? html`selected` : ''}>${t.name}</option>`)}</select></label>
<label>Role <select name="role"><option value="admin">admin: send documents and act on exports</option><option value="viewer">viewer: read only</option></select></label>
<button class="btn btn-primary">Create token</button></form>`;
}

async function render(rt: Runtime, req: FastifyRequest, reply: FastifyReply, created: { name: string; token: string } | null = null): Promise<FastifyReply> {
  requireAdmin(req);
  const ctx = await pageContext(rt, req, reply);
  const shown = created
    ? html`<div class="alert alert-ok" role="status"><p>Token <strong>${created.name}</strong> created. Copy it now: xport keeps only its hash and cannot show it again.</p>
<p><code class="mono" data-testid="new-token">${created.token}</code></p></div>`
    : '';
  const body = html`${shown}<section class="card"><h2>API tokens</h2><p class="muted">Send as <code>Authorization: Bearer &lt;token&gt;</code>. A token reads and acts on its own organisation only.</p>${await tokensTable(rt, ctx)}</section>
<section class="card"><h2>Create a token</h2>${createForm(ctx)}</section>`;
  return reply
    .code(created ? 201 : 200)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(await page(ctx, 'API tokens', body, { subtitle: html`<a href="/settings">Settings</a> · <a href="/settings/users">Users</a>` }));
}

export function tokensRoutes(app: FastifyInstance, rt: Runtime): void {
  app.get('/settings/tokens', (req, reply) => render(rt, req, reply));

  app.post('/settings/tokens', async (req, reply) => {
    const me = requireAdmin(req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const name = str(b.name).trim().slice(0, 100);
    const tenant = await rt.organisations.get(str(b.tenantId));
    const role = b.role === 'viewer' ? 'viewer' : 'admin';
    if (!name || !tenant) {
      setFlash(req, 'error', !name ? 'Give the token a name.' : 'Choose a connected organisation.');
      return reply.redirect('/settings/tokens', 303);
    }
    const { token } = await rt.apiTokens.create(`web:${me.username}`, { tenantId: tenant.id, name, role });
    return render(rt, req, reply, { name, token });
  });

  app.post('/settings/tokens/:id/revoke', async (req, reply) => {
    const me = requireAdmin(req);
    const id = Number((req.params as { id: string }).id);
    const done = Number.isInteger(id) && (await rt.apiTokens.revoke(`web:${me.username}`, id));
    setFlash(req, done ? 'ok' : 'error', done ? 'Token revoked: it no longer works.' : 'That token does not exist or was revoked already.');
    return reply.redirect('/settings/tokens', 303);
  });
}
