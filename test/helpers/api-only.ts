/**
 * The HTTP API over a real database without a Xero behind it: for ingest tests that never export.
 */
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/config';
import { createRuntime, type Runtime } from '../../src/app/runtime';
import { buildServer } from '../../src/web/server';
import { makeDatabase, type TestDatabase } from './databases';

export interface ApiOnly {
  db: TestDatabase;
  rt: Runtime;
  app: FastifyInstance;
  url: string;
  token: string;
  tenantId: string;
  close(): Promise<void>;
}

/**
 * `env` adds to the configuration; ingest property tests pass `XPORT_API_RATE_LIMIT: '0'`, since they send
 * thousands of requests a minute from one token (the limit itself: test/web/api-rate-limit.test.ts).
 */
export async function startApiOnly(kind: 'sqlite' | 'postgres', env: Record<string, string> = {}): Promise<ApiOnly> {
  const db = await makeDatabase(kind);
  const rt = await createRuntime(loadConfig({ XPORT_DATABASE_URL: db.url, XPORT_LOG_LEVEL: 'silent', XPORT_WORKERS: '0', ...env }));
  const tenantId = 'tenant-api-only';
  await rt.store.tenants.upsert({ id: tenantId, name: 'API Only Ltd' });
  const { token } = await rt.store.tokens.create({ tenantId, name: 'test', role: 'admin' });
  const app = await buildServer(rt);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    db,
    rt,
    app,
    url,
    token,
    tenantId,
    async close() {
      await app.close();
      await rt.close();
      await db.drop();
    },
  };
}
