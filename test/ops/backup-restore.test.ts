/**
 * `xport backup` while a real worker exports, the export carried on to the end, `xport restore`
 * of the backup, and a restart: every document is in Xero exactly once (bills, credit notes and
 * journals can be created twice in Xero, so a restore that forgot the look-up mark would show up
 * as duplicates). Also: the backup file is 0600, a restore is refused while a worker exports, and
 * on PostgreSQL both commands say how to use pg_dump instead.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { openStore } from '../../src/db/store';
import { mixedBacklog } from '../reliability/lib/documents';
import { sandboxApi, verifyExactlyOnce } from '../reliability/lib/verify';
import { waitUntil } from '../helpers/processes';
import { countStatus, opsWorld, spawnXport, type OpsWorld, type XportProcess } from './harness';

const run = promisify(execFile);

async function xport(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [path.resolve('bin/xport.js'), ...args], { env: { ...process.env, XPORT_LOG_LEVEL: 'silent', ...env }, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('backup mid-export, restore, resume (sqlite)', () => {
  let w: OpsWorld;
  let dir: string;
  /** Every worker the test starts: stopped after it whatever happened (one left running keeps this file's process alive). */
  const workers: XportProcess[] = [];
  const startWorker = (): XportProcess => {
    const p = spawnXport(['worker'], w.env);
    workers.push(p);
    return p;
  };
  before(async () => {
    // Small batches of slow writes: the export takes long enough to be caught in the middle.
    w = await opsWorld('sqlite', { XPORT_BATCH_SIZE: '10' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xport-backup-'));
  });
  after(async () => {
    await Promise.all(workers.map((p) => p.stop('SIGKILL')));
    await w?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('every document in Xero exactly once after backup → more exports → restore → resume', { timeout: 180_000 }, async () => {
    const backlog = mixedBacklog(240, 'B-');
    await w.ingest(backlog.documents);
    await w.arm([{ kind: 'latency', rate: 1, latencyMs: 600, phase: 'before', problem: 'minute', match: { method: 'POST' } }]);
    let worker = startWorker();
    const exported = async () => (await countStatus(w)).exported;
    assert.ok(await waitUntil(async () => (await exported()) >= 40, 60_000, 50), 'the export is under way');
    const file = path.join(dir, 'mid.db');
    const b = await xport(['backup', file], w.env);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'the backup is readable by its owner only');
    const atBackup = await exported();
    assert.ok(atBackup < 240, 'the backup was taken mid-export');

    // A restore while the worker exports is refused and leaves the database alone. Xero answers slowly
    // for the moment, so that a call is surely in flight while the restore (a process of its own, a second
    // or more to start) looks; between two batches of 10 there may be no claim for an instant.
    await w.disarm();
    await w.arm([{ kind: 'latency', rate: 1, latencyMs: 8_000, phase: 'before', problem: 'minute', match: { method: 'POST' } }]);
    await new Promise((r) => setTimeout(r, 700)); // a call under the 600 ms rule has had its answer by then
    assert.ok(await waitUntil(async () => (await w.inFlightWrites()) > 0 && (await countStatus(w)).exporting > 0, 30_000, 10));
    const refused = await xport(['restore', file], w.env);
    await w.disarm();
    await w.arm([{ kind: 'latency', rate: 1, latencyMs: 600, phase: 'before', problem: 'minute', match: { method: 'POST' } }]);
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /stop every xport serve and worker first/);

    const settled = await waitUntil(
      async () => {
        const c = await countStatus(w);
        return c.queued + c.exporting + c.waiting === 0;
      },
      90_000,
      200,
    );
    assert.ok(settled, 'the export runs to its end after the backup');
    assert.equal((await worker.stop()).code, 0);
    const beforeRestore = await exported();
    assert.ok(beforeRestore > atBackup, 'documents were exported after the backup');
    await w.rt.close();

    const r = await xport(['restore', file], w.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /(\d+) export\(s\) not exported in the backup will be looked up in Xero/);
    const store = await openStore(w.env.XPORT_DATABASE_URL ?? '');
    try {
      const open = await store.db.selectFrom('exports').select(['status', 'needs_reconcile']).where('status', '!=', 'exported').execute();
      assert.ok(open.length > 0 && open.every((e) => e.needs_reconcile === 1 && e.status !== 'exporting'), 'every unfinished export is marked for a look-up');
      worker = startWorker();
      const done = await waitUntil(
        async () => {
          const c = await store.exports.countByStatus(w.tenantId);
          return c.queued + c.exporting + c.waiting === 0;
        },
        90_000,
        200,
      );
      assert.ok(done, `the restored queue drains\n${worker.stdout().slice(-2000)}`);
      await worker.stop();
      const api = await sandboxApi(w.sandbox.url, w.sandbox.clientId, w.sandbox.clientSecret, w.tenantId);
      const v = await verifyExactlyOnce(store, w.tenantId, api, backlog.mustFail, ['B-']);
      assert.deepEqual(v.duplicates, [], 'nothing is in Xero twice');
      assert.deepEqual(v.missing, []);
      assert.equal(v.exactlyOnce + v.failed, v.documents);
      const lookups = (await api.journal()).filter((e) => e.method === 'GET' && /\/(Invoices|CreditNotes|ManualJournals|Contacts)$/.test(e.path)).length;
      assert.ok(lookups > 0, 'the restored exports were looked up in Xero');
    } finally {
      await store.close();
    }
  });
});

describe('backup on PostgreSQL', () => {
  test('backup and restore say how to use pg_dump and exit 2', async () => {
    const env = { XPORT_DATABASE_URL: 'postgres://xport@127.0.0.1:1/none' };
    for (const args of [
      ['backup', '/tmp/x.db'],
      ['restore', '/tmp/x.db'],
    ]) {
      const r = await xport(args, env);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /pg_dump --format=custom/);
    }
  });
});
