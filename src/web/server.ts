/**
 * The HTTP server, built by a factory and testable in-process: health, metrics, the JSON API with
 * its OpenAPI document, and the web UI.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import type { Runtime } from '../app/runtime';
import { apiRoutes } from './api/routes';
import { HttpError, errorBody } from './errors';
import { acceptEmptyJsonBodies } from './json-body';
import { createMetrics } from './metrics';
import { uiRoutes } from './ui/routes';
import { issue6Routes } from './xero/index';

export async function buildServer(rt: Runtime): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, trustProxy: false });
  acceptEmptyJsonBodies(app);
  app.setErrorHandler((err, req, reply) => {
    if (err instanceof HttpError) return reply.code(err.statusCode).send(errorBody(err.code, err.message, err.details));
    const e = err as { statusCode?: number; code?: string; message: string; validation?: unknown };
    if (e.statusCode && e.statusCode < 500) {
      return reply.code(e.statusCode).send(errorBody(e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'invalid_json' : (e.code ?? 'bad_request').toLowerCase(), e.message));
    }
    rt.logger.error({ err, url: req.url }, 'request failed');
    return reply.code(500).send(errorBody('internal_error', 'Something went wrong on our side; the details are in the server log'));
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'xport API', version: '1', description: 'Queue documents for export to Xero and manage the export queue.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  app.get('/healthz', async (_req, reply) => {
    try {
      await rt.store.tenants.list();
      return { ok: true };
    } catch (err) {
      rt.logger.error({ err }, 'health check failed');
      return reply.code(503).send({ ok: false });
    }
  });

  const metrics = createMetrics(rt);
  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));

  await app.register(async (api) => apiRoutes(api, rt), { prefix: '/api/v1' });
  app.get('/api/v1/openapi.json', async () => app.swagger());
  await uiRoutes(app, rt);
  // Xero connection, webhooks, users and API tokens (issue 6).
  await issue6Routes(app, rt);
  return app;
}
