/**
 * The Xero half of `xport doctor`: the identity server answers (and its Date header gives the
 * clock check), the app's credentials are accepted, the API answers with the organisations, and
 * the token carries the scopes the engine needs. An OAuth app's tokens stay encrypted in the
 * database: for it the requested scopes (XERO_SCOPES) are checked instead.
 */
import type { Config } from '../config/config';
import { sendHttp } from '../xero/http';
import { clockFinding, scopeFinding, type Finding } from './doctor';

function tokenScopes(body: { scope?: unknown; access_token?: unknown }): string[] {
  if (typeof body.scope === 'string') return body.scope.split(/\s+/).filter(Boolean);
  const payload = typeof body.access_token === 'string' ? body.access_token.split('.')[1] : undefined;
  if (!payload) return [];
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { scope?: unknown };
    return Array.isArray(claims.scope) ? claims.scope.map(String) : typeof claims.scope === 'string' ? claims.scope.split(/\s+/) : [];
  } catch {
    return [];
  }
}

const unreachable = (what: string, detail: string, fix: string): Finding => ({ check: 'xero', ok: false, detail: `${what}: ${detail}`, fix });

async function customConnection(config: Readonly<Config>, clientId: string, clientSecret: string): Promise<Finding[]> {
  const { identityUrl, apiUrl } = config.xero;
  const timeoutMs = Math.min(config.xeroTimeoutMs, 15_000);
  const token = await sendHttp({
    method: 'POST',
    url: `${identityUrl}/connect/token`,
    timeoutMs,
    body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
  });
  if (token.kind === 'network') return [unreachable(`${identityUrl} cannot be reached`, token.detail, 'check the network, a proxy or firewall, and XERO_IDENTITY_URL')];
  if (token.status !== 200)
    return [
      unreachable(
        "Xero refused the app's credentials",
        `HTTP ${token.status}`,
        'check XERO_CLIENT_ID and XERO_CLIENT_SECRET in the Xero developer portal (a custom connection must be authorised for an organisation)',
      ),
    ];
  const body = JSON.parse(token.bodyText) as { access_token?: string; scope?: string };
  const conns = await sendHttp({ method: 'GET', url: `${apiUrl}/connections`, timeoutMs, headers: { authorization: `Bearer ${body.access_token ?? ''}`, accept: 'application/json' } });
  if (conns.kind === 'network') return [unreachable(`${apiUrl} cannot be reached`, conns.detail, 'check the network, a proxy or firewall, and XERO_API_URL')];
  if (conns.status !== 200) return [unreachable(`${apiUrl}/connections answered HTTP ${conns.status}`, conns.bodyText.slice(0, 120), 'check the app in the Xero developer portal')];
  const list = JSON.parse(conns.bodyText) as unknown[];
  return [
    {
      check: 'xero',
      ok: list.length > 0,
      detail: `identity and API answer; ${list.length} organisation(s) connected`,
      ...(list.length ? {} : { fix: 'authorise the custom connection for an organisation in the Xero developer portal' }),
    },
    scopeFinding(tokenScopes(body), 'the access token'),
  ];
}

export async function checkXero(config: Readonly<Config>, now: () => number = Date.now): Promise<Finding[]> {
  const { clientId, clientSecret, redirectUri, identityUrl, scopes } = config.xero;
  if (!clientId || !clientSecret) {
    return [{ check: 'xero', ok: false, detail: 'no Xero app is configured', fix: 'set XERO_CLIENT_ID and XERO_CLIENT_SECRET (and XERO_REDIRECT_URI for an OAuth app)' }];
  }
  const discovery = await sendHttp({
    method: 'GET',
    url: `${identityUrl}/.well-known/openid-configuration`,
    timeoutMs: Math.min(config.xeroTimeoutMs, 15_000),
    headers: { accept: 'application/json' },
  });
  if (discovery.kind === 'network') return [unreachable(`${identityUrl} cannot be reached`, discovery.detail, 'check the network, a proxy or firewall, and XERO_IDENTITY_URL')];
  const clock = clockFinding(discovery.headers.date, now(), identityUrl);
  if (redirectUri) {
    const requested = scopes.split(/\s+/).filter(Boolean);
    const offline = requested.includes('offline_access')
      ? []
      : [{ check: 'scopes', ok: false, detail: 'XERO_SCOPES lacks offline_access: connections would end after 30 minutes', fix: 'add offline_access to XERO_SCOPES' }];
    return [
      clock,
      { check: 'xero', ok: discovery.status === 200, detail: `identity server answers (HTTP ${discovery.status}); OAuth app, organisations are connected in Settings` },
      scopeFinding(requested, 'XERO_SCOPES'),
      ...offline,
    ];
  }
  return [clock, ...(await customConnection(config, clientId, clientSecret))];
}
