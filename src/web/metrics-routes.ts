/**
 * Where /metrics is served, and to whom. The metrics name every organisation, so they are not public:
 *  - with XPORT_METRICS_TOKEN, GET /metrics needs `Authorization: Bearer <token>` (compared in constant time);
 *  - with XPORT_METRICS_PORT, a second listener on XPORT_METRICS_HOST (default 127.0.0.1) serves them
 *    (with the token too, when one is set), for a scraper on a private network;
 *  - on the main listener without a token, GET /metrics answers 401.
 */
import crypto from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Runtime } from '../app/runtime';
import { errorEnvelope, op } from './api/contract';
import { errorBody } from './errors';
import type { Metrics } from './metrics';

function digest(v: string): Buffer {
  return crypto.createHash('sha256').update(v, 'utf8').digest();
}

/** Bearer token check in constant time (both sides hashed first, so lengths never differ). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return crypto.timingSafeEqual(digest(match?.[1] ?? ''), digest(token)) && match !== null;
}

function handler(metrics: Metrics, token: string | undefined, open: boolean) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const allowed = token ? bearerMatches(req.headers.authorization, token) : open;
    if (!allowed) {
      const why = token ? 'Send the metrics token as "Authorization: Bearer <XPORT_METRICS_TOKEN>"' : 'Metrics are off here: set XPORT_METRICS_TOKEN, or XPORT_METRICS_PORT for a separate listener';
      return reply.code(401).header('www-authenticate', 'Bearer').header('cache-control', 'no-store').send(errorBody('unauthorized', why));
    }
    return reply
      .type(metrics.registry.contentType)
      .header('cache-control', 'no-store')
      .send(await metrics.registry.metrics());
  };
}

const metricsSchema = op({
  summary: 'Prometheus metrics',
  description:
    'Queue depth by status, exports and failures counted, Xero calls and remaining limits per organisation. Needs `Authorization: Bearer <XPORT_METRICS_TOKEN>`; without XPORT_METRICS_TOKEN it answers 401 (serve it on XPORT_METRICS_PORT instead).',
  tags: ['operations'],
  public: true,
  mediaType: 'text/plain; version=0.0.4',
  responses: {
    200: z.string().describe('The Prometheus text format'),
    401: errorEnvelope.describe('No metrics token, a wrong one, or metrics are off on this listener (`unauthorized`)'),
  },
});

export function metricsRoutes(app: FastifyInstance, rt: Runtime, metrics: Metrics): void {
  const { token, host, port } = rt.config.metrics;
  app.get('/metrics', { schema: metricsSchema }, handler(metrics, token, false));
  if (port === undefined) return;
  const listener = Fastify({ logger: false });
  listener.get('/metrics', handler(metrics, token, true));
  app.addHook('onReady', async () => {
    await listener.listen({ host, port });
  });
  app.addHook('onClose', async () => {
    await listener.close();
  });
}
