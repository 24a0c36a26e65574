/**
 * What the identity server has granted: one grant per consent (or per app for client credentials),
 * its connections to organisations, and its refresh-token chain. Access tokens are stateless JWTs
 * whose `global_session_id` names the grant, so revoking a grant ends its access tokens too.
 */
import { randomBytes } from 'node:crypto';
import { newId, stableId } from '../state/ids';
import { signJwt, readJwt } from './jwt';

export const ACCESS_TOKEN_SECONDS = 1800;
export const REFRESH_TOKEN_MS = 60 * 86_400_000;
export const REFRESH_GRACE_MS = 30 * 60_000;

export interface Connection {
  id: string;
  tenantId: string;
  authEventId: string;
  createdAt: number;
  updatedAt: number;
}

export interface Grant {
  id: string;
  clientId: string;
  kind: 'client_credentials' | 'authorization_code';
  scopes: string[];
  userId: string;
  authEventId: string;
  authTime: number;
  connections: Connection[];
  revoked: boolean;
}

export interface RefreshRec {
  grantId: string;
  expiresAt: number;
  rotatedAt: number | null;
  successor: string | null;
}

export type AccessCheck = { ok: true; grant: Grant; claims: Record<string, unknown> } | { ok: false; reason: 'expired'; expiredAt: number } | { ok: false; reason: 'invalid' };

export class GrantStore {
  readonly grants = new Map<string, Grant>();
  readonly refreshTokens = new Map<string, RefreshRec>();

  constructor(
    private readonly now: () => number,
    private readonly issuer: () => string,
  ) {}

  reset(): void {
    this.grants.clear();
    this.refreshTokens.clear();
  }

  /** A new organisation joins every live custom connection (they are connected to all organisations). */
  connectEverywhere(tenantId: string): void {
    const t = this.now();
    for (const g of this.grants.values()) {
      if (g.kind !== 'client_credentials' || g.revoked || g.connections.some((c) => c.tenantId === tenantId)) continue;
      g.connections.push({ id: stableId('connection', g.clientId, g.userId, tenantId), tenantId, authEventId: g.authEventId, createdAt: t, updatedAt: t });
    }
  }

  /** A custom connection: one grant per app, connected to every given organisation. */
  clientCredentialsGrant(clientId: string, tenantIds: string[], scopes: string[]): Grant {
    const id = stableId('cc', clientId);
    const existing = this.grants.get(id);
    if (existing && !existing.revoked) return existing;
    return this.create({ id, clientId, kind: 'client_credentials', scopes, userId: stableId('user', clientId), tenantIds });
  }

  create(g: { id?: string; clientId: string; kind: Grant['kind']; scopes: string[]; userId: string; tenantIds: string[] }): Grant {
    const t = this.now();
    const authEventId = newId();
    const grant: Grant = {
      id: g.id ?? newId(),
      clientId: g.clientId,
      kind: g.kind,
      scopes: g.scopes,
      userId: g.userId,
      authEventId,
      authTime: t,
      revoked: false,
      connections: g.tenantIds.map((tenantId) => ({ id: stableId('connection', g.clientId, g.userId, tenantId), tenantId, authEventId, createdAt: t, updatedAt: t })),
    };
    this.grants.set(grant.id, grant);
    return grant;
  }

  accessToken(grant: Grant): string {
    const nbf = Math.floor(this.now() / 1000);
    return signJwt({
      nbf,
      exp: nbf + ACCESS_TOKEN_SECONDS,
      iss: this.issuer(),
      aud: `${this.issuer()}/resources`,
      client_id: grant.clientId,
      sub: grant.userId,
      auth_time: Math.floor(grant.authTime / 1000),
      xero_userid: grant.userId,
      global_session_id: grant.id,
      jti: randomBytes(16).toString('hex'),
      authentication_event_id: grant.authEventId,
      scope: grant.scopes,
    });
  }

  refreshToken(grant: Grant): string {
    const token = randomBytes(32).toString('hex');
    this.refreshTokens.set(token, { grantId: grant.id, expiresAt: this.now() + REFRESH_TOKEN_MS, rotatedAt: null, successor: null });
    return token;
  }

  checkAccess(token: string): AccessCheck {
    const claims = readJwt(token);
    if (!claims || typeof claims.exp !== 'number' || typeof claims.global_session_id !== 'string') return { ok: false, reason: 'invalid' };
    if (claims.exp * 1000 <= this.now()) return { ok: false, reason: 'expired', expiredAt: claims.exp * 1000 };
    const grant = this.grants.get(claims.global_session_id);
    if (!grant || grant.revoked) return { ok: false, reason: 'invalid' };
    return { ok: true, grant, claims };
  }
}
