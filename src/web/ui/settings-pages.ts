/**
 * GET /settings and its actions: the Xero connection (organisations, switch, disconnect, reconnect),
 * mapping health with re-queue, refresh from Xero, and the mapping and option forms.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { syncConnections, type Runtime } from '../../app/runtime';
import { requireAdmin, safeNext, setFlash } from '../auth/session';
import type { XeroContactSummary } from '../../engine/contact-directory';
import { contactPickerRoutes } from './contact-picker';
import { cachedReference, type CachedReference } from './cached-reference';
import { currentTenant, pageContext, tenantFor, type PageContext } from './context';
import { plural, str, time, xeroWeb } from './format';
import { settingsOf } from './group-hints';
import { html, type Html } from './html';
import { csrfField, emptyState, page } from './layout';
import { failuresCausedBy, mappingProblems } from './mapping-health';
import { accountsSection, contactsSection, optionsSection, taxSection } from './settings-forms';
import { afterSaveRoutes, changedValues, parseCaused, savedNote, savedUrl } from './settings-after-save';
import { saveSection, SECTIONS, words, type Problem, type Section } from './settings-save';

const NAMES_WAIT_MS = 3000;

function connectionSection(ctx: PageContext, ref: CachedReference): Html {
  const app = ctx.rt.config.xero;
  const oauth = Boolean(app.clientId && app.redirectUri);
  const appState = oauth
    ? html`Xero app <span class="mono">${app.clientId}</span> signs in with OAuth 2.0 (PKCE) at <span class="mono">${app.loginUrl}</span>.`
    : app.clientId && app.clientSecret
      ? html`Custom connection (client credentials) with Xero app <span class="mono">${app.clientId}</span> at <span class="mono">${app.apiUrl}</span>.`
      : html`No Xero app is configured (XERO_CLIENT_ID and XERO_CLIENT_SECRET are not set).`;
  const rows = ctx.tenants.map((t) => {
    const paused = t.pausedUntil && t.pausedUntil > new Date().toISOString();
    const state =
      t.status === 'disconnected'
        ? html`<span class="badge badge-failed">disconnected</span>`
        : paused
          ? html`<span class="badge badge-waiting">paused</span>`
          : html`<span class="badge badge-exported">connected</span>`;
    const current = t.id === ctx.tenant?.id;
    return html`<tr ${current ? html`aria-current="true" class="current"` : ''}><td data-label="Organisation"><strong title="Xero tenant ${t.id}">${t.name}</strong>${current ? html` <span class="pill">current</span>` : ''}</td>
<td data-label="State">${state}${paused ? html`<div class="small">${t.pauseReason ?? ''}</div>` : ''}</td>
<td data-label="">${current ? '' : html`<form method="post" action="/settings/organisation">${csrfField(ctx)}<input type="hidden" name="tenantId" value="${t.id}"><input type="hidden" name="next" value="/settings"><button class="btn btn-small">Use this organisation</button></form>`}</td></tr>`;
  });
  const connect = oauth && ctx.canEdit ? html`<a class="btn btn-primary" href="/settings/xero/connect">Connect to Xero</a>` : '';
  const admin = ctx.canEdit
    ? html`<div class="inline-actions">${connect}
${oauth && ctx.tenants.length === 0 ? '' : html`<form method="post" action="/settings/connection/sync">${csrfField(ctx)}<button class="btn" ${app.clientId ? '' : html`disabled`}>${ctx.tenants.length ? 'Reconnect and refresh organisations' : 'Connect'}</button></form>`}
${ctx.tenant?.status === 'active' ? html`<form method="post" action="${oauth ? '/settings/xero/disconnect' : '/settings/connection/disconnect'}">${csrfField(ctx)}<input type="hidden" name="tenantId" value="${ctx.tenant.id}"><button class="btn btn-danger">Disconnect ${ctx.tenant.name}</button></form>` : ''}
${ctx.tenant ? html`<a class="btn" href="/settings/users">Users</a> <a class="btn" href="/settings/tokens">API tokens</a> <a class="btn" href="/settings/webhooks">Webhooks</a>` : ''}</div>`
    : '';
  const none = oauth
    ? 'Press Connect to Xero, sign in to Xero and choose the organisations xport may export to.'
    : app.clientId
      ? 'Press Connect to read the organisation of this custom connection.'
      : 'Set XERO_CLIENT_ID and XERO_CLIENT_SECRET (and XERO_REDIRECT_URI for OAuth), restart xport, then connect here.';
  return html`<section class="card" id="connection" aria-labelledby="connection-title"><h2 id="connection-title">Xero connection</h2><p>${appState}</p>
${ctx.tenants.length === 0 ? emptyState('No organisation connected', none) : html`<div class="table-wrap"><table class="grid"><thead><tr><th scope="col">Organisation</th><th scope="col">State</th><th scope="col"><span class="sr-only">Action</span></th></tr></thead><tbody>${rows}</tbody></table></div>`}
${admin}<p class="muted small">Reference data (accounts, tax rates, tracking categories) ${ref.fetchedAt ? html`read from Xero ${time(ref.fetchedAt, 'datetime', ctx.tz)}${ref.organisationName ? ` for ${ref.organisationName}` : ''}` : 'not read yet'}.</p>
${ctx.canEdit && ctx.tenant ? html`<form method="post" action="/settings/refresh">${csrfField(ctx)}<button class="btn">Refresh from Xero</button></form>` : ''}</section>`;
}

async function healthSection(ctx: PageContext, tenantId: string, ref: CachedReference): Promise<Html> {
  const problems = mappingProblems(settingsOf(ctx.tenant?.settings), ref);
  const body =
    ref.accounts.length === 0 && ref.taxRates.length === 0
      ? emptyState('Not checked yet', 'Refresh from Xero to check every mapping against the organisation.')
      : problems.length === 0
        ? html`<p class="ok-text">Every mapping resolves to an active account, tax rate and tracking category in Xero.</p>`
        : html`<ul class="health">${await Promise.all(
            problems.map(async (p) => {
              const n = (await failuresCausedBy(ctx.rt, tenantId, p.family, p.value)).length;
              return html`<li><strong>${p.mapping}</strong> → ${p.value}: ${p.problem}. <a href="${p.href}">Change the mapping</a>
${
  ctx.canEdit && n > 0
    ? html`<form method="post" action="/settings/health/requeue" class="inline">${csrfField(ctx)}<input type="hidden" name="family" value="${p.family}"><input type="hidden" name="value" value="${p.value}">
<button class="btn btn-small btn-primary">Re-queue the ${plural(n, 'failure')} this mapping caused</button></form>`
    : html` <span class="muted small">${n === 0 ? 'No failed export was caused by it.' : plural(n, 'failed export')}</span>`
}</li>`;
            }),
          )}</ul>`;
  return html`<section class="card" id="health" aria-labelledby="health-title"><h2 id="health-title">Mapping health</h2>${body}</section>`;
}

function problemsAlert(section: Section, problems: Problem[]): Html {
  return html`<div class="alert alert-error" role="alert" id="settings-errors"><strong>Nothing was saved in ${section}</strong>: please fix
<ul>${problems.map((p) => html`<li><strong>${p.field}</strong>: ${p.message}</li>`)}</ul></div>`;
}

async function renderSettings(rt: Runtime, req: FastifyRequest, reply: FastifyReply, errors: { section: Section; problems: Problem[] } | null = null) {
  const ctx = await pageContext(rt, req, reply);
  if (!ctx.tenant) return reply.type('text/html; charset=utf-8').send(await page(ctx, 'Settings', connectionSection(ctx, await emptyRef())));
  const ref = await cachedReference(rt, ctx.tenant.id);
  const s = settingsOf(ctx.tenant.settings);
  const q = (req.query ?? {}) as Record<string, unknown>;
  const saved = SECTIONS.find((x) => x === str(q.saved));
  if (saved && ctx.flash && !errors) {
    ctx.note = { section: saved, html: await savedNote(ctx, ctx.tenant.id, ctx.flash, parseCaused(q.caused)) };
    ctx.flash = null;
  }
  const links = await rt.settings.contactLinks(ctx.tenant.id);
  const body = html`${errors ? problemsAlert(errors.section, errors.problems) : ''}
<nav class="toc" aria-label="Settings sections"><a href="#connection">Connection</a><a href="#health">Mapping health</a><a href="#accounts">Accounts</a><a href="#tax">Tax</a><a href="#contacts">Contacts</a><a href="#options">Options</a></nav>
${connectionSection(ctx, ref)}${await healthSection(ctx, ctx.tenant.id, ref)}${accountsSection(ctx, s, ref, str(q.linecode).slice(0, 10))}${taxSection(ctx, s, ref)}
${contactsSection(ctx, s, links, await contactNames(rt, ctx.tenant.id, [...Object.values(s.contactLinks.customer), ...Object.values(s.contactLinks.supplier), ...links.map((l) => l.xeroContactId)]), await xeroWeb(rt, ctx.tenant.id))}${optionsSection(ctx, s, ref)}`;
  return reply
    .code(errors ? 422 : 200)
    .type('text/html; charset=utf-8')
    .send(await page(ctx, 'Settings', body, { subtitle: html`For <strong>${ctx.tenant.name}</strong>` }));
}

/** Xero names of linked contacts, from the directory's cache or Xero; the page does not wait long for Xero. */
async function contactNames(rt: Runtime, tenantId: string, ids: string[]): Promise<Map<string, XeroContactSummary>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Map<string, XeroContactSummary>>((resolve) => {
    timer = setTimeout(() => resolve(new Map()), NAMES_WAIT_MS);
  });
  try {
    return await Promise.race([rt.settings.directory.names(tenantId, ids.slice(0, 250)), late]);
  } finally {
    clearTimeout(timer);
  }
}

async function emptyRef(): Promise<CachedReference> {
  return { accounts: [], taxRates: [], trackingCategories: [], organisationName: null, fetchedAt: null };
}

export function settingsRoutes(app: FastifyInstance, rt: Runtime): void {
  app.get('/settings', (req, reply) => renderSettings(rt, req, reply));
  afterSaveRoutes(app, rt);
  contactPickerRoutes(app, rt);

  for (const section of SECTIONS) {
    app.post(`/settings/${section}`, async (req, reply) => {
      const user = requireAdmin(req);
      const tenantId = await tenantFor(rt, req);
      const tenant = await rt.organisations.get(tenantId);
      const before = settingsOf(tenant?.settings);
      const result = saveSection(before, section, (req.body ?? {}) as Record<string, unknown>);
      if (!result.ok) return renderSettings(rt, req, reply, { section, problems: result.problems });
      const checked = await rt.settings.checkContactLinks(tenantId, before, result.settings);
      if (!checked.ok) return renderSettings(rt, req, reply, { section, problems: checked.issues.map((i) => ({ field: words(i.path), message: i.message })) });
      await rt.settings.save(tenantId, checked.settings, `web:${user.username}`, section);
      setFlash(req, 'ok', 'Saved.');
      return reply.redirect(savedUrl(section, changedValues(section, before, checked.settings)), 303);
    });
  }

  app.post('/settings/organisation', async (req, reply) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const { tenants } = await currentTenant(rt, req);
    const chosen = tenants.find((t) => t.id === str(b.tenantId));
    if (chosen) req.session.tenantId = chosen.id;
    setFlash(req, chosen ? 'ok' : 'error', chosen ? `Now showing ${chosen.name}.` : 'That organisation is not connected.');
    return reply.redirect(safeNext(b.next), 303);
  });

  app.post('/settings/refresh', async (req, reply) => {
    requireAdmin(req);
    const res = await rt.reference.refresh(await tenantFor(rt, req));
    setFlash(
      req,
      res.ok ? 'ok' : 'error',
      res.ok
        ? `Read from Xero: ${res.data.accounts.length} accounts, ${res.data.taxRates.length} tax rates, ${res.data.trackingCategories.length} tracking categories.`
        : `Xero could not be read: ${res.reason}`,
    );
    return reply.redirect('/settings#connection', 303);
  });

  app.post('/settings/health/requeue', async (req, reply) => {
    const user = requireAdmin(req);
    const tenantId = await tenantFor(rt, req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const family = str(b.family) === 'tax' ? 'tax' : str(b.family) === 'tracking' ? 'tracking' : 'account';
    const ids = await failuresCausedBy(rt, tenantId, family, str(b.value));
    const changed = await rt.queue.retry(tenantId, ids, `web:${user.username}`);
    setFlash(req, 'ok', `${plural(changed.length, 'failed export')} queued to export again.`);
    return reply.redirect('/settings#health', 303);
  });

  app.post('/settings/connection/disconnect', async (req, reply) => {
    const user = requireAdmin(req);
    const tenantId = await tenantFor(rt, req);
    await rt.organisations.disconnect(tenantId, `web:${user.username}`);
    setFlash(req, 'ok', 'Disconnected: exports to this organisation wait until it is reconnected.');
    return reply.redirect('/settings#connection', 303);
  });

  app.post('/settings/connection/sync', async (req, reply) => {
    const user = requireAdmin(req);
    const res = await syncConnections(rt);
    if (res.ok) await rt.organisations.synced(`web:${user.username}`, res.tenants, (await currentTenant(rt, req)).tenant?.id ?? null);
    setFlash(
      req,
      res.ok ? 'ok' : 'error',
      res.ok ? `Connected to ${plural(res.tenants.length, 'organisation')}: ${res.tenants.map((t) => t.name).join(', ')}.` : `Xero could not be reached: ${res.reason}`,
    );
    return reply.redirect('/settings#connection', 303);
  });
}
