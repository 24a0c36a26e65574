/**
 * Real PostgreSQL faults, on a server this test owns (never the shared one): two `xport worker`
 * processes export a mixed backlog to the sandbox while their connections are terminated twice
 * (pg_terminate_backend) and the server is killed (`pg_ctl stop -m immediate`), left down (connections
 * refused) and started again. Every document must be in Xero exactly once, no process may die, each
 * worker logs the outage once (not once per round), HTTP answers 503 `database_unavailable` while the
 * server is down (liveness stays 200), and the time from "database back" to "exports moving" is
 * measured and printed. XPORT_PG_DOWN_MS sets how long the server stays down (default 12 s).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createRuntime, syncConnections, type Runtime } from '../../src/app/runtime';
import { loadConfig } from '../../src/config/config';
import { parseDocumentsRequest } from '../../src/domain/documents';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { buildServer } from '../../src/web/server';
import { ownPostgresAvailable, startOwnPostgres, type OwnPostgres } from '../helpers/own-postgres';
import { sleep, spawnWorker, waitUntil, type WorkerProcess } from '../helpers/processes';
import { mixedBacklog } from './lib/documents';
import { sandboxApi, verifyExactlyOnce } from './lib/verify';
import { sandboxEnv } from '../helpers/sandbox-env';

const DOWN_MS = Number(process.env.XPORT_PG_DOWN_MS ?? 12_000);
const skip = ownPostgresAvailable();

describe('PostgreSQL faults on a server the test owns', { skip: skip ?? false }, () => {
  let own: OwnPostgres;
  let sandbox: Sandbox;
  let rt: Runtime;
  let app: FastifyInstance;
  let url = '';
  let tenantId = '';
  const workers: WorkerProcess[] = [];
  let env: Record<string, string> = {};

  before(async () => {
    own = await startOwnPostgres();
    sandbox = await startSandbox({ port: 0 });
    env = {
      XPORT_DATABASE_URL: own.url,
      ...sandboxEnv(sandbox),
      XPORT_LEASE_MS: '20000',
      XPORT_XERO_TIMEOUT_MS: '10000',
      XPORT_POLL_MS: '100',
      XPORT_BATCH_SIZE: '25',
      XPORT_LOG_LEVEL: 'info',
    };
    rt = await createRuntime(loadConfig({ ...env, XPORT_WORKERS: '0', XPORT_LOG_LEVEL: 'silent' }));
    const synced = await syncConnections(rt);
    if (!synced.ok) throw new Error(synced.reason);
    tenantId = synced.tenants[0]?.id ?? '';
    const ref = await rt.reference.refresh(tenantId);
    if (!ref.ok) throw new Error(ref.reason);
    app = await buildServer(rt);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const a = app.server.address();
    url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });

  after(async () => {
    for (const w of workers) await w.kill('SIGKILL');
    await app?.close();
    await rt?.close().catch(() => {});
    await sandbox?.close();
    own?.destroy();
  });

  const count = async (status: 'exported' | 'open'): Promise<number | null> => {
    try {
      const c = await rt.store.exports.countByStatus(tenantId);
      return status === 'exported' ? c.exported + c.failed : c.queued + c.exporting + c.waiting;
    } catch {
      return null; // the database is down: nothing to count
    }
  };
  const alive = (w: WorkerProcess) => w.child.exitCode === null && w.child.signalCode === null;

  it('terminated connections and an immediate stop + restart: exactly once, no process died, exports move again', { timeout: 240_000 }, async () => {
    const backlog = mixedBacklog(600, 'PGF-');
    const parsed = parseDocumentsRequest({ documents: backlog.documents });
    assert.ok(parsed.ok);
    await rt.queue.ingestParsed(tenantId, parsed.documents);
    // Every write takes 600 ms, so the faults land mid-export.
    await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ faults: [{ kind: 'latency', rate: 1, latencyMs: 600, phase: 'before', problem: 'minute', match: { method: 'POST' } }] }),
    });
    workers.push(spawnWorker(env), spawnWorker(env));
    const total = backlog.documents.length;
    const reach = async (share: number) => assert.ok(await waitUntil(async () => ((await count('exported')) ?? 0) >= total * share, 90_000, 100), `${share * 100}% done`);

    await reach(0.1);
    const first = await own.terminateConnections();
    await reach(0.2);
    const second = await own.terminateConnections();
    await reach(0.3);
    own.stopImmediate();
    const downAt = Date.now();
    const [ready, status, health] = await Promise.all([fetch(`${url}/readyz`), fetch(`${url}/api/v1/status`, { headers: { authorization: 'Bearer x' } }), fetch(`${url}/healthz`)]);
    const answeredMs = Date.now() - downAt;
    assert.equal(ready.status, 503);
    assert.equal(((await ready.json()) as { reason: string }).reason, 'database_unavailable');
    assert.equal(status.status, 503);
    assert.equal(((await status.json()) as { error: { code: string } }).error.code, 'database_unavailable');
    assert.equal(health.status, 200, 'liveness does not depend on the database');
    await sleep(Math.max(0, DOWN_MS - (Date.now() - downAt)));
    own.start();
    const backAt = Date.now();
    // Counted from the database's first answer: exports that finished just before the stop are not "moving".
    let atBack: number | null = null;
    const moved = await waitUntil(
      async () => {
        const n = await count('exported');
        atBack ??= n;
        return n !== null && atBack !== null && n > atBack;
      },
      60_000,
      100,
    );
    assert.ok(moved, `exports move again (${await count('exported')} vs ${atBack}):\n${workers.map((w) => w.output().slice(-4000)).join('\n----\n')}`);
    const movingMs = Date.now() - backAt;
    console.log(
      `terminated ${first} + ${second} connections; HTTP answered 503 in ${answeredMs} ms while down; down ${Math.round((backAt - downAt) / 1000)} s; database back → exports moving: ${(movingMs / 1000).toFixed(1)} s`,
    );
    assert.ok(movingMs < 10_000, `exports moved ${movingMs} ms after the database came back`);

    assert.ok(await waitUntil(async () => (await count('open')) === 0, 150_000, 250), `backlog settles (${await count('open')} open)`);
    for (const w of workers) assert.ok(alive(w), `worker process still running:\n${w.output().slice(-3000)}`);
    const api = await sandboxApi(sandbox.url, sandbox.clientId, sandbox.clientSecret, tenantId);
    const verdict = await verifyExactlyOnce(rt.store, tenantId, api, backlog.mustFail, ['PGF-']);
    assert.deepEqual({ duplicates: verdict.duplicates, missing: verdict.missing, unfinished: verdict.unfinished, bad: verdict.badFailures }, { duplicates: [], missing: [], unfinished: [], bad: [] });
    assert.ok(verdict.ok, JSON.stringify(verdict).slice(0, 2000));
    for (const w of workers) {
      const failed = w
        .output()
        .split('\n')
        .filter((l) => l.includes('export round failed')).length;
      assert.ok(failed >= 1 && failed <= 3, `the outages are logged once each, not per round (${failed} lines):\n${w.output().slice(-3000)}`);
      assert.match(w.output(), /export worker recovered/);
      assert.doesNotMatch(w.output(), /unhandled promise rejection/, 'every database error is handled where it happens');
    }
    const states = ((await (await fetch(`${url}/readyz`)).json()) as { workers: Array<{ local: boolean; state: string; lastError: string | null }> }).workers.filter((w) => !w.local);
    assert.equal(states.length, 2, 'both worker processes report their state through the database');
    for (const s of states) {
      assert.equal(s.state, 'running');
      assert.match(s.lastError ?? '', /database unavailable/);
    }
  });
});
