/** What every page needs: the signed-in user, the organisation they look at, the CSRF token, a flash. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../../app/runtime';
import type { Tenant } from '../../app/organisations-service';
import type { User } from '../../app/users-service';
import { currentUser, takeFlash } from '../auth/session';
import { HttpError } from '../errors';
import { timeZoneFor } from './cached-reference';
import type { Html } from './html';

export interface PageContext {
  rt: Runtime;
  user: User;
  tenants: Tenant[];
  tenant: Tenant | null;
  csrf: string;
  flash: { kind: 'ok' | 'error'; text: string } | null;
  path: string;
  canEdit: boolean;
  /** The organisation's time zone (IANA): every time on the page is shown in it. */
  tz: string;
  /** A message shown inside one section of the page (where the person pressed Save) instead of at the top. */
  note?: { section: string; html: Html };
}

/** The session's organisation if it still exists, else the first one. */
export async function currentTenant(rt: Runtime, req: FastifyRequest): Promise<{ tenants: Tenant[]; tenant: Tenant | null }> {
  const tenants = await rt.organisations.list();
  const tenant = tenants.find((t) => t.id === req.session.tenantId) ?? tenants[0] ?? null;
  return { tenants, tenant };
}

export async function pageContext(rt: Runtime, req: FastifyRequest, reply: FastifyReply): Promise<PageContext> {
  const user = currentUser(req);
  const { tenants, tenant } = await currentTenant(rt, req);
  return {
    rt,
    user,
    tenants,
    tenant,
    csrf: reply.generateCsrf(),
    flash: takeFlash(req),
    path: req.url.split('?')[0] ?? '/',
    canEdit: user.role === 'admin',
    tz: await timeZoneFor(rt, tenant?.id),
  };
}

/** The organisation id for an action; actions need one. */
export async function tenantFor(rt: Runtime, req: FastifyRequest): Promise<string> {
  const { tenant } = await currentTenant(rt, req);
  if (!tenant) throw new HttpError(409, 'no_organisation', 'No Xero organisation is connected yet: connect one in Settings');
  return tenant.id;
}

export function isHtmx(req: FastifyRequest): boolean {
  return req.headers['hx-request'] === 'true';
}
