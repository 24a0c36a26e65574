/** The identity server's HTTP surface: discovery, JWKS, authorize, token, revocation, userinfo, /connections. */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context';
import { connectionDate } from '../format/dates';
import { authenticate, headerOf } from '../http/auth';
import { sendStored, toStored } from '../http/send';
import { authorizeError, consentPage, consentRedirect, type AuthorizeParams } from './consent';
import { signingKey } from './jwt';
import { revoke, tokenEndpoint, ALL_SCOPES } from './token';

function form(req: FastifyRequest): URLSearchParams {
  return new URLSearchParams(typeof req.body === 'string' ? req.body : '');
}

function discovery(base: string): Record<string, unknown> {
  return {
    issuer: base,
    authorization_endpoint: `${base}/identity/connect/authorize`,
    token_endpoint: `${base}/connect/token`,
    userinfo_endpoint: `${base}/connect/userinfo`,
    revocation_endpoint: `${base}/connect/revocation`,
    jwks_uri: `${base}/.well-known/openid-configuration/jwks`,
    scopes_supported: ALL_SCOPES,
    response_types_supported: ['code'],
    response_modes_supported: ['query', 'form_post'],
    grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    code_challenge_methods_supported: ['plain', 'S256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    claims_supported: ['sub', 'email', 'given_name', 'family_name', 'xero_userid'],
  };
}

function logged(ctx: SandboxContext, req: FastifyRequest, status: number): void {
  const url = new URL(req.url, 'http://sandbox');
  const e = ctx.journal.open({ time: new Date(ctx.clock.now()).toISOString(), method: req.method, path: url.pathname, query: url.search });
  e.status = status;
}

function connectionsHandler(ctx: SandboxContext) {
  return (req: FastifyRequest, reply: FastifyReply) => {
    const corr = randomUUID();
    const auth = authenticate(ctx, req, corr);
    reply.header('xero-correlation-id', corr);
    if (!auth.ok) {
      logged(ctx, req, 401);
      return sendStored(reply, toStored(auth.reply));
    }
    reply.header('x-appminlimit-remaining', String(ctx.limiter.appRemaining(auth.grant.clientId)));
    const id = (req.params as Record<string, string | undefined>).id;
    if (req.method === 'DELETE') {
      const before = auth.grant.connections.length;
      auth.grant.connections = auth.grant.connections.filter((c) => c.id !== id?.toLowerCase());
      logged(ctx, req, before === auth.grant.connections.length ? 404 : 204);
      return before === auth.grant.connections.length ? reply.code(404).send() : reply.code(204).send();
    }
    const authEventId = (req.query as Record<string, string | undefined>).authEventId;
    const names = new Map(ctx.store.list().map((t) => [t.tenantId, t.name]));
    logged(ctx, req, 200);
    return reply.send(
      auth.grant.connections
        .filter((c) => !authEventId || c.authEventId === authEventId)
        .map((c) => ({
          id: c.id,
          authEventId: c.authEventId,
          tenantId: c.tenantId,
          tenantType: 'ORGANISATION',
          tenantName: names.get(c.tenantId) ?? '',
          createdDateUtc: connectionDate(c.createdAt),
          updatedDateUtc: connectionDate(c.updatedAt),
        })),
    );
  };
}

export function registerIdentity(app: FastifyInstance, ctx: SandboxContext): void {
  app.get('/.well-known/openid-configuration', async () => discovery(ctx.baseUrl()));
  app.get('/.well-known/openid-configuration/jwks', async () => ({ keys: [signingKey().jwk] }));
  app.get('/identity/connect/authorize', async (req, reply) => {
    const p = req.query as AuthorizeParams;
    const err = authorizeError(ctx, p);
    if (err) return reply.code(400).type('text/html; charset=utf-8').send(`<!doctype html><p>${err}</p>`);
    return reply.type('text/html; charset=utf-8').send(consentPage(ctx, p));
  });
  app.post('/identity/connect/authorize', async (req, reply) => {
    const f = form(req);
    const p = Object.fromEntries([...f.entries()].filter(([k]) => k !== 'tenant' && k !== 'action')) as AuthorizeParams;
    const err = authorizeError(ctx, p);
    if (err) return reply.code(400).type('text/html; charset=utf-8').send(`<!doctype html><p>${err}</p>`);
    return reply.redirect(consentRedirect(ctx, p, f.get('action') ?? 'allow', f.getAll('tenant')), 302);
  });
  app.post('/connect/token', async (req, reply) => {
    const answer = tokenEndpoint(ctx, headerOf(req, 'authorization'), form(req));
    logged(ctx, req, answer.status);
    return reply.code(answer.status).header('cache-control', 'no-store').header('xero-origin-id', 'IdentityServer.Web').send(answer.body);
  });
  app.post('/connect/revocation', async (req, reply) => {
    const answer = revoke(ctx, headerOf(req, 'authorization'), form(req));
    logged(ctx, req, answer.status);
    return answer.status === 200 ? reply.code(200).send() : reply.code(answer.status).send(answer.body);
  });
  app.get('/connect/userinfo', async (req, reply) => {
    const auth = authenticate(ctx, req, randomUUID());
    if (!auth.ok) return sendStored(reply, toStored(auth.reply));
    return { sub: auth.grant.userId, xero_userid: auth.grant.userId, email: 'demo.user@xport.example', given_name: 'Demo', family_name: 'User' };
  });
  const handler = connectionsHandler(ctx);
  app.get('/connections', handler);
  app.delete('/connections/:id', handler);
}
