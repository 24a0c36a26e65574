/**
 * POST /connect/token: client_credentials (custom connections, connected to every demo organisation),
 * authorization_code (with PKCE), refresh_token (rotation; the previous token may be retried for 30
 * minutes and gets the same successor back). Errors are `{"error":"invalid_grant"}` and friends, HTTP 400.
 */
import type { SandboxContext } from '../context';
import { REFRESH_GRACE_MS, ACCESS_TOKEN_SECONDS, type Grant } from './grants';
import { pkceMatches } from './codes';
import { signJwt } from './jwt';

export const ALL_SCOPES = [
  'openid',
  'profile',
  'email',
  'offline_access',
  'accounting.transactions',
  'accounting.transactions.read',
  'accounting.invoices',
  'accounting.invoices.read',
  'accounting.manualjournals',
  'accounting.manualjournals.read',
  'accounting.contacts',
  'accounting.contacts.read',
  'accounting.settings',
  'accounting.settings.read',
  'accounting.attachments',
  'accounting.attachments.read',
  'accounting.journals.read',
  'accounting.reports.read',
  'accounting.payments',
  'accounting.payments.read',
  'accounting.reports.trialbalance.read',
  'accounting.reports.balancesheet.read',
];

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

const fail = (error: string, description?: string): TokenAnswer => ({ status: 400, body: { error, ...(description ? { error_description: description } : {}) } });

interface ClientAuth {
  clientId: string | null;
  secret: string | null;
}

export function clientAuth(authorization: string | undefined, form: URLSearchParams): ClientAuth {
  const m = /^Basic\s+(.+)$/i.exec(authorization ?? '');
  if (m?.[1]) {
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i > 0) return { clientId: decodeURIComponent(decoded.slice(0, i)), secret: decodeURIComponent(decoded.slice(i + 1)) };
  }
  return { clientId: form.get('client_id'), secret: form.get('client_secret') };
}

function tokenSet(ctx: SandboxContext, grant: Grant, refreshToken: string | null, nonce?: string): TokenAnswer {
  const body: Record<string, unknown> = {
    access_token: ctx.grants.accessToken(grant),
    expires_in: ACCESS_TOKEN_SECONDS,
    token_type: 'Bearer',
    scope: grant.scopes.join(' '),
  };
  if (refreshToken) body.refresh_token = refreshToken;
  if (grant.scopes.includes('openid')) body.id_token = idToken(ctx, grant, nonce);
  return { status: 200, body };
}

function idToken(ctx: SandboxContext, grant: Grant, nonce?: string): string {
  // Real time, not the sandbox clock: clients check iat/nbf/exp of id_tokens against their own clock,
  // and a test that moved the sandbox clock on would otherwise get tokens "from the future".
  const iat = Math.floor(Date.now() / 1000);
  return signJwt({
    iss: ctx.baseUrl(),
    aud: grant.clientId,
    sub: grant.userId,
    iat,
    nbf: iat,
    exp: iat + 300,
    auth_time: Math.floor(grant.authTime / 1000),
    xero_userid: grant.userId,
    global_session_id: grant.id,
    ...(nonce ? { nonce } : {}),
    ...(grant.scopes.includes('email') ? { email: 'demo.user@xport.example' } : {}),
    ...(grant.scopes.includes('profile') ? { given_name: 'Demo', family_name: 'User', preferred_username: 'demo.user@xport.example' } : {}),
  });
}

export function tokenEndpoint(ctx: SandboxContext, authorization: string | undefined, form: URLSearchParams): TokenAnswer {
  const { clientId, secret } = clientAuth(authorization, form);
  const app = clientId ? ctx.apps.get(clientId) : undefined;
  const grantType = form.get('grant_type');
  if (!app) return { status: 400, body: { error: 'invalid_client' } };
  const secretOk = app.clientSecret !== null && secret === app.clientSecret;
  if (grantType === 'client_credentials') {
    if (!secretOk) return { status: 400, body: { error: 'invalid_client' } };
    const grant = ctx.grants.clientCredentialsGrant(
      app.clientId,
      ctx.store.list().map((t) => t.tenantId),
      ALL_SCOPES.filter((s) => s.startsWith('accounting.')),
    );
    return tokenSet(ctx, grant, null);
  }
  if (grantType === 'authorization_code') return codeGrant(ctx, app.clientId, secretOk, secret !== null && secret !== '', form);
  if (grantType === 'refresh_token') {
    if (secret && !secretOk) return { status: 400, body: { error: 'invalid_client' } };
    return refreshGrant(ctx, app.clientId, form.get('refresh_token') ?? '');
  }
  return fail('unsupported_grant_type');
}

function codeGrant(ctx: SandboxContext, clientId: string, secretOk: boolean, secretGiven: boolean, form: URLSearchParams): TokenAnswer {
  if (secretGiven && !secretOk) return { status: 400, body: { error: 'invalid_client' } };
  const rec = ctx.codes.take(form.get('code') ?? '');
  if (!rec || rec.clientId !== clientId) return fail('invalid_grant');
  if (rec.redirectUri !== (form.get('redirect_uri') ?? '')) return fail('invalid_grant');
  // A confidential client proves itself with its secret; a public (PKCE) client with the verifier.
  if (!secretOk && !rec.codeChallenge) return { status: 400, body: { error: 'invalid_client' } };
  if (!pkceMatches(rec, form.get('code_verifier') ?? undefined)) return fail('invalid_grant');
  const grant = ctx.grants.create({ clientId, kind: 'authorization_code', scopes: rec.scopes, userId: rec.userId, tenantIds: rec.tenantIds });
  const refresh = rec.scopes.includes('offline_access') ? ctx.grants.refreshToken(grant) : null;
  return tokenSet(ctx, grant, refresh, rec.nonce);
}

function refreshGrant(ctx: SandboxContext, clientId: string, token: string): TokenAnswer {
  const rec = ctx.grants.refreshTokens.get(token);
  const now = ctx.clock.now();
  const grant = rec ? ctx.grants.grants.get(rec.grantId) : undefined;
  if (!rec || !grant || grant.revoked || grant.clientId !== clientId || rec.expiresAt <= now) return fail('invalid_grant');
  if (rec.successor) {
    if (rec.rotatedAt === null || now - rec.rotatedAt > REFRESH_GRACE_MS) return fail('invalid_grant');
    return tokenSet(ctx, grant, rec.successor);
  }
  const next = ctx.grants.refreshToken(grant);
  rec.successor = next;
  rec.rotatedAt = now;
  return tokenSet(ctx, grant, next);
}

/** POST /connect/revocation: a refresh token ends its grant (and the grant's connections and tokens). */
export function revoke(ctx: SandboxContext, authorization: string | undefined, form: URLSearchParams): TokenAnswer {
  const { clientId, secret } = clientAuth(authorization, form);
  const app = clientId ? ctx.apps.get(clientId) : undefined;
  if (!app || (app.clientSecret !== null && secret !== app.clientSecret)) return { status: 400, body: { error: 'invalid_client' } };
  const rec = ctx.grants.refreshTokens.get(form.get('token') ?? '');
  const grant = rec ? ctx.grants.grants.get(rec.grantId) : undefined;
  if (grant && grant.clientId === app.clientId) grant.revoked = true;
  return { status: 200, body: {} };
}
