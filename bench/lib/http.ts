/**
 * A real xport server for benches: the runtime over a bench database (no workers), listening on a
 * free port, an admin signed in through /login (session cookie) and an API token.
 */
import type { FastifyInstance } from 'fastify';
import { createRuntime, type Runtime } from '../../src/app/runtime';
import { loadConfig } from '../../src/config/config';
import { buildServer } from '../../src/web/server';

export const ADMIN_PASSWORD = 'bench-password';

export interface BenchServer {
  rt: Runtime;
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

export async function startRuntime(databaseUrl: string, env: Record<string, string> = {}): Promise<Runtime> {
  return createRuntime(loadConfig({ XPORT_DATABASE_URL: databaseUrl, XPORT_ADMIN_PASSWORD: ADMIN_PASSWORD, XPORT_LOG_LEVEL: 'silent', XPORT_WORKERS: '0', ...env }));
}

export async function startServer(rt: Runtime): Promise<BenchServer> {
  const app = await buildServer(rt);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { rt, app, url, close: () => app.close() };
}

/** Signs the admin in over HTTP, as a browser would; returns the session cookie. */
export async function signIn(url: string): Promise<string> {
  const page = await fetch(`${url}/login`);
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, username: 'admin', password: ADMIN_PASSWORD }),
  });
  const session = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  if (res.status < 300 || res.status >= 400 || !session) throw new Error(`sign-in failed: HTTP ${res.status}`);
  return session;
}

/** GET that must answer 200; the body is read completely (what a browser waits for). */
export async function get(url: string, headers: Record<string, string>): Promise<string> {
  const res = await fetch(url, { headers });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${body.slice(0, 200)}`);
  return body;
}
