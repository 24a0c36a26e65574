/**
 * Registers the Xero connection's web surface: the Xero webhook (its own context: raw body, no session) and the
 * settings pages for the Xero connection, users and API tokens (their own context with the UI's
 * sessions, CSRF and security headers from src/web/auth, and a signed-in user required).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../../app/runtime';
import { tokensRoutes } from '../admin/tokens-pages';
import { usersRoutes } from '../admin/users-pages';
import { registerSecurity, requireUser } from '../auth/session';
import { noStore } from '../no-store';
import { html } from '../ui/html';
import { barePage } from '../ui/layout';
import { xeroConnectRoutes } from './connect-routes';
import { xeroWebhookRoutes, type WebhookRoutes } from './webhooks';

const webhooksOf = new WeakMap<Runtime, WebhookRoutes>();

/** Waits until the webhook deliveries received so far are handled (tests). */
export async function webhooksIdle(rt: Runtime): Promise<void> {
  await webhooksOf.get(rt)?.idle();
}

function errorPage(rt: Runtime, err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = err.statusCode ?? 500;
  if (status >= 500) rt.logger.error({ err, url: req.url }, 'web request failed');
  if (status === 401 && req.method === 'GET') return reply.redirect('/login');
  const csrf = typeof err.code === 'string' && err.code.startsWith('FST_CSRF');
  const message = csrf ? 'This form has expired or did not come from xport (its security token is missing or wrong). Reload the page and try again.'
    : status >= 500 ? 'Something went wrong on our side; the details are in the server log.' : err.message;
  const title = status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : 'Something went wrong';
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8')
    .send(barePage(title, html`<h1>${title}</h1><div class="alert alert-error" role="alert">${message}</div><p><a href="/settings">Back to Settings</a></p>`));
}

export async function xeroRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  await app.register(async (hooks) => {
    webhooksOf.set(rt, await xeroWebhookRoutes(hooks, rt));
  });
  await app.register(async (web) => {
    web.setErrorHandler((err: FastifyError, req, reply) => errorPage(rt, err, req, reply));
    await registerSecurity(web, rt);
    web.addHook('preHandler', requireUser(rt));
    web.addHook('onSend', noStore);
    xeroConnectRoutes(web, rt);
    usersRoutes(web, rt);
    tokensRoutes(web, rt);
  });
}
