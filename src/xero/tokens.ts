/**
 * Where access tokens come from. The engine asks a TokenSource for a token per organisation;
 * the client-credentials source serves custom connections and the sandbox demo. The OAuth source
 * (refresh-token rotation, encrypted at rest) plugs in behind the same interface.
 */
import type { CatalogCode } from '../domain/catalog';
import type { Result } from '../domain/result';
import { sendHttp } from './http';

/** A token, or why there is none, as a catalog code the engine classifies the failure by. */
export type TokenResult = Result<{ token: string }, { reason: string; code: CatalogCode }>;

export interface TokenSource {
  /** A valid access token for calls on behalf of this organisation, or an explanation why not. */
  accessToken(tenantId: string | null): Promise<TokenResult>;
  /** The token was refused (401): forget it so the next call fetches a new one. `token` is the one refused. */
  invalidate(tenantId: string | null, token?: string): void;
}

export interface ClientCredentialsOptions {
  identityUrl: string;
  clientId: string;
  clientSecret: string;
  scopes?: string;
  timeoutMs: number;
  now?: () => number;
}

export class ClientCredentialsTokenSource implements TokenSource {
  private cached: { token: string; expiresAt: number } | null = null;
  private inflight: Promise<TokenResult> | null = null;

  constructor(private readonly o: ClientCredentialsOptions) {}

  async accessToken(): Promise<TokenResult> {
    const now = this.o.now?.() ?? Date.now();
    if (this.cached && this.cached.expiresAt - 60_000 > now) return { ok: true, token: this.cached.token };
    // Single flight: concurrent callers share one token request.
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  invalidate(): void {
    this.cached = null;
  }

  private async fetchToken(): Promise<TokenResult> {
    const basic = Buffer.from(`${this.o.clientId}:${this.o.clientSecret}`).toString('base64');
    const body = new URLSearchParams({ grant_type: 'client_credentials', ...(this.o.scopes ? { scope: this.o.scopes } : {}) });
    const res = await sendHttp({
      method: 'POST',
      url: `${this.o.identityUrl}/connect/token`,
      timeoutMs: this.o.timeoutMs,
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: body.toString(),
    });
    if (res.kind === 'network') return { ok: false, reason: `Xero's identity server could not be reached: ${res.detail}`, code: 'identity_unreachable' };
    if (res.status !== 200) return { ok: false, reason: `Xero refused the app's credentials (HTTP ${res.status}): ${res.bodyText.slice(0, 200)}`, code: 'invalid_client' };
    const json = JSON.parse(res.bodyText) as { access_token?: string; expires_in?: number };
    if (!json.access_token) return { ok: false, reason: 'Xero answered without an access token', code: 'invalid_token_response' };
    const now = this.o.now?.() ?? Date.now();
    this.cached = { token: json.access_token, expiresAt: now + (json.expires_in ?? 1800) * 1000 };
    return { ok: true, token: json.access_token };
  }
}
