/**
 * Bearer API tokens. A token belongs to one Xero organisation: every call it makes is scoped to
 * that organisation and cannot see another's exports, documents or log.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../../app/runtime';
import { HttpError } from '../errors';

export interface ApiCaller {
  tenantId: string;
  tokenName: string;
  role: 'admin' | 'viewer';
}

declare module 'fastify' {
  interface FastifyRequest {
    apiCaller?: ApiCaller;
  }
}

export function bearerAuth(rt: Runtime) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new HttpError(401, 'unauthorized', 'Send an API token as "Authorization: Bearer <token>"');
    const token = await rt.apiTokens.verify(match[1]);
    if (!token) throw new HttpError(401, 'unauthorized', 'The API token is not valid or was revoked');
    const tenantId = token.tenantId ?? (await rt.organisations.list())[0]?.id;
    if (!tenantId) throw new HttpError(409, 'no_organisation', 'No Xero organisation is connected yet: connect one in Settings');
    req.apiCaller = { tenantId, tokenName: token.name, role: token.role };
  };
}

export function caller(req: FastifyRequest): ApiCaller {
  if (!req.apiCaller) throw new HttpError(401, 'unauthorized', 'Not authenticated');
  return req.apiCaller;
}

export function requireAdmin(req: FastifyRequest): ApiCaller {
  const c = caller(req);
  if (c.role !== 'admin') throw new HttpError(403, 'forbidden', 'This API token may only read');
  return c;
}
