/**
 * The HTTP server, built by a factory and testable in-process: health, metrics, the JSON API with
 * its OpenAPI document, and the web UI.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import type { Runtime } from '../app/runtime';
import { apiContract } from './api/contract';
import { apiReference } from './api/reference-page';
import { swaggerOptions } from './api/openapi';
import { apiRoutes } from './api/routes';
import { HttpError, databaseHttpError, errorBody, frameworkErrorCode } from './errors';
import { healthRoutes } from './health';
import { createMetrics } from './metrics';
import { metricsRoutes } from './metrics-routes';
import { noStore } from './no-store';
import { registerBodyParsers, registerHeaderGuard } from './request-guards';
import { logRequests } from './request-log';
import { uiRoutes } from './ui/routes';
import { xeroWebhookRoutes } from './xero/webhooks';

/** One year: what HSTS preload lists ask for. */
const HSTS_MAX_AGE_S = 365 * 24 * 3600;

/** fastify takes a hop count at run time but types it as a function: the same rule as its own (the nearest `hops` peers). */
function trustProxyOption(v: boolean | number | string[]): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof v === 'number' ? (_address, hop) => hop < v : v;
}

export async function buildServer(rt: Runtime): Promise<FastifyInstance> {
  // A path parameter is measured percent-encoded: a source id of 50 emoji is 600 characters (the default allows 100).
  const app = Fastify({ logger: false, trustProxy: trustProxyOption(rt.config.trustProxy), routerOptions: { maxParamLength: 1024 } });
  // Behind a trusted proxy that says the request came over HTTPS (or on HTTPS itself): browsers keep to HTTPS.
  app.addHook('onSend', async (req, reply) => {
    if (req.protocol === 'https') reply.header('strict-transport-security', `max-age=${HSTS_MAX_AGE_S}`);
  });
  registerBodyParsers(app);
  registerHeaderGuard(app, rt.logger);
  logRequests(app, rt.logger);
  app.setErrorHandler((err, req, reply) => {
    if (err instanceof HttpError) return reply.code(err.statusCode).send(errorBody(err.code, err.message, err.details));
    const db = databaseHttpError(err);
    if (db) {
      if (db.statusCode === 503) reply.header('retry-after', '5');
      return reply.code(db.statusCode).send(errorBody(db.code, db.message, db.details));
    }
    const e = err as { statusCode?: number; code?: string; message: string; validation?: unknown };
    if (e.statusCode && e.statusCode < 500) {
      return reply.code(e.statusCode).send(errorBody(frameworkErrorCode(e.code), e.message));
    }
    rt.logger.error({ err, url: req.url }, 'request failed');
    return reply.code(500).send(errorBody('internal_error', 'Something went wrong on our side; the details are in the server log'));
  });

  // Route schemas describe (the OpenAPI document); the handlers' zod schemas decide (src/web/api/contract.ts).
  apiContract(app);
  await app.register(swagger, swaggerOptions());

  healthRoutes(app, rt);

  metricsRoutes(app, rt, createMetrics(rt));

  await app.register(
    async (api) => {
      api.addHook('onSend', noStore); // API answers are per caller: never kept by a cache
      await apiRoutes(api, rt);
    },
    { prefix: '/api/v1' },
  );
  app.get('/api/v1/openapi.json', async (_req, reply) => reply.header('cache-control', 'no-cache').send(app.swagger()));
  // The rendered reference, public like the document it renders.
  await app.register(async (docs) => apiReference(docs));
  // Every page, in one context with sessions and CSRF.
  await uiRoutes(app, rt);
  // Xero's webhook: its own context, for the raw body it is signed over.
  await app.register(async (hooks) => xeroWebhookRoutes(hooks, rt));
  return app;
}
