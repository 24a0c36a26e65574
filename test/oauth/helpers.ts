/**
 * Rig for the OAuth tests: xport configured for OAuth (XERO_REDIRECT_URI set) against the real
 * sandbox over HTTP, on a real database, plus a small browser stand-in (cookies, manual redirects,
 * CSRF tokens scraped from forms) that walks the consent flow the way a person would.
 */
import type { FastifyInstance } from 'fastify';
import { createRuntime, type Runtime } from '../../src/app/runtime';
import { loadConfig } from '../../src/config/config';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { buildServer } from '../../src/web/server';
import type { OAuthTokenSource } from '../../src/xero/oauth-token-source';
import { makeDatabase, type TestDatabase } from '../helpers/databases';
import { freePort } from '../helpers/processes';

export const ADMIN_PASSWORD = 'admin-password-1';
export const WEBHOOK_KEY = 'test-webhook-key-0123456789abcdef';

export { freePort };

export interface Xport {
  rt: Runtime;
  app: FastifyInstance;
  url: string;
  tokens: OAuthTokenSource;
  close(): Promise<void>;
}

/** One xport process on `dbUrl`, configured for OAuth against `sandbox`. */
export async function startXport(dbUrl: string, sandbox: Sandbox, env: Record<string, string> = {}): Promise<Xport> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    XPORT_DATABASE_URL: dbUrl,
    XPORT_LOG_LEVEL: 'silent',
    XPORT_WORKERS: '1',
    XPORT_XERO_TIMEOUT_MS: '5000',
    XPORT_ADMIN_PASSWORD: ADMIN_PASSWORD,
    XERO_CLIENT_ID: sandbox.clientId,
    XERO_CLIENT_SECRET: sandbox.clientSecret,
    XERO_REDIRECT_URI: `${url}/settings/xero/callback`,
    XERO_API_URL: sandbox.url,
    XERO_IDENTITY_URL: sandbox.url,
    XERO_LOGIN_URL: sandbox.url,
    XERO_WEBHOOK_KEY: WEBHOOK_KEY,
    ...env,
  });
  const rt = await createRuntime(config);
  const app = await buildServer(rt);
  await app.listen({ host: '127.0.0.1', port });
  return {
    rt,
    app,
    url,
    tokens: rt.tokens as OAuthTokenSource,
    async close() {
      await app.close();
      await rt.close();
    },
  };
}

export interface Rig {
  db: TestDatabase;
  sandbox: Sandbox;
  x: Xport;
  close(): Promise<void>;
}

export async function startRig(kind: 'sqlite' | 'postgres', env: Record<string, string> = {}): Promise<Rig> {
  const db = await makeDatabase(kind);
  const sandbox = await startSandbox({ port: 0 });
  const x = await startXport(db.url, sandbox, env);
  return {
    db,
    sandbox,
    x,
    async close() {
      await x.close();
      await sandbox.close();
      await db.drop();
    },
  };
}

/** A browser stand-in: keeps cookies per origin, follows nothing by itself. */
export class Browser {
  private readonly jar = new Map<string, Map<string, string>>();

  async request(url: string, o: { method?: string; form?: Record<string, string | string[]> } = {}): Promise<{ status: number; location: string | null; text: string }> {
    const u = new URL(url);
    const cookies = [...(this.jar.get(u.origin) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (o.form) {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(o.form)) for (const one of Array.isArray(v) ? v : [v]) p.append(k, one);
      body = p.toString();
    }
    const res = await fetch(url, {
      method: o.method ?? (o.form ? 'POST' : 'GET'),
      redirect: 'manual',
      body,
      headers: { ...(cookies ? { cookie: cookies } : {}), ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    });
    const jar = this.jar.get(u.origin) ?? new Map<string, string>();
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair?.indexOf('=') ?? -1;
      if (pair && i > 0) jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    this.jar.set(u.origin, jar);
    const location = res.headers.get('location');
    return { status: res.status, location: location ? new URL(location, url).toString() : null, text: await res.text() };
  }

  async login(base: string, username = 'admin', password = ADMIN_PASSWORD): Promise<void> {
    const page = await this.request(`${base}/login`);
    const res = await this.request(`${base}/login`, { form: { _csrf: csrfOf(page.text), username, password, next: '/queue' } });
    if (res.status !== 303) throw new Error(`login failed: ${res.status}`);
  }

  /** A CSRF token for forms on `path` (any page of the signed-in UI carries one). */
  async csrf(base: string, path = '/settings/users'): Promise<string> {
    return csrfOf((await this.request(`${base}${path}`)).text);
  }
}

export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error('no CSRF token on the page');
  return m[1];
}

/** Hidden inputs of the sandbox's consent form. */
function hiddenFields(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    out[m[1] ?? ''] = (m[2] ?? '').replace(/&#(\d+);/g, (_s, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');
  }
  return out;
}

/**
 * Connect → Xero's consent page → allow `tenants` → callback → (choice page when several) → Settings.
 * Returns the final flash page text and the authorize URL xport sent the browser to.
 */
export async function connectViaOAuth(b: Browser, x: Xport, consentTenants: string[], keep?: string[]): Promise<{ authorizeUrl: string; settings: string }> {
  const start = await b.request(`${x.url}/settings/xero/connect`);
  if (start.status !== 302 || !start.location) throw new Error(`connect answered ${start.status}: ${start.text.slice(0, 200)}`);
  const consent = await b.request(start.location);
  const decision = await b.request(new URL('/identity/connect/authorize', start.location).toString(), { form: { ...hiddenFields(consent.text), tenant: consentTenants, action: 'allow' } });
  if (!decision.location) throw new Error(`consent answered ${decision.status}: ${decision.text.slice(0, 200)}`);
  let res = await b.request(decision.location);
  if (res.location?.endsWith('/settings/xero/organisations')) {
    const choice = await b.request(res.location);
    res = await b.request(res.location, { form: { _csrf: csrfOf(choice.text), tenant: keep ?? consentTenants } });
  }
  if (!res.location?.endsWith('/settings#connection')) throw new Error(`callback answered ${res.status} → ${res.location}: ${res.text.slice(0, 300)}`);
  return { authorizeUrl: start.location, settings: (await b.request(`${x.url}/settings`)).text };
}

export async function sandboxPost(sandbox: Sandbox, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${sandbox.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return res.json();
}

export async function tokenRequests(sandbox: Sandbox): Promise<number> {
  const res = await fetch(`${sandbox.url}/_sandbox/requests?path=/connect/token`);
  const body = (await res.json()) as { requests: Array<{ path: string }> };
  return body.requests.filter((r) => r.path === '/connect/token').length;
}
