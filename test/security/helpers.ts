/** An xport web server on a real database for the security tests, and what they read back from it. */
import type { FastifyInstance } from 'fastify';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createRuntime, type Runtime } from '../../src/app/runtime';
import { loadConfig } from '../../src/config/config';
import { buildServer } from '../../src/web/server';
import { makeDatabase, type TestDatabase } from '../helpers/databases';
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, csrfOf } from '../oauth/helpers';

export interface Served {
  db: TestDatabase;
  rt: Runtime;
  app: FastifyInstance;
  url: string;
  /** Warnings and errors the runtime logged. */
  logs: string[];
  sessionRows(): Promise<number>;
  close(): Promise<void>;
}

/** A logger that keeps what it is given, so that tests can read the warnings. */
export function capturingLogger(into: string[]): pino.Logger {
  return pino(
    { level: 'warn' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        into.push(chunk.toString());
        done();
      },
    }),
  );
}

export async function serve(kind: 'sqlite' | 'postgres', env: Record<string, string> = {}, db?: TestDatabase): Promise<Served> {
  const database = db ?? (await makeDatabase(kind));
  const logs: string[] = [];
  const rt = await createRuntime(loadConfig({ XPORT_DATABASE_URL: database.url, XPORT_LOG_LEVEL: 'silent', XPORT_WORKERS: '0', XPORT_ADMIN_PASSWORD: ADMIN_PASSWORD, ...env }), {
    logger: capturingLogger(logs),
  });
  const app = await buildServer(rt);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    db: database,
    rt,
    app,
    url,
    logs,
    async sessionRows() {
      const r = await rt.store.db
        .selectFrom('web_sessions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async close() {
      await app.close();
      await rt.close();
      if (!db) await database.drop();
    },
  };
}

/** The value of a cookie in a Set-Cookie list. */
export function cookieOf(setCookies: string[], name: string): string | null {
  for (const c of setCookies) {
    const [pair] = c.split(';');
    if (pair?.startsWith(`${name}=`)) return decodeURIComponent(pair.slice(name.length + 1));
  }
  return null;
}

/** Signs in with plain fetch; returns the session cookie's value (`<id>.<signature>`). */
export async function signIn(url: string, username = 'admin', password = ADMIN_PASSWORD, headers: Record<string, string> = {}): Promise<{ session: string; setCookies: string[]; headers: Headers }> {
  const page = await fetch(`${url}/login`, { headers });
  const csrfCookie = cookieOf(page.headers.getSetCookie(), 'xport_csrf') ?? '';
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded', cookie: `xport_csrf=${encodeURIComponent(csrfCookie)}` },
    body: new URLSearchParams({ _csrf: csrfOf(await page.text()), username, password }).toString(),
  });
  assert.equal(res.status, 303, 'signed in');
  const session = cookieOf(res.headers.getSetCookie(), 'xport_session');
  assert.ok(session);
  return { session, setCookies: [...page.headers.getSetCookie(), ...res.headers.getSetCookie()], headers: res.headers };
}

export const queueWith = (url: string, session: string) => fetch(`${url}/queue`, { redirect: 'manual', headers: { cookie: `xport_session=${encodeURIComponent(session)}` } });
