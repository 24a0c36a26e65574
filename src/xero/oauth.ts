/**
 * Xero's identity server through oauth4webapi: the authorization-code flow with PKCE and state,
 * refresh-token rotation, client credentials (custom connections) and revocation.
 *
 * The endpoints come from the configuration rather than discovery, so that the three Xero hosts can
 * each point at a sandbox (docs/xero.md#oauth: the authorize page is on login.xero.com, the token,
 * revocation and JWKS endpoints on identity.xero.com). Expected failures are values: `invalid_grant`
 * (the connection is gone) is told apart from the identity server being unreachable (try again).
 */
import * as oauth from 'oauth4webapi';
import type { Config } from '../config/config';
import type { Result } from '../domain/result';

/** What xport keeps of a token response (encrypted at rest; never logged). */
export interface TokenSet {
  accessToken: string;
  refreshToken: string | null;
  /** Epoch ms. */
  accessExpiresAt: number;
  scope: string | null;
  idTokenClaims: { sub?: string; email?: string; name?: string; authEventId?: string } | null;
}

export type OAuthFailureCode = 'invalid_grant' | 'invalid_client' | 'invalid_scope' | 'identity_unreachable' | 'invalid_response' | 'access_denied' | 'state_mismatch';
export type OAuthResult<T> = Result<{ value: T }, { code: OAuthFailureCode; reason: string }>;

export interface OAuthClientOptions {
  clientId: string;
  clientSecret: string | undefined;
  redirectUri: string | undefined;
  scopes: string;
  identityUrl: string;
  loginUrl: string;
  timeoutMs: number;
  now?: () => number;
}

export function oauthOptionsFrom(config: Readonly<Config>): OAuthClientOptions | null {
  const x = config.xero;
  if (!x.clientId) return null;
  return { clientId: x.clientId, clientSecret: x.clientSecret, redirectUri: x.redirectUri, scopes: x.scopes, identityUrl: x.identityUrl, loginUrl: x.loginUrl, timeoutMs: config.xeroTimeoutMs };
}

export class OAuthClient {
  private readonly as: oauth.AuthorizationServer;
  private readonly client: oauth.Client;
  private readonly auth: oauth.ClientAuth;

  constructor(private readonly o: OAuthClientOptions) {
    this.as = {
      issuer: o.identityUrl,
      authorization_endpoint: `${o.loginUrl}/identity/connect/authorize`,
      token_endpoint: `${o.identityUrl}/connect/token`,
      revocation_endpoint: `${o.identityUrl}/connect/revocation`,
      jwks_uri: `${o.identityUrl}/.well-known/openid-configuration/jwks`,
    };
    this.client = { client_id: o.clientId };
    // A PKCE-only app has no secret (docs/xero.md#oauth); a web app authenticates with Basic.
    this.auth = o.clientSecret ? oauth.ClientSecretBasic(o.clientSecret) : oauth.None();
  }

  /** The consent URL, and the state and PKCE verifier to keep (server side) for the callback. */
  async authorizationRequest(): Promise<{ url: string; state: string; codeVerifier: string }> {
    if (!this.o.redirectUri) throw new Error('XERO_REDIRECT_URI must be set to connect with OAuth');
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const url = new URL(this.as.authorization_endpoint ?? '');
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.o.clientId,
      redirect_uri: this.o.redirectUri,
      scope: this.o.scopes,
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    }).toString();
    return { url: url.toString(), state, codeVerifier };
  }

  /** Checks the callback's state and exchanges its code (with the PKCE verifier) for tokens. */
  async exchangeCode(callbackUrl: URL, expected: { state: string; codeVerifier: string }): Promise<OAuthResult<TokenSet>> {
    let params: URLSearchParams;
    try {
      params = oauth.validateAuthResponse(this.as, this.client, callbackUrl, expected.state);
    } catch (err) {
      if (err instanceof oauth.AuthorizationResponseError) {
        return {
          ok: false,
          code: err.error === 'access_denied' ? 'access_denied' : 'invalid_response',
          reason: `Xero answered ${err.error}${err.error_description ? `: ${err.error_description}` : ''}`,
        };
      }
      return { ok: false, code: 'state_mismatch', reason: 'The answer from Xero does not belong to this sign-in (its state is wrong or missing); start again' };
    }
    return this.tokenCall(
      () => oauth.authorizationCodeGrantRequest(this.as, this.client, this.auth, params, this.o.redirectUri ?? '', expected.codeVerifier, this.httpOptions()),
      (res) => oauth.processAuthorizationCodeResponse(this.as, this.client, res),
    );
  }

  async refresh(refreshToken: string): Promise<OAuthResult<TokenSet>> {
    return this.tokenCall(
      () => oauth.refreshTokenGrantRequest(this.as, this.client, this.auth, refreshToken, this.httpOptions()),
      (res) => oauth.processRefreshTokenResponse(this.as, this.client, res),
    );
  }

  /** A custom connection's token (docs/xero.md#custom-connections): no user, no refresh token. */
  async clientCredentials(): Promise<OAuthResult<TokenSet>> {
    return this.tokenCall(
      () => oauth.clientCredentialsGrantRequest(this.as, this.client, this.auth, {}, this.httpOptions()),
      (res) => oauth.processClientCredentialsResponse(this.as, this.client, res),
    );
  }

  /** Revokes a refresh token (and with it the authorisation). Best effort: false when Xero did not confirm. */
  async revoke(refreshToken: string): Promise<boolean> {
    try {
      const res = await oauth.revocationRequest(this.as, this.client, this.auth, refreshToken, this.httpOptions());
      await oauth.processRevocationResponse(res);
      return true;
    } catch {
      return false;
    }
  }

  private httpOptions(): { signal: AbortSignal; [oauth.allowInsecureRequests]: boolean } {
    // http:// is allowed only when the configured identity server is http (a local sandbox).
    return { signal: AbortSignal.timeout(this.o.timeoutMs), [oauth.allowInsecureRequests]: this.o.identityUrl.startsWith('http://') };
  }

  private async tokenCall(request: () => Promise<Response>, process: (res: Response) => Promise<oauth.TokenEndpointResponse>): Promise<OAuthResult<TokenSet>> {
    try {
      const res = await request();
      await this.followServerClock(res);
      return { ok: true, value: this.toTokenSet(await process(res)) };
    } catch (err) {
      return { ok: false, ...describeTokenError(err) };
    }
  }

  /**
   * The ID token comes straight from the token endpoint, so its time claims only need to agree with
   * the identity server's own clock: xport measures that clock from the token's `iat` and checks
   * against it. A host whose clock drifts, or a sandbox whose clock was moved on to simulate hours
   * passing, then does not break sign-in; exp, nbf and the other checks still apply.
   */
  private async followServerClock(res: Response): Promise<void> {
    const body = (await res
      .clone()
      .json()
      .catch(() => null)) as { id_token?: unknown } | null;
    const iat = typeof body?.id_token === 'string' ? claimsOf(body.id_token).iat : undefined;
    if (typeof iat !== 'number') return;
    const skew = iat - Math.floor((this.o.now?.() ?? Date.now()) / 1000);
    this.client[oauth.clockSkew] = Math.abs(skew) > 30 ? skew : 0;
  }

  private toTokenSet(r: oauth.TokenEndpointResponse): TokenSet {
    const claims = r.id_token ? oauth.getValidatedIdTokenClaims(r) : undefined;
    const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
    return {
      accessToken: r.access_token,
      refreshToken: r.refresh_token ?? null,
      accessExpiresAt: (this.o.now?.() ?? Date.now()) + (r.expires_in ?? 1800) * 1000,
      scope: r.scope ?? null,
      idTokenClaims: claims ? { sub: str(claims.sub), email: str(claims.email), name: str(claims.name), authEventId: authEventIdOf(r.access_token) } : { authEventId: authEventIdOf(r.access_token) },
    };
  }
}

/** Xero's access tokens are JWTs carrying `authentication_event_id` (docs/xero.md#tokens): it filters /connections. */
function authEventIdOf(accessToken: string): string | undefined {
  const id = claimsOf(accessToken).authentication_event_id;
  return typeof id === 'string' ? id : undefined;
}

/** A JWT's claims, unverified (for reading only; never to trust). */
function claimsOf(jwt: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function describeTokenError(err: unknown): { code: OAuthFailureCode; reason: string } {
  if (err instanceof oauth.ResponseBodyError) {
    const known: OAuthFailureCode[] = ['invalid_grant', 'invalid_client', 'invalid_scope'];
    const code = known.find((k) => k === err.error) ?? (err.error === 'unauthorized_client' ? 'invalid_client' : 'invalid_response');
    return { code, reason: `Xero's identity server answered ${err.status} ${err.error}${err.error_description ? `: ${err.error_description}` : ''}` };
  }
  const e = err as { name?: string; message?: string; code?: string; cause?: { code?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.name === 'TypeError') {
    return { code: 'identity_unreachable', reason: `Xero's identity server could not be reached: ${e.message ?? String(err)}` };
  }
  return { code: 'invalid_response', reason: `Xero's identity server gave an answer xport cannot use: ${e.message ?? String(err)}` };
}
