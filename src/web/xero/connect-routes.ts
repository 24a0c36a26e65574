/**
 * Connecting xport to Xero from Settings (admins only):
 *   GET  /settings/xero/connect        → Xero's consent page (PKCE S256 + state, scopes from XERO_SCOPES)
 *   GET  /settings/xero/callback       ← Xero's answer: exchange the code, read /connections
 *   GET  /settings/xero/organisations  the choice of organisations when the consent reached several
 *   POST /settings/xero/organisations  use the chosen ones (the others are disconnected in Xero)
 *   POST /settings/xero/disconnect     disconnect one organisation on purpose
 * The state and the PKCE verifier stay in the server-side session, never in the browser.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../../app/runtime';
import type { XeroTenantConnection } from '../../xero/connections-api';
import { requireAdmin, setFlash } from '../auth/session';
import { pageContext, tenantFor } from '../ui/context';
import { html } from '../ui/html';
import { csrfField, page } from '../ui/layout';

/** A consent that is not finished within this time must start again (Xero's codes live minutes). */
const CONSENT_TTL_MS = 15 * 60_000;

declare module 'fastify' {
  interface Session {
    xeroOAuth?: { state: string; codeVerifier: string; at: number };
    xeroPending?: { authId: string; organisations: XeroTenantConnection[] };
  }
}

function done(req: FastifyRequest, reply: FastifyReply, kind: 'ok' | 'error', text: string): FastifyReply {
  setFlash(req, kind, text);
  return reply.redirect('/settings#connection', 303);
}

function chosenIds(body: unknown): string[] {
  const v = (body as Record<string, unknown> | null)?.tenant;
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

async function adopt(rt: Runtime, req: FastifyRequest, reply: FastifyReply, authId: string, orgs: XeroTenantConnection[], chosen: string[]): Promise<FastifyReply> {
  const user = requireAdmin(req);
  const res = await rt.connections.adopt(authId, orgs, chosen, `web:${user.username}`);
  if (!res.ok) return done(req, reply, 'error', res.reason);
  const first = res.value[0];
  if (first) req.session.tenantId = first.id;
  const released = res.value.reduce((n, t) => n + t.released, 0);
  return done(
    req,
    reply,
    'ok',
    `Connected to Xero: ${res.value.map((t) => t.name).join(', ')}.${released > 0 ? ` ${released === 1 ? '1 held export resumes' : `${released} held exports resume`} now.` : ''}`,
  );
}

export function xeroConnectRoutes(app: FastifyInstance, rt: Runtime): void {
  app.get('/settings/xero/connect', async (req, reply) => {
    requireAdmin(req);
    if (!rt.connections.oauthEnabled) {
      return done(req, reply, 'error', 'OAuth is not configured: set XERO_CLIENT_ID, XERO_CLIENT_SECRET and XERO_REDIRECT_URI (…/settings/xero/callback), then restart xport.');
    }
    const { url, state, codeVerifier } = await rt.connections.beginAuthorization();
    req.session.xeroOAuth = { state, codeVerifier, at: Date.now() };
    return reply.redirect(url, 302);
  });

  app.get('/settings/xero/callback', async (req, reply) => {
    requireAdmin(req);
    const expected = req.session.xeroOAuth;
    req.session.xeroOAuth = undefined; // single use, whatever happens next
    if (!expected || Date.now() - expected.at > CONSENT_TTL_MS)
      return done(req, reply, 'error', 'This answer from Xero does not match a sign-in started here (or it took too long). Press Connect to Xero again.');
    const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
    const callbackUrl = new URL(`${rt.config.xero.redirectUri ?? ''}${query}`);
    const res = await rt.connections.finishAuthorization(callbackUrl, expected);
    if (!res.ok) {
      rt.logger.warn({ code: res.code }, 'Xero authorisation failed');
      return done(req, reply, 'error', res.code === 'access_denied' ? 'Xero access was not granted; nothing changed.' : `Connecting to Xero failed: ${res.reason}`);
    }
    const { authId, organisations } = res.value;
    if (organisations.length === 1)
      return adopt(
        rt,
        req,
        reply,
        authId,
        organisations,
        organisations.map((o) => o.tenantId),
      );
    req.session.xeroPending = { authId, organisations };
    return reply.redirect('/settings/xero/organisations', 303);
  });

  app.get('/settings/xero/organisations', async (req, reply) => {
    requireAdmin(req);
    const pending = req.session.xeroPending;
    if (!pending) return reply.redirect('/settings#connection', 303);
    const ctx = await pageContext(rt, req, reply);
    const body = html`<section class="card"><p>Xero gave access to these organisations. xport exports to the ones you keep ticked; the others are disconnected in Xero.</p>
<form method="post" action="/settings/xero/organisations" class="stack">${csrfField(ctx)}
<fieldset><legend>Organisations</legend>${pending.organisations.map((o) => html`<label><input type="checkbox" name="tenant" value="${o.tenantId}" checked> ${o.tenantName}</label>`)}</fieldset>
<button class="btn btn-primary">Use these organisations</button></form></section>`;
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(await page(ctx, 'Choose Xero organisations', body));
  });

  app.post('/settings/xero/organisations', async (req, reply) => {
    requireAdmin(req);
    const pending = req.session.xeroPending;
    req.session.xeroPending = undefined;
    if (!pending) return done(req, reply, 'error', 'Nothing is waiting to be connected: press Connect to Xero again.');
    return adopt(rt, req, reply, pending.authId, pending.organisations, chosenIds(req.body));
  });

  app.post('/settings/xero/disconnect', async (req, reply) => {
    const user = requireAdmin(req);
    const asked = (req.body as Record<string, unknown> | null)?.tenantId;
    const tenantId = typeof asked === 'string' && asked ? asked : await tenantFor(rt, req);
    const res = await rt.connections.disconnect(tenantId, `web:${user.username}`);
    return done(req, reply, res.ok ? 'ok' : 'error', res.ok ? `Disconnected ${res.value.name}: its exports wait until it is connected again.` : res.reason);
  });
}
