/**
 * Bearer token and tenant checks with the API gateway's exact answers (docs/xero.md#errors): 401
 * TokenExpired / AuthenticationUnsuccessful, 403 AuthenticationUnsuccessful for a tenant the token is
 * not connected to, 401 AuthorizationUnsuccessful for a missing scope.
 */
import type { FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context';
import { usDateTime } from '../format/dates';
import type { Grant } from '../identity/grants';
import { gatewayProblem, type ApiReply } from './replies';

export function headerOf(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export type Authed = { ok: true; grant: Grant } | { ok: false; reply: ApiReply };

export function authenticate(ctx: SandboxContext, req: FastifyRequest, correlationId: string): Authed {
  const auth = headerOf(req, 'authorization') ?? '';
  const m = /^Bearer\s+(.+)$/i.exec(auth);
  if (!m?.[1]) return { ok: false, reply: gatewayProblem(401, 'AuthenticationUnsuccessful', correlationId) };
  const check = ctx.grants.checkAccess(m[1].trim());
  if (check.ok) return { ok: true, grant: check.grant };
  const detail = check.reason === 'expired' ? `TokenExpired: token expired at ${usDateTime(check.expiredAt)}` : 'AuthenticationUnsuccessful';
  return { ok: false, reply: gatewayProblem(401, detail, correlationId) };
}

export function tenantOf(grant: Grant, req: FastifyRequest): string | null {
  const t = headerOf(req, 'xero-tenant-id')?.trim().toLowerCase();
  if (!t) return null;
  return grant.connections.some((c) => c.tenantId === t) ? t : null;
}

export function hasScope(grant: Grant, scopes: string[]): boolean {
  return scopes.some((s) => grant.scopes.includes(s));
}
