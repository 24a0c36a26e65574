/** The sandbox's own fastify instance: Xero's paths (case-insensitive), identity, and /_sandbox controls. */
import Fastify, { type FastifyInstance } from 'fastify';
import { API_ROUTES } from '../api/routes';
import type { SandboxContext } from '../context';
import { registerControls } from '../controls/routes';
import { registerIdentity } from '../identity/routes';
import { API_PREFIX, handleApi } from './api-pipeline';
import { TOO_LARGE_TEXT } from './fault-replies';

/** Xero's documented maximum POST size (docs/xero.md#request-size). */
export const MAX_BODY_BYTES = 3.5 * 1024 * 1024;

export function buildServer(ctx: SandboxContext, logger: boolean): FastifyInstance {
  const app = Fastify({
    logger,
    bodyLimit: Math.ceil(MAX_BODY_BYTES),
    forceCloseConnections: true,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true },
  });
  // Bodies stay raw strings: the idempotency fingerprint needs the exact bytes, and Xero's own parse
  // errors are answered by the pipeline, not by fastify.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.route({ method: ['GET', 'PUT', 'POST', 'DELETE'], url: `${API_PREFIX}*`, handler: (req, reply) => handleApi(ctx, API_ROUTES, req, reply) });
  registerIdentity(app, ctx);
  registerControls(app, ctx);
  // A body over the limit is refused before anything is read or processed, as Xero does: 413.
  app.setErrorHandler((err: { code?: string; statusCode?: number }, req, reply) => {
    if (err.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.send(err);
    // In the journal too, so tests can see the refusal.
    const url = new URL(req.url, 'http://sandbox');
    const entry = ctx.journal.open({ time: new Date(ctx.clock.now()).toISOString(), method: req.method, path: url.pathname, query: url.search });
    const tenant = req.headers['xero-tenant-id'];
    entry.tenantId = typeof tenant === 'string' ? tenant.toLowerCase() : null;
    entry.status = 413;
    return reply.code(413).type('text/plain; charset=utf-8').send(TOO_LARGE_TEXT);
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).type('text/html; charset=utf-8').send("The resource you're looking for cannot be found"));
  return app;
}
