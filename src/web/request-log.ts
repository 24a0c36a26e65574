/**
 * One operator log line per HTTP request: method, the route's pattern (never the URL itself, whose
 * query may carry a secret), status and duration. Probes are logged at debug so they do not drown
 * the rest.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

export function logRequests(app: FastifyInstance, logger: Logger): void {
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? '(no route)';
    const line = { method: req.method, route, status: reply.statusCode, durationMs: Math.round(reply.elapsedTime * 10) / 10 };
    if (PROBES.has(route)) logger.debug(line, 'http request');
    else logger[reply.statusCode >= 500 ? 'error' : 'info'](line, 'http request');
  });
}
