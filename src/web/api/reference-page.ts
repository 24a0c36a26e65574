/**
 * /api/docs: the API reference rendered from /api/v1/openapi.json by Swagger UI, whose scripts and
 * styles @fastify/swagger-ui serves from the package itself (no CDN). Public, like the document it
 * renders: it holds no data, and "Try it out" asks for an API token. It keeps the web UI's strict
 * Content-Security-Policy (only xport's own scripts, styles and connections); Swagger UI needs no
 * inline script, and its online validator badge is off (it would load an image from elsewhere).
 */
import helmet from '@fastify/helmet';
import { STRICT_HELMET } from '../strict-headers';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { DOCS_PREFIX } from './openapi';

export async function apiReference(app: FastifyInstance): Promise<void> {
  await app.register(helmet, STRICT_HELMET);
  await app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    uiConfig: { validatorUrl: null, deepLinking: true, docExpansion: 'list', defaultModelsExpandDepth: 1, layout: 'BaseLayout' },
  });
}
