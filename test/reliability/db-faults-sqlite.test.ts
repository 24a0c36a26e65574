/**
 * Real SQLite faults under a running xport (HTTP server and one export worker in this process): a
 * writer in another process holding the write lock (BEGIN IMMEDIATE) past the busy timeout, a full
 * disk (the database on a small tmpfs filled to the last byte; skipped where mount is not allowed)
 * and a read-only database (SQLITE_READONLY through `query_only`: as root a chmod does not stop
 * writes, and a tmpfs with open files cannot be remounted read-only). Each time: writes answer 503
 * `database_unavailable`, the worker's rounds fail and back off without ending anything, and once
 * the fault is gone the backlog finishes with every document in Xero exactly once.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { createRuntime, syncConnections, type Runtime } from '../../src/app/runtime';
import { loadConfig } from '../../src/config/config';
import { parseDocumentsRequest } from '../../src/domain/documents';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { buildServer } from '../../src/web/server';
import { sleep, waitUntil } from '../helpers/processes';
import { mixedBacklog } from './lib/documents';
import { sandboxApi, verifyExactlyOnce } from './lib/verify';
import { sandboxEnv } from '../helpers/sandbox-env';

function tryMount(dir: string, size: string): boolean {
  if (process.getuid?.() !== 0) return false;
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]).status === 0;
}

describe('SQLite faults', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xport-sqlite-faults-'));
  const mounted = tryMount(dir, '24m');
  const file = path.join(dir, 'xport.db');
  let sandbox: Sandbox;
  let rt: Runtime;
  let app: FastifyInstance;
  let url = '';
  let token = '';
  let tenantId = '';
  const prefixes: string[] = [];
  const mustFail = new Set<string>();

  before(async () => {
    sandbox = await startSandbox({ port: 0 });
    rt = await createRuntime(
      loadConfig({
        XPORT_DATABASE_URL: `sqlite:${file}`,
        ...sandboxEnv(sandbox),
        XPORT_WORKERS: '1',
        XPORT_POLL_MS: '100',
        XPORT_LEASE_MS: '20000',
        XPORT_XERO_TIMEOUT_MS: '10000',
        XPORT_LOG_LEVEL: 'silent',
      }),
    );
    const synced = await syncConnections(rt);
    if (!synced.ok) throw new Error(synced.reason);
    tenantId = synced.tenants[0]?.id ?? '';
    const ref = await rt.reference.refresh(tenantId);
    if (!ref.ok) throw new Error(ref.reason);
    token = (await rt.store.tokens.create({ tenantId, name: 't', role: 'admin' })).token;
    app = await buildServer(rt);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const a = app.server.address();
    url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ faults: [{ kind: 'latency', rate: 1, latencyMs: 300, phase: 'before', problem: 'minute', match: { method: 'POST' } }] }),
    });
    rt.startWorkers();
  });

  after(async () => {
    await app?.close();
    await rt?.close();
    await sandbox?.close();
    if (mounted) execFileSync('umount', ['-l', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function queue(prefix: string, n: number): Promise<void> {
    const backlog = mixedBacklog(n, prefix);
    const parsed = parseDocumentsRequest({ documents: backlog.documents });
    assert.ok(parsed.ok);
    await rt.queue.ingestParsed(tenantId, parsed.documents);
    prefixes.push(prefix);
    for (const id of backlog.mustFail) mustFail.add(id);
  }

  const post = (body: unknown) => fetch(`${url}/api/v1/documents`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const open = async () => {
    const c = await rt.store.exports.countByStatus(tenantId);
    return c.queued + c.exporting + c.waiting;
  };
  const worker = () => rt.workers[0]?.state();

  /** Busy waits are synchronous in better-sqlite3: each statement may hold this process for the 5 s busy timeout. */
  async function expectOutage(kind: string): Promise<void> {
    const res = await post({ kind: 'customer', sourceId: `X-${kind}`, name: 'During the fault' });
    assert.equal(res.status, 503, `a write during the fault (${kind})`);
    const body = (await res.json()) as { error: { code: string; details: { reason: string } } };
    assert.equal(body.error.code, 'database_unavailable');
    assert.equal(body.error.details.reason, kind);
    assert.ok(await waitUntil(async () => (worker()?.consecutiveFailures ?? 0) > 0, 20_000, 50), `the worker's rounds fail (${kind})`);
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
  }

  async function expectRecovery(what: string): Promise<void> {
    assert.ok(await waitUntil(async () => (await open()) === 0, 120_000, 200), `the backlog finishes after ${what}`);
    assert.equal(worker()?.state, 'running');
    assert.match(worker()?.lastError ?? '', /database unavailable/);
  }

  it('another process holds the write lock past the busy timeout', { timeout: 120_000 }, async () => {
    await queue('LCK-', 120);
    await waitUntil(async () => (await rt.store.exports.countByStatus(tenantId)).exported > 10, 30_000, 50);
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `
      const db = new (require('better-sqlite3'))(${JSON.stringify(file)});
      db.pragma('busy_timeout = 10000'); db.exec('BEGIN IMMEDIATE'); console.log('locked');
      process.stdin.once('data', () => { db.exec('COMMIT'); db.close(); process.exit(0); });`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    await expectOutage('busy');
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    holder.stdin.write('release\n');
    await exited;
    await expectRecovery('the lock was released');
  });

  it('the disk is full', { timeout: 120_000, skip: mounted ? false : 'mount is not allowed here' }, async () => {
    await queue('FULL-', 120);
    await waitUntil(async () => (await rt.store.exports.countByStatus(tenantId)).exported > 0, 30_000, 50);
    // An empty WAL first, so that the next writes need new space.
    await sql`pragma wal_checkpoint(truncate)`.execute(rt.store.db);
    const filler = path.join(dir, 'filler');
    const chunk = Buffer.alloc(64 * 1024, 1);
    const fd = fs.openSync(filler, 'w');
    try {
      for (;;) fs.writeSync(fd, chunk);
    } catch (err) {
      assert.equal((err as { code?: string }).code, 'ENOSPC');
    } finally {
      fs.closeSync(fd);
    }
    // The WAL may still have room in pages it already holds: write log entries until SQLite itself says full.
    const big = 'x'.repeat(8000);
    let full = '';
    for (let i = 0; i < 10_000 && !full; i += 1) {
      await rt.store.log.append(Array.from({ length: 20 }, () => ({ tenantId, level: 'info' as const, event: 'filler', message: big }))).catch((err: unknown) => {
        full = String((err as { code?: string }).code);
      });
    }
    assert.equal(full, 'SQLITE_FULL');
    await expectOutage('disk_full');
    await sleep(1000);
    fs.rmSync(filler);
    await expectRecovery('space was freed');
  });

  it('the database is read-only', { timeout: 120_000 }, async () => {
    await queue('RO-', 120);
    await waitUntil(async () => (await rt.store.exports.countByStatus(tenantId)).exported > 0, 30_000, 50);
    await sql`pragma query_only = on`.execute(rt.store.db);
    await expectOutage('read_only');
    await sleep(1000);
    await sql`pragma query_only = off`.execute(rt.store.db);
    await expectRecovery('the database became writable');
  });

  it('after every fault: each document in Xero exactly once', { timeout: 60_000 }, async () => {
    const api = await sandboxApi(sandbox.url, sandbox.clientId, sandbox.clientSecret, tenantId);
    const verdict = await verifyExactlyOnce(rt.store, tenantId, api, mustFail, prefixes);
    assert.deepEqual({ duplicates: verdict.duplicates, missing: verdict.missing, unfinished: verdict.unfinished }, { duplicates: [], missing: [], unfinished: [] });
    assert.ok(verdict.ok, JSON.stringify(verdict).slice(0, 1500));
  });
});
