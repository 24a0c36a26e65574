/** Writing answers: an ApiReply becomes the exact bytes, which the idempotency cache can replay. */
import type { FastifyReply } from 'fastify';
import type { Remaining } from '../limits/limiter';
import type { StoredReply } from './idempotency';
import type { ApiReply } from './replies';

export function toStored(r: ApiReply): StoredReply {
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  let payload = '';
  if (r.text !== undefined) {
    payload = r.text;
    headers['content-type'] = r.contentType ?? 'text/plain; charset=utf-8';
  } else if (r.body !== undefined) {
    payload = JSON.stringify(r.body);
    headers['content-type'] = 'application/json; charset=utf-8';
  }
  return { status: r.status, headers, payload };
}

export function limitHeaders(rem: Remaining): Record<string, string> {
  return { 'x-daylimit-remaining': String(rem.day), 'x-minlimit-remaining': String(rem.minute), 'x-appminlimit-remaining': String(rem.appMinute) };
}

export function sendStored(reply: FastifyReply, s: StoredReply): FastifyReply {
  reply.code(s.status).headers(s.headers);
  if (!s.payload) reply.header('content-length', '0');
  return reply.send(s.payload);
}

/** Xero's 429: empty body, the problem, and Retry-After only for the minute and day limits. */
export function rateLimited(problem: string, retryAfter: number | undefined): StoredReply {
  const headers: Record<string, string> = { 'x-rate-limit-problem': problem, 'cache-control': 'max-age=0, no-cache, no-store' };
  if (retryAfter !== undefined && (problem === 'minute' || problem === 'day')) headers['retry-after'] = String(retryAfter);
  return { status: 429, headers, payload: '' };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
