/**
 * The life of a Xero connection: consent (authorization code + PKCE), the choice of organisations
 * from /connections, a lost connection (pause and say so), reconnecting (resume and let the backlog
 * export by itself), disconnecting on purpose, and the periodic checks that keep idle connections
 * alive and notice connections removed in Xero.
 *
 * Glossary: an *authorisation* (a row of xero_connections, "auth id") is one consent and its token
 * set; it reaches one or more *organisations* (tenants), each through a Xero *connection* (Xero's
 * per-organisation id, tenants.connection_id).
 */
import crypto from 'node:crypto';
import type { XeroConnectionsRepository } from '../db/repositories/xero-connections';
import type { Store } from '../db/store';
import type { Result } from '../domain/result';
import type { SecretBox } from '../security/secret-box';
import { deleteConnection, listConnections, type XeroTenantConnection } from '../xero/connections-api';
import type { OAuthClient, OAuthFailureCode } from '../xero/oauth';
import { grantFromTokens, openGrant, sealGrant } from '../xero/oauth-grant';
import type { OAuthTokenSource } from '../xero/oauth-token-source';
import type { EventBus } from './events';

export interface ConnectionManagerDeps {
  store: Store;
  repo: XeroConnectionsRepository;
  box: SecretBox;
  bus: EventBus;
  /** Null when no Xero app is configured for OAuth (XERO_CLIENT_ID and XERO_REDIRECT_URI). */
  oauth: OAuthClient | null;
  tokens: OAuthTokenSource | null;
  apiUrl: string;
  timeoutMs: number;
  /** Refresh a connection that has not been refreshed for this long (Xero drops refresh tokens unused for 60 days). Default 7 days. */
  idleRefreshMs?: number;
}

/** What a connection step gives, or why it did not happen. */
export type ConnectionResult<T> = Result<{ value: T }, { code: OAuthFailureCode | 'not_configured' | 'no_organisations' | 'xero_error'; reason: string }>;

/** The organisations recorded after a sync, or why they could not be read. */
export type SyncResult = Result<{ tenants: Array<{ id: string; name: string }> }, { reason: string }>;

export class ConnectionManager {
  constructor(private readonly d: ConnectionManagerDeps) {}

  get oauthEnabled(): boolean {
    return this.d.oauth !== null;
  }

  private need(): { oauth: OAuthClient; tokens: OAuthTokenSource } {
    if (!this.d.oauth || !this.d.tokens) throw new Error('OAuth is not configured: set XERO_CLIENT_ID and XERO_REDIRECT_URI');
    return { oauth: this.d.oauth, tokens: this.d.tokens };
  }

  beginAuthorization(): Promise<{ url: string; state: string; codeVerifier: string }> {
    return this.need().oauth.authorizationRequest();
  }

  /** Exchanges the callback's code, stores the token set encrypted, and lists the organisations it reaches. */
  async finishAuthorization(callbackUrl: URL, expected: { state: string; codeVerifier: string }): Promise<ConnectionResult<{ authId: string; organisations: XeroTenantConnection[] }>> {
    const { oauth } = this.need();
    const tokens = await oauth.exchangeCode(callbackUrl, expected);
    if (!tokens.ok) return tokens;
    if (!tokens.value.refreshToken) return { ok: false, code: 'invalid_scope', reason: 'Xero gave no refresh token: the offline_access scope must be requested (XERO_SCOPES)' };
    const listed = await listConnections(this.d.apiUrl, tokens.value.accessToken, this.d.timeoutMs);
    if (!listed.ok) return { ok: false, code: 'xero_error', reason: listed.reason };
    if (listed.connections.length === 0) return { ok: false, code: 'no_organisations', reason: 'The Xero user did not connect any organisation' };
    const authId = crypto.randomUUID();
    const grant = grantFromTokens(tokens.value, Date.now(), null);
    await this.d.repo.create({ id: authId, ...sealGrant(this.d.box, authId, grant) });
    return { ok: true, value: { authId, organisations: listed.connections } };
  }

  /**
   * Uses the chosen organisations through this authorisation and removes the others' connections in
   * Xero. An organisation that was disconnected resumes: its held exports become due now.
   */
  async adopt(authId: string, organisations: XeroTenantConnection[], chosen: string[], actor: string): Promise<ConnectionResult<Array<{ id: string; name: string; released: number }>>> {
    const picked = organisations.filter((o) => chosen.includes(o.tenantId));
    const token = await this.need().tokens.tokenFor(authId);
    if (!token.ok) return { ok: false, code: 'xero_error', reason: token.reason };
    for (const o of organisations.filter((x) => !chosen.includes(x.tenantId))) await deleteConnection(this.d.apiUrl, token.token, o.id, this.d.timeoutMs);
    if (picked.length === 0) {
      await this.forgetAuthorisation(authId);
      return { ok: false, code: 'no_organisations', reason: 'No organisation was chosen; nothing is connected' };
    }
    const out: Array<{ id: string; name: string; released: number }> = [];
    for (const o of picked) out.push({ id: o.tenantId, name: o.tenantName, released: await this.connectTenant(authId, o, actor) });
    return { ok: true, value: out };
  }

  private async connectTenant(authId: string, o: XeroTenantConnection, actor: string): Promise<number> {
    const { store, repo, bus } = this.d;
    const previousAuth = await repo.authIdOf(o.tenantId);
    await store.tenants.upsert({ id: o.tenantId, name: o.tenantName, connectionId: o.id });
    await repo.linkTenant(o.tenantId, authId);
    await store.tenants.resume(o.tenantId);
    const released = await repo.releasePausedExports(o.tenantId);
    if (previousAuth && previousAuth !== authId && (await repo.tenantsOf(previousAuth)).length === 0) await this.forgetAuthorisation(previousAuth);
    await bus.emit('connection.restored', { tenantId: o.tenantId, tenantName: o.tenantName, actor, released });
    await bus.emit('tenant.resumed', { tenantId: o.tenantId, reason: `connected to Xero by ${actor}` });
    await bus.emit('queue.changed', { tenantId: o.tenantId });
    return released;
  }

  /** Disconnects one organisation on purpose: removes its Xero connection and holds its queue. */
  async disconnect(tenantId: string, actor: string): Promise<ConnectionResult<{ name: string }>> {
    const { store, repo, bus } = this.d;
    const tenant = await store.tenants.get(tenantId);
    if (!tenant) return { ok: false, code: 'no_organisations', reason: 'That organisation is not connected' };
    const authId = await repo.authIdOf(tenantId);
    if (authId && this.d.tokens && tenant.connectionId) {
      const token = await this.d.tokens.tokenFor(authId);
      if (token.ok) await deleteConnection(this.d.apiUrl, token.token, tenant.connectionId, this.d.timeoutMs);
    }
    await repo.markTenantDisconnected(tenantId, { reason: `Disconnected from Xero by ${actor}: reconnect in Settings to export again`, code: 'disconnected' });
    await repo.linkTenant(tenantId, null);
    if (authId && (await repo.tenantsOf(authId)).length === 0) await this.forgetAuthorisation(authId);
    await bus.emit('connection.removed', { tenantId, tenantName: tenant.name, actor });
    await bus.emit('queue.changed', { tenantId });
    return { ok: true, value: { name: tenant.name } };
  }

  /** The authorisation no longer works: every organisation it carried waits, and people are told. */
  async markLost(authId: string, reason: string, code = 'auth_invalid_grant'): Promise<void> {
    await this.d.repo.setStatus(authId, 'revoked');
    this.d.tokens?.forget(authId);
    for (const t of await this.d.repo.tenantsOf(authId)) await this.markTenantLost(t.id, t.name, reason, code);
  }

  private async markTenantLost(tenantId: string, tenantName: string, reason: string, code: string): Promise<void> {
    const pauseReason = `Xero connection lost (${reason}). Reconnect in Settings → Xero connection; the queue then resumes by itself`;
    if (!(await this.d.repo.markTenantDisconnected(tenantId, { reason: pauseReason, code }))) return;
    await this.d.bus.emit('tenant.paused', { tenantId, until: null, reason: pauseReason, code });
    await this.d.bus.emit('connection.lost', { tenantId, tenantName, reason, code });
    await this.d.bus.emit('queue.changed', { tenantId });
  }

  /** Revokes the refresh token at Xero (best effort) and deletes the stored token set. */
  private async forgetAuthorisation(authId: string): Promise<void> {
    const row = await this.d.repo.get(authId);
    const grant = row ? openGrant(this.d.box, authId, row.ciphertext) : null;
    if (grant && this.d.oauth) await this.d.oauth.revoke(grant.refreshToken);
    this.d.tokens?.forget(authId);
    await this.d.repo.delete(authId);
  }

  /**
   * Keeps connections alive and honest: finishes refreshes a crash interrupted (inside Xero's
   * 30-minute grace), refreshes connections idle for a week (long before the 60-day expiry), and
   * marks organisations whose connection was removed in Xero as lost.
   */
  async maintain(o: { checkConnections?: boolean } = {}): Promise<{ refreshed: number; lost: number }> {
    if (!this.d.tokens) return { refreshed: 0, lost: 0 };
    let refreshed = 0;
    let lost = 0;
    const idleMs = this.d.idleRefreshMs ?? 7 * 24 * 3600_000;
    for (const row of await this.d.repo.listActive()) {
      const grant = openGrant(this.d.box, row.id, row.ciphertext);
      if (!grant) continue;
      const due = grant.refreshStartedAt !== null || grant.refreshedAt < Date.now() - idleMs;
      const token = await this.d.tokens.tokenFor(row.id, { force: due });
      if (due && token.ok) refreshed += 1;
      if (token.ok && o.checkConnections) lost += await this.checkConnections(row.id, token.token);
    }
    return { refreshed, lost };
  }

  private async checkConnections(authId: string, accessToken: string): Promise<number> {
    const listed = await listConnections(this.d.apiUrl, accessToken, this.d.timeoutMs);
    if (!listed.ok) return 0;
    const reachable = new Set(listed.connections.map((c) => c.tenantId));
    let lost = 0;
    for (const t of await this.d.repo.tenantsOf(authId)) {
      if (t.status !== 'active' || reachable.has(t.id)) continue;
      await this.markTenantLost(t.id, t.name, 'the organisation was disconnected from xport in Xero', 'auth_forbidden');
      lost += 1;
    }
    return lost;
  }

  /** Organisations reachable through every stored authorisation (the "refresh organisations" action). */
  async syncAll(): Promise<SyncResult> {
    await this.maintain({ checkConnections: true });
    const tenants = (await this.d.store.tenants.list()).filter((t) => t.status === 'active');
    return { ok: true, tenants: tenants.map((t) => ({ id: t.id, name: t.name })) };
  }
}
