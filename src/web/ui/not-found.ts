/**
 * A path that does not exist: an HTML page in the layout (with the navigation, when signed in) for
 * people, the one JSON error shape for the API and other machine paths.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../../app/runtime';
import { usersOf } from '../auth/users';
import { errorBody } from '../errors';
import { pageContext } from './context';
import { html } from './html';
import { barePage, page } from './layout';

const MACHINE_PATHS = /^\/(api|webhooks|metrics|healthz|readyz|static|events)(\/|$|\?)/;

export function notFoundHandler(rt: Runtime) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0] ?? '/';
    reply.code(404).header('cache-control', 'no-store');
    if (MACHINE_PATHS.test(req.url) || req.method !== 'GET' || !/text\/html|\*\/\*/.test(req.headers.accept ?? '*/*')) {
      return reply.send(errorBody('not_found', `There is nothing at ${req.method} ${path}`));
    }
    const body = html`<p>There is no page at <span class="mono">${path}</span>. It may have moved, or the link may be mistyped.</p>
<p><a class="btn btn-primary" href="/queue">Go to Manage Xero Queue</a> <a class="btn" href="/documents">Documents</a> <a class="btn" href="/log">Connection Log</a></p>`;
    const userId = req.session?.userId;
    const user = userId ? await usersOf(rt).get(userId) : null;
    if (!user) return reply.type('text/html; charset=utf-8').send(barePage('Page not found', html`<h1>Page not found</h1>${body}`));
    req.user = user;
    const ctx = await pageContext(rt, req, reply);
    return reply.type('text/html; charset=utf-8').send(await page(ctx, 'Page not found', html`<section class="card" id="not-found">${body}</section>`));
  };
}
