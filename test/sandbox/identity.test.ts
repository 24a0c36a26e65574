/** The identity server end to end with a standard OAuth client (oauth4webapi): code + PKCE, refresh, revocation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import type { Sandbox } from '../../src/sandbox/index';
import { AU, NZ, call, control, withSandbox } from './helpers';

const insecure = { [oauth.allowInsecureRequests]: true };
const REDIRECT = 'http://127.0.0.1:9/callback';

async function discover(s: Sandbox): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(s.url);
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
}

/** Plays the user: opens the consent page, ticks the given organisations and submits. */
async function consent(as: oauth.AuthorizationServer, params: Record<string, string>, tenants: string[], action = 'allow'): Promise<URL> {
  const url = new URL(as.authorization_endpoint ?? '');
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const page = await fetch(url);
  assert.equal(page.status, 200);
  const html = await page.text();
  for (const t of tenants) assert.ok(html.includes(t), 'the consent page lists the organisations');
  const form = new URLSearchParams(params);
  for (const t of tenants) form.append('tenant', t);
  form.set('action', action);
  const res = await fetch(url.origin + url.pathname, { method: 'POST', body: form, redirect: 'manual' });
  assert.equal(res.status, 302);
  return new URL(res.headers.get('location') ?? '');
}

test('authorization code with PKCE, id_token, connections, refresh rotation with grace, revocation', async () => {
  await withSandbox(async (s) => {
    const as = await discover(s);
    assert.equal(as.authorization_endpoint, `${s.url}/identity/connect/authorize`);
    const client: oauth.Client = { client_id: s.clientId };
    const auth = oauth.ClientSecretBasic(s.clientSecret);
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const redirect = await consent(
      as,
      {
        client_id: s.clientId,
        redirect_uri: REDIRECT,
        response_type: 'code',
        scope: 'openid profile email offline_access accounting.transactions accounting.contacts accounting.settings',
        state,
        nonce,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      },
      [NZ, AU],
    );
    const params = oauth.validateAuthResponse(as, client, redirect, state);
    const wrong = await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT, oauth.generateRandomCodeVerifier(), insecure);
    assert.equal(wrong.status, 400);
    assert.equal(((await wrong.json()) as { error: string }).error, 'invalid_grant', 'a wrong verifier fails (and uses up the code)');

    const redirect2 = await consent(
      as,
      {
        client_id: s.clientId,
        redirect_uri: REDIRECT,
        response_type: 'code',
        scope: 'openid offline_access accounting.transactions accounting.settings',
        state,
        nonce,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      },
      [NZ],
    );
    const params2 = oauth.validateAuthResponse(as, client, redirect2, state);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, auth, params2, REDIRECT, verifier, insecure), {
      expectedNonce: nonce,
      requireIdToken: true,
    });
    assert.equal(tokens.expires_in, 1800);
    assert.ok(tokens.refresh_token);
    const claims = oauth.getValidatedIdTokenClaims(tokens);
    assert.equal(claims?.iss, s.url);

    const conns = (await (await fetch(`${s.url}/connections`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).json()) as Array<{ id: string; tenantId: string; tenantType: string }>;
    assert.deepEqual(
      conns.map((c) => [c.tenantId, c.tenantType]),
      [[NZ, 'ORGANISATION']],
    );
    assert.equal((await call(s, tokens.access_token, 'GET', '/Organisation', { tenant: AU })).status, 403, 'not connected to AU');
    assert.equal((await call(s, tokens.access_token, 'GET', '/Contacts')).status, 401, 'no contacts scope');

    const r1 = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token ?? '', insecure));
    assert.notEqual(r1.refresh_token, tokens.refresh_token, 'rotated');
    const grace = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token ?? '', insecure));
    assert.equal(grace.refresh_token, r1.refresh_token, 'the previous token still works within 30 minutes');
    await control(s, 'POST', '/clock', { advanceSeconds: 31 * 60 });
    const late = await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token ?? '', insecure);
    assert.equal(late.status, 400);
    assert.deepEqual(await late.json(), { error: 'invalid_grant' });
    const r2 = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, r1.refresh_token ?? '', insecure));
    assert.equal((await call(s, r2.access_token, 'GET', '/Organisation')).status, 200);

    const del = await fetch(`${s.url}/connections/${conns[0]?.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${r2.access_token}` } });
    assert.equal(del.status, 204);
    assert.equal((await call(s, r2.access_token, 'GET', '/Organisation')).status, 403);
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, r2.refresh_token ?? '', insecure));
    assert.equal((await oauth.refreshTokenGrantRequest(as, client, auth, r2.refresh_token ?? '', insecure)).status, 400);
    assert.equal((await call(s, r2.access_token, 'GET', '/Organisation')).status, 401);
  });
});

test('public PKCE client without a secret; denied consent; bad client credentials', async () => {
  await withSandbox(async (s) => {
    assert.equal((await control(s, 'POST', '/apps', { clientId: 'spa', clientSecret: null, redirectUris: [REDIRECT] })).status, 201);
    const as = await discover(s);
    const client: oauth.Client = { client_id: 'spa' };
    const verifier = oauth.generateRandomCodeVerifier();
    const base = {
      client_id: 'spa',
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'offline_access accounting.settings.read',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    };
    const denied = await consent(as, base, [NZ], 'deny');
    assert.equal(denied.searchParams.get('error'), 'access_denied');
    const ok = await consent(as, base, [NZ]);
    const params = oauth.validateAuthResponse(as, client, ok, oauth.expectNoState);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, REDIRECT, verifier, insecure));
    assert.equal((await call(s, tokens.access_token, 'GET', '/Accounts')).status, 200);
    const bad = await fetch(`${s.url}/connect/token`, {
      method: 'POST',
      body: 'grant_type=client_credentials',
      headers: { authorization: `Basic ${Buffer.from(`${s.clientId}:nope`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), { error: 'invalid_client' });
  });
});
