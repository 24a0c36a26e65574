/**
 * The OpenAPI document at /api/v1/openapi.json, made by @fastify/swagger from the routes' `op()`
 * schemas (contract.ts). What this module adds, in one place:
 *  - only the API is described: the JSON API under /api/v1 and the operational endpoints (PUBLIC_PATHS);
 *    the web UI's pages, its assets and the reference page itself are hidden;
 *  - the answers every /api/v1 operation can give whatever its handler does (authentication, the
 *    rate limit, the database, body parsing), with the error envelope, and the rate limit's headers;
 *  - an operationId from the method and path;
 *  - the schemas named with `.meta({ id })` in components.schemas (contract.ts references them there).
 */
import type { FastifyDynamicSwaggerOptions, SwaggerTransform, SwaggerTransformObject } from '@fastify/swagger';
import { componentSchemas, errorEnvelope, responseEntry } from './contract';

export const API_PREFIX = '/api/v1';
/** Operational endpoints outside /api/v1 that the document describes too. */
export const PUBLIC_PATHS = ['/healthz', '/readyz', '/metrics', '/webhooks/xero'] as const;
/** The reference page (@fastify/swagger-ui) and its assets. */
export const DOCS_PREFIX = '/api/docs';
const DOCUMENT_PATH = `${API_PREFIX}/openapi.json`;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isDescribed(url: string): boolean {
  if (url === DOCUMENT_PATH) return false;
  return url.startsWith(`${API_PREFIX}/`) || (PUBLIC_PATHS as readonly string[]).includes(url);
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The answers any operation of /api/v1 can give, by status: what its handler does not decide. */
function commonAnswers(method: string): Record<number, string> {
  const answers: Record<number, string> = {
    401: 'No API token, or one that is not valid or was revoked (`unauthorized`)',
    409: 'No Xero organisation is connected yet (`no_organisation`)',
    429: 'More requests with this API token in a minute than the rate limit allows (`rate_limited`, XPORT_API_RATE_LIMIT); wait the seconds Retry-After gives',
    500: 'A fault of xport (`internal_error`; the details are in the server log)',
    503: 'The database is unavailable (`database_unavailable`, with Retry-After); try again in a few seconds',
  };
  if (BODY_METHODS.has(method)) {
    answers[400] = 'The body is not valid JSON, not UTF-8 or holds a NUL (`invalid_json`, `invalid_utf8`, `invalid_text`)';
    answers[413] = 'The body is larger than the operation accepts (`fst_err_ctp_body_too_large`)';
    answers[415] = 'A non-empty body that is not JSON (`unsupported_media_type`); an empty body of any type is no body';
  }
  return answers;
}

const integerHeader = (description: string): Json => ({ type: 'integer', minimum: 0, description });
/** What the rate limit (rate-limit.ts) adds to every answer of /api/v1 while it is on. */
const RATE_HEADERS: Json = {
  'x-ratelimit-limit': integerHeader('Requests a minute this API token may make (XPORT_API_RATE_LIMIT); absent when the limit is off'),
  'x-ratelimit-remaining': integerHeader('Requests left in the current minute'),
  'x-ratelimit-reset': integerHeader('Seconds until the current minute ends and the count starts again'),
};
const RETRY_AFTER: Json = { 'retry-after': integerHeader('Seconds to wait before trying again') };

/** The headers of an answer of /api/v1 with `status`. */
function answerHeaders(status: number): Json {
  return { ...RATE_HEADERS, ...(status === 429 || status === 503 ? RETRY_AFTER : {}) };
}

/** An operationId from the method and path: POST /api/v1/exports/{id}/retry → postExportsIdRetry. */
export function operationId(method: string, url: string): string {
  const words = url
    .replace(API_PREFIX, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return method.toLowerCase() + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/** Per route: hidden unless it is the API; for /api/v1, the common answers (a status the handler also gives keeps its schema). */
export const describeRoute: SwaggerTransform = ({ schema, url, route }) => {
  const methods = ([] as string[]).concat(route.method);
  if (!isDescribed(url) || methods.includes('HEAD')) return { schema: { ...(schema ?? {}), hide: true } as never, url };
  const s = { ...((schema ?? {}) as Json) };
  const method = methods[0] ?? 'GET';
  s.operationId ??= operationId(method, url);
  if (url.startsWith(`${API_PREFIX}/`) && !(Array.isArray(s.security) && s.security.length === 0)) {
    const response: Json = { ...(isObject(s.response) ? s.response : {}) };
    for (const [status, why] of Object.entries(commonAnswers(method))) {
      const own = response[status];
      response[status] = isObject(own) ? { ...own, description: `${String(own.description)}; or: ${why}` } : responseEntry(Number(status), errorEnvelope.describe(why));
    }
    for (const [status, entry] of Object.entries(response)) if (isObject(entry)) response[status] = { ...entry, headers: answerHeaders(Number(status)) };
    s.response = response;
  }
  return { schema: s as never, url };
};

/** The named schemas (`.meta({ id })`) of every operation, in components.schemas. */
export const addComponents: SwaggerTransformObject = (documentObject) => {
  const doc = ('openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject) as Json;
  const components = (isObject(doc.components) ? doc.components : (doc.components = {})) as Json;
  components.schemas = { ...(isObject(components.schemas) ? components.schemas : {}), ...componentSchemas() };
  return doc as never;
};

export function swaggerOptions(): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'xport API',
        version: '1',
        license: { name: 'MIT', identifier: 'MIT' },
        description:
          'Queue documents for export to Xero and manage the export queue. Every operation under /api/v1 takes `Authorization: Bearer <API token>`; ' +
          'an API token belongs to one Xero organisation and may make XPORT_API_RATE_LIMIT requests a minute (429 `rate_limited` with Retry-After beyond it). ' +
          'Errors answer `{"error":{"code","message","details"?}}`. The reference with examples: docs/api.md.',
      },
      servers: [{ url: '/' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API token (Settings → API tokens, or XPORT_API_TOKEN)' } } },
      security: [{ bearer: [] }],
      tags: [
        { name: 'documents', description: 'Source documents in' },
        { name: 'exports', description: 'The export queue and its actions' },
        { name: 'queue', description: 'What the banner shows' },
        { name: 'log', description: 'The Connection Log' },
        { name: 'reference', description: "Xero's reference data" },
        { name: 'settings', description: 'Mappings and options' },
        { name: 'operations', description: 'Health, readiness, metrics' },
        { name: 'xero', description: "Xero's webhook" },
        { name: 'webhooks', description: 'Write-back: webhook subscriptions, their deliveries, and the event feed' },
        { name: 'reconciliation', description: "What Xero holds against what xport exported; the source system's valuations" },
      ],
    },
    transform: describeRoute,
    transformObject: addComponents,
  };
}
