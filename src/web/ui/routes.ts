/**
 * The web UI: every page people see is registered here, and only here, in one Fastify context
 * (sessions, CSRF, CSP and the HTML error page apply here only; the JSON API keeps its Bearer tokens
 * and JSON errors, the Xero webhook its raw body: src/web/server.ts).
 *   /login, /setup, /logout      signing in (src/web/auth)
 *   /queue                       Manage Xero Queue: Current Xero Queue, Failed Xero Exports, groups
 *   /log                         Connection Log
 *   /documents                   every document and its export
 *   /reconciliation              what Xero holds that differs from what xport exported
 *   /settings                    Xero connection, mappings, options, mapping health
 *   /settings/xero/…             connecting organisations with OAuth (src/web/xero)
 *   /settings/users, /tokens     users and API tokens (src/web/admin)
 *   /settings/webhooks           write-back webhooks and their delivery logs
 *   /events                      server-sent banner updates
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../../app/runtime';
import { databaseHttpError } from '../errors';
import { registerSecurity, requireUser } from '../auth/session';
import { noStore } from '../no-store';
import { ensureConfiguredAdmin } from '../auth/users';
import { tokensRoutes } from '../admin/tokens-pages';
import { usersRoutes } from '../admin/users-pages';
import { xeroConnectRoutes } from '../xero/connect-routes';
import { registerBannerEvents } from './banner';
import { documentRoutes } from './documents-pages';
import { html } from './html';
import { barePage } from './layout';
import { logRoutes } from './log-pages';
import { notFoundHandler } from './not-found';
import { loginRoutes } from './login-pages';
import { queueActionRoutes } from './queue-actions';
import { queueRoutes } from './queue-pages';
import { reconciliationRoutes } from './reconciliation-pages';
import { settingsRoutes } from './settings-pages';
import { webhookPagesRoutes } from './webhooks-pages';

const STATIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'static');

/** The one HTML error page (an htmx request gets the message as a toast instead). */
function errorPage(err: FastifyError, req: FastifyRequest, reply: FastifyReply, rt: Runtime) {
  const db = databaseHttpError(err);
  if (db) err = Object.assign(new Error(db.message), { statusCode: db.statusCode, code: db.code }) as FastifyError;
  if (db?.statusCode === 503) reply.header('retry-after', '5');
  const status = err.statusCode ?? 500;
  const csrf = typeof err.code === 'string' && err.code.startsWith('FST_CSRF');
  if (status >= 500 && !db) rt.logger.error({ err, url: req.url }, 'web request failed');
  const message = csrf
    ? 'This form has expired or did not come from xport (its security token is missing or wrong). Reload the page and try again.'
    : db
      ? db.message
      : status >= 500
        ? 'Something went wrong on our side; the details are in the server log.'
        : err.message;
  if (status === 401 && req.method === 'GET' && !req.headers['hx-request']) return reply.redirect('/login');
  reply.code(status).header('cache-control', 'no-store');
  if (req.headers['hx-request']) {
    return reply
      .header('HX-Retarget', '#toast')
      .header('HX-Reswap', 'innerHTML')
      .type('text/html; charset=utf-8')
      .send(html`<div class="alert alert-error" role="alert">${message}</div>`.value);
  }
  const title = status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : status === 401 ? 'Signed out' : status === 503 ? 'Database unavailable' : 'Something went wrong';
  const back = req.url.startsWith('/settings') ? html`<a href="/settings">Back to Settings</a>` : html`<a href="/queue">Back to xport</a>`;
  return reply.type('text/html; charset=utf-8').send(barePage(title, html`<h1>${title}</h1><div class="alert alert-error" role="alert">${message}</div><p>${back}</p>`));
}

async function staticAssets(app: FastifyInstance): Promise<void> {
  const htmxPath = createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js');
  const htmx = await readFile(htmxPath);
  app.get('/static/htmx.min.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(htmx));
  const favicon = await readFile(path.join(STATIC_DIR, 'favicon.svg'));
  // Browsers ask for /favicon.ico whatever the page says.
  app.get('/favicon.ico', async (_req, reply) => reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(favicon));
  await app.register(fastifyStatic, { root: STATIC_DIR, prefix: '/static/', decorateReply: false, maxAge: 3600_000 });
}

export async function uiRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  await ensureConfiguredAdmin(rt);
  await app.register(async (ui) => {
    ui.setErrorHandler((err: FastifyError, req, reply) => errorPage(err, req, reply, rt));
    await staticAssets(ui);
    await registerSecurity(ui, rt);
    ui.setNotFoundHandler(notFoundHandler(rt));
    loginRoutes(ui, rt);
    await ui.register(async (pages) => {
      pages.addHook('preHandler', requireUser(rt));
      pages.addHook('onSend', noStore);
      pages.get('/', async (_req, reply) => reply.redirect('/queue'));
      registerBannerEvents(pages, rt);
      queueRoutes(pages, rt);
      queueActionRoutes(pages, rt);
      logRoutes(pages, rt);
      documentRoutes(pages, rt);
      reconciliationRoutes(pages, rt);
      settingsRoutes(pages, rt);
      xeroConnectRoutes(pages, rt);
      usersRoutes(pages, rt);
      tokensRoutes(pages, rt);
      webhookPagesRoutes(pages, rt);
    });
  });
}
