/**
 * Access tokens for organisations connected with OAuth, behind the engine's TokenSource interface.
 *
 * One refresh at a time per connection across every process on the database: the refresh runs
 * under the row lease of the grant store's tryLock, re-reads the token set once it holds
 * the lock (another process may have refreshed meanwhile), marks the refresh as started, calls
 * Xero, and stores the rotated token set before anyone uses it. Processes that find the lock taken
 * wait for the holder's result instead of refreshing with a token that is about to be replaced —
 * the race that makes Xero answer invalid_grant (docs/xero.md#tokens).
 *
 * Organisations without an OAuth grant use the fallback (a custom connection's client credentials,
 * or "not connected").
 */
import crypto from 'node:crypto';
import type { SecretBox } from '../security/secret-box';
import type { OAuthClient, OAuthResult, TokenSet } from './oauth';
import { GRACE_MS, grantFromTokens, openGrant, sealGrant, type StoredGrant } from './oauth-grant';
import type { TokenResult, TokenSource } from './tokens';

/**
 * Where sealed token sets are kept, with a row lease so one process refreshes at a time. The
 * database's xero_connections repository is one; this layer only names what it needs.
 */
export interface GrantStore {
  get(authId: string): Promise<{ ciphertext: string | null; status: 'active' | 'revoked' | 'disconnected' } | null>;
  authIdOf(tenantId: string): Promise<string | null>;
  tryLock(authId: string, owner: string, leaseMs: number, now?: Date): Promise<boolean>;
  unlock(authId: string, owner: string): Promise<void>;
  saveTokens(authId: string, owner: string | null, p: { ciphertext: string; accessExpiresAt: Date; refreshExpiresAt: Date }): Promise<boolean>;
}

export interface OAuthTokenSourceOptions {
  repo: GrantStore;
  box: SecretBox;
  oauth: OAuthClient;
  /** For organisations without an OAuth grant (and for calls not tied to one). */
  fallback: TokenSource;
  /** The connection is gone (invalid_grant, or a 401 right after a refresh): pause its organisations. */
  onLost(authId: string, reason: string): Promise<void>;
  now?: () => number;
  /** Refresh when less than this is left on the access token. Default 5 min. */
  refreshMarginMs?: number;
  /** How long the refresh lock is held at most (longer than a token call can take). Default 60 s. */
  lockLeaseMs?: number;
}

const LOST: TokenResult = {
  ok: false,
  code: 'auth_invalid_grant',
  reason: 'The Xero connection was revoked or has expired (invalid_grant): reconnect in Settings → Xero connection',
};

interface Cached {
  token: string;
  expiresAt: number;
  /** Obtained by a refresh that a 401 forced: another 401 on it means the connection is gone. */
  afterRejection: boolean;
}

export class OAuthTokenSource implements TokenSource {
  /** Identifies this process as the holder of refresh locks. */
  readonly owner = `${process.pid}-${crypto.randomUUID()}`;
  private readonly cache = new Map<string, Cached>();
  private readonly inflight = new Map<string, Promise<TokenResult>>();
  private readonly tenantAuth = new Map<string, string>();
  private readonly rejected = new Map<string, string>();
  private readonly suspect = new Set<string>();

  constructor(private readonly o: OAuthTokenSourceOptions) {}

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  async accessToken(tenantId: string | null): Promise<TokenResult> {
    const authId = tenantId ? await this.o.repo.authIdOf(tenantId) : null;
    if (!tenantId || !authId) return this.o.fallback.accessToken(tenantId);
    this.tenantAuth.set(tenantId, authId);
    return this.tokenFor(authId);
  }

  invalidate(tenantId: string | null, token?: string): void {
    const authId = tenantId ? this.tenantAuth.get(tenantId) : undefined;
    if (!authId) return this.o.fallback.invalidate(tenantId);
    const cached = this.cache.get(authId);
    // A 401 on a token older than the cached one says nothing about the cached one.
    if (token && cached && cached.token !== token) return;
    if (cached?.afterRejection) this.suspect.add(authId);
    if (cached) this.rejected.set(authId, cached.token);
    this.cache.delete(authId);
  }

  /** An access token for one connection; refreshes (once, across processes) when needed. */
  async tokenFor(authId: string, o: { force?: boolean } = {}): Promise<TokenResult> {
    const cached = this.cache.get(authId);
    const margin = this.o.refreshMarginMs ?? 5 * 60_000;
    if (!o.force && cached && cached.expiresAt - margin > this.now()) return { ok: true, token: cached.token };
    let p = this.inflight.get(authId);
    if (!p) {
      p = this.obtain(authId, o.force ?? false).finally(() => this.inflight.delete(authId));
      this.inflight.set(authId, p);
    }
    return p;
  }

  private async obtain(authId: string, force: boolean): Promise<TokenResult> {
    if (this.suspect.delete(authId)) {
      await this.o.onLost(authId, 'Xero refused a freshly refreshed access token (HTTP 401)');
      return LOST;
    }
    const row = await this.o.repo.get(authId);
    if (!row || row.status !== 'active') return LOST;
    const g = openGrant(this.o.box, authId, row.ciphertext);
    if (!g) return { ok: false, code: 'not_connected', reason: 'The stored Xero connection cannot be read with this secret key: reconnect in Settings' };
    if (!force && this.usable(authId, g)) return this.remember(authId, g, false);
    return this.refreshUnderLock(authId, force);
  }

  /** Valid for a while yet, not the token Xero just refused, and no refresh left unfinished by a crash. */
  private usable(authId: string, g: StoredGrant): boolean {
    const margin = this.o.refreshMarginMs ?? 5 * 60_000;
    return g.accessExpiresAt - margin > this.now() && g.accessToken !== this.rejected.get(authId) && !this.interrupted(g);
  }

  private interrupted(g: StoredGrant): boolean {
    return g.refreshStartedAt !== null && this.now() - g.refreshStartedAt > (this.o.lockLeaseMs ?? 60_000);
  }

  private remember(authId: string, g: StoredGrant, afterRejection: boolean): TokenResult {
    this.cache.set(authId, { token: g.accessToken, expiresAt: g.accessExpiresAt, afterRejection });
    return { ok: true, token: g.accessToken };
  }

  private async refreshUnderLock(authId: string, force: boolean): Promise<TokenResult> {
    const lease = this.o.lockLeaseMs ?? 60_000;
    const deadline = Date.now() + lease + 5_000;
    while (Date.now() < deadline) {
      if (await this.o.repo.tryLock(authId, this.owner, lease, new Date(this.now()))) {
        try {
          return await this.refreshLocked(authId, force);
        } finally {
          await this.o.repo.unlock(authId, this.owner);
        }
      }
      // Someone else is refreshing: wait for their result rather than racing them with the same token.
      await new Promise((r) => setTimeout(r, 100 + Math.floor(Math.random() * 100)));
      const row = await this.o.repo.get(authId);
      if (!row || row.status !== 'active') return LOST;
      const g = openGrant(this.o.box, authId, row.ciphertext);
      if (g && g.refreshStartedAt === null && this.usable(authId, g) && (!force || g.refreshedAt > this.now() - lease)) return this.remember(authId, g, false);
    }
    return { ok: false, code: 'identity_unreachable', reason: 'Another xport process is renewing the Xero token and has not finished; trying again shortly' };
  }

  private async refreshLocked(authId: string, force: boolean): Promise<TokenResult> {
    const row = await this.o.repo.get(authId);
    if (!row || row.status !== 'active') return LOST;
    const g = openGrant(this.o.box, authId, row.ciphertext);
    if (!g) return LOST;
    const lease = this.o.lockLeaseMs ?? 60_000;
    // Another process refreshed while we waited for the lock: use its token.
    if (this.usable(authId, g) && (!force || g.refreshedAt > this.now() - lease)) return this.remember(authId, g, false);
    const wasRejected = this.rejected.has(authId);
    // Mark first: if this process dies before the answer is stored, the next one retries at once (grace).
    await this.o.repo.saveTokens(authId, this.owner, sealGrant(this.o.box, authId, { ...g, refreshStartedAt: this.now() }));
    const { result, base } = await this.refreshWithGrace(g);
    if (result.ok) {
      const next = grantFromTokens(result.value, this.now(), base);
      await this.o.repo.saveTokens(authId, this.owner, sealGrant(this.o.box, authId, next));
      this.rejected.delete(authId);
      return this.remember(authId, next, wasRejected);
    }
    if (result.code === 'invalid_grant') {
      await this.o.onLost(authId, result.reason);
      return LOST;
    }
    return { ok: false, code: result.code === 'invalid_client' ? 'invalid_client' : 'identity_unreachable', reason: result.reason };
  }

  /** The current refresh token; if Xero refuses it, the one it replaced while that is within the grace. */
  private async refreshWithGrace(g: StoredGrant): Promise<{ result: OAuthResult<TokenSet>; base: StoredGrant }> {
    const result = await this.o.oauth.refresh(g.refreshToken);
    const previousValid = g.previousRefreshToken && g.previousValidUntil !== null && this.now() < g.previousValidUntil;
    if (result.ok || result.code !== 'invalid_grant' || !previousValid || !g.previousRefreshToken) return { result, base: g };
    const base: StoredGrant = { ...g, refreshToken: g.previousRefreshToken, previousRefreshToken: null, previousValidUntil: null };
    return { result: await this.o.oauth.refresh(g.previousRefreshToken), base };
  }

  /** Forgets cached tokens of a connection (after a reconnect or disconnect). */
  forget(authId: string): void {
    this.cache.delete(authId);
    this.rejected.delete(authId);
    this.suspect.delete(authId);
  }
}

export { GRACE_MS };
