/**
 * The API's rate limit (@fastify/rate-limit): at most `XPORT_API_RATE_LIMIT` requests a minute per
 * API token over every operation of /api/v1 together (0: no limit). Counted per process, in memory:
 * two `serve` processes behind one address allow a token twice the limit (docs/api.md says so).
 *  - Keyed by the token's SHA-256 digest, never the token (a key may reach a log or a heap dump); a
 *    request without a token is counted by its address. Counted before authentication and before the
 *    body is read, so that a client over its limit costs neither a database read nor a body parse.
 *  - Over the limit: 429 `rate_limited` with the error envelope and `Retry-After` (seconds); every
 *    answer within the limit carries `x-ratelimit-limit`, `x-ratelimit-remaining` and
 *    `x-ratelimit-reset` (seconds until the minute's count starts again).
 */
import crypto from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../errors';

export const RATE_WINDOW_MS = 60_000;
/** Counters kept at most (least recently used dropped): more tokens than this in one minute are not expected. */
const COUNTERS = 10_000;

/** The counter a request counts against: `token:<sha256>` for a Bearer token, `address:<ip>` without one. */
export function rateLimitKey(req: Pick<FastifyRequest, 'headers' | 'ip'>): string {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (match?.[1]) return `token:${crypto.createHash('sha256').update(match[1]).digest('hex')}`;
  return `address:${req.ip}`;
}

/** Registers the limit on `api` (the /api/v1 context) before its routes; `perMinute` 0 registers nothing. */
export async function apiRateLimit(api: FastifyInstance, perMinute: number): Promise<void> {
  if (perMinute === 0) return;
  await api.register(rateLimit, {
    max: perMinute,
    timeWindow: RATE_WINDOW_MS,
    cache: COUNTERS,
    hook: 'onRequest',
    keyGenerator: rateLimitKey,
    errorResponseBuilder: (_req, ctx) => {
      const wait = Math.ceil(ctx.ttl / 1000);
      return new HttpError(429, 'rate_limited', `More than ${ctx.max} requests a minute with this API token: try again in ${wait} s`, { limit: ctx.max, retryAfterSeconds: wait });
    },
  });
}
