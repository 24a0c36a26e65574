/** What each injected fault does to the answer (plain-text bodies as Xero sends them, docs/xero.md#errors). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FaultRule } from './faults';
import type { StoredReply } from './idempotency';
import { rateLimited } from './send';

const TEXT = 'text/plain; charset=utf-8';
/** Xero's wording for an oversize body is not known; the sandbox's own (docs/sandbox.md). */
export const TOO_LARGE_TEXT = 'Request body too large: the limit is 3.5 MB per request.';

export function faultReply(rule: FaultRule): StoredReply | null {
  switch (rule.kind) {
    case 'error500':
      return { status: 500, headers: { 'content-type': TEXT }, payload: 'An unhandled error with the Xero API occurred. Contact the Xero API team if problems persist.' };
    case 'offline503':
      return { status: 503, headers: { 'content-type': TEXT }, payload: 'The Organisation is offline' };
    case 'unavailable503':
      return { status: 503, headers: { 'content-type': TEXT }, payload: 'The Xero API is temporarily unavailable' };
    case 'maintenance503':
      return { status: 503, headers: { 'content-type': TEXT }, payload: 'The Xero API is currently offline for maintenance' };
    case 'rate429':
      return rateLimited(rule.problem, rule.retryAfter ?? (rule.problem === 'day' ? 3600 : rule.problem === 'minute' ? 30 : undefined));
    case 'tooLarge413':
      return { status: 413, headers: { 'content-type': TEXT }, payload: TOO_LARGE_TEXT };
    default:
      return null;
  }
}

/** Drop: the socket is destroyed with no answer. Hang: the request is never answered. */
export function abandon(rule: FaultRule, req: FastifyRequest, reply: FastifyReply): void {
  reply.hijack();
  if (rule.kind === 'drop') req.raw.socket.destroy();
}
