/**
 * An xport process in-process for tests: a real database (SQLite file or PostgreSQL), the real
 * sandbox over HTTP, the real HTTP server on a random port. Workers are driven with drain() so that
 * tests are deterministic, or started for live runs.
 */
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/config';
import { createRuntime, syncConnections, type Runtime, type RuntimeOptions } from '../../src/app/runtime';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index';
import { buildServer } from '../../src/web/server';
import { makeDatabase, type TestDatabase } from './databases';
import { sandboxEnv } from './sandbox-env';

export const API_TOKEN = 'test-api-token-0123456789';
/** /metrics answers 401 without a token: the harness configures this one (send it as Bearer). */
export const METRICS_TOKEN = 'test-metrics-token-0123456789';

export interface Harness {
  db: TestDatabase;
  sandbox: Sandbox;
  rt: Runtime;
  app: FastifyInstance;
  url: string;
  tenantId: string;
  api(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; json: unknown }>;
  sandboxToken(): Promise<string>;
  xeroGet(path: string, tenantId?: string): Promise<Record<string, unknown>>;
  drain(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(
  kind: 'sqlite' | 'postgres',
  o: { sandbox?: SandboxOptions; runtime?: RuntimeOptions; env?: Record<string, string>; sandboxInstance?: Sandbox } = {},
): Promise<Harness> {
  const db = await makeDatabase(kind);
  const sandbox = o.sandboxInstance ?? (await startSandbox({ port: 0, ...o.sandbox }));
  const config = loadConfig({
    XPORT_DATABASE_URL: db.url,
    XPORT_API_TOKEN: API_TOKEN,
    XPORT_METRICS_TOKEN: METRICS_TOKEN,
    XPORT_LOG_LEVEL: 'silent',
    XPORT_WORKERS: '1',
    XPORT_XERO_TIMEOUT_MS: '5000',
    ...sandboxEnv(sandbox),
    ...o.env,
  });
  const rt = await createRuntime(config, o.runtime);
  const synced = await syncConnections(rt);
  if (!synced.ok) throw new Error(synced.reason);
  const app = await buildServer(rt);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const tenantId = synced.tenants[0]?.id ?? '';
  let cachedToken: string | null = null;
  const harness: Harness = {
    db,
    sandbox,
    rt,
    app,
    url,
    tenantId,
    async api(method, path, body, token = API_TOKEN) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, json: text ? (JSON.parse(text) as unknown) : null };
    },
    async sandboxToken() {
      if (cachedToken) return cachedToken;
      const res = await fetch(`${sandbox.url}/connect/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials' }),
        headers: { authorization: `Basic ${Buffer.from(`${sandbox.clientId}:${sandbox.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      });
      cachedToken = ((await res.json()) as { access_token: string }).access_token;
      return cachedToken;
    },
    async xeroGet(path, t = tenantId) {
      const res = await fetch(`${sandbox.url}/api.xro/2.0${path}`, { headers: { authorization: `Bearer ${await harness.sandboxToken()}`, 'xero-tenant-id': t, accept: 'application/json' } });
      if (res.status !== 200) throw new Error(`sandbox GET ${path} answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as Record<string, unknown>;
    },
    async drain() {
      const worker = rt.workers[0];
      if (!worker) throw new Error('no worker');
      await worker.drain();
    },
    async close() {
      await app.close();
      await rt.close();
      if (!o.sandboxInstance) await sandbox.close();
      await db.drop();
    },
  };
  return harness;
}
