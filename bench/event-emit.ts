/**
 * What a frequent engine event costs the export path while people watch: signs in over real HTTP,
 * opens N live pages that follow exports (`/events?exports=1`, default 3), then times 2,000
 * `await bus.emit('export.exported', …)` as the worker does them. Each live page reads the export
 * again; that read is a detached listener, so the emit does not wait for it.
 *   node --import tsx bench/event-emit.ts [pages]          (SQLite)
 *   XPORT_TEST_DATABASE_URL=postgres://… node --import tsx bench/event-emit.ts [pages]
 */
import { createRuntime } from '../src/app/runtime';
import { loadConfig } from '../src/config/config';
import { buildServer } from '../src/web/server';
import { ADMIN_PASSWORD, Browser } from '../test/oauth/helpers';
import { makeDatabase } from '../test/helpers/databases';

const TENANT = { id: 'eeeeeeee-0000-4000-8000-00000000000e', name: 'Org E Ltd' };
const db = await makeDatabase(process.env.XPORT_TEST_DATABASE_URL ? 'postgres' : 'sqlite');
const rt = await createRuntime(loadConfig({ XPORT_DATABASE_URL: db.url, XPORT_LOG_LEVEL: 'silent', XPORT_WORKERS: '0', XPORT_ADMIN_PASSWORD: ADMIN_PASSWORD }));
await rt.store.tenants.upsert(TENANT);
const app = await buildServer(rt);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const b = new Browser();
await b.login(url);
const jar = (b as unknown as { jar: Map<string, Map<string, string>> }).jar.get(url) ?? new Map<string, string>();
const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
const clients = Number(process.argv[2] ?? 3);
const aborts: AbortController[] = [];
for (let c = 0; c < clients; c++) {
  const ac = new AbortController();
  aborts.push(ac);
  const res = await fetch(`${url}/events?exports=1`, { headers: { cookie }, signal: ac.signal });
  void (async () => {
    try {
      for await (const _ of res.body ?? []) {
        /* drain */
      }
    } catch {
      /* aborted */
    }
  })();
}
await new Promise((r) => setTimeout(r, 200));
const N = 2000;
const t0 = performance.now();
for (let i = 1; i <= N; i++) {
  await rt.bus.emit('export.exported', { tenantId: TENANT.id, exportId: i, kind: 'sales_invoice', reference: `INV-${i}`, xeroId: `x-${i}`, durationMs: 1, correlationId: null, limits: null });
}
const ms = performance.now() - t0;
console.log(`${N} export.exported emits with ${clients} live pages following exports: ${ms.toFixed(0)} ms (${((ms * 1000) / N).toFixed(0)} µs per emit)`);
aborts.forEach((a) => a.abort());
await app.close();
await rt.close();
await db.drop();
