/**
 * SQLite's WAL checkpointed on a thread of its own (src/db/wal-checkpointer.ts): the thread copies the
 * WAL into the database file while the main connection's own checkpoint waits far behind; a thread
 * that dies hands the checkpoint back to SQLite, so the WAL stays bounded; closing folds the WAL in
 * and removes it; and a process killed at any moment, mid-checkpoint included, loses no committed
 * transaction and leaves a sound database.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { openDatabase, type OpenedDatabase } from '../../src/db/dialect';
import { SQLITE_DEFAULT_AUTOCHECKPOINT, type WalCheckpointer } from '../../src/db/wal-checkpointer';
import { loadConfig } from '../../src/config/config';
import { createRuntime } from '../../src/app/runtime';

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xport-ckpt-'));
  dirs.push(dir);
  return path.join(dir, 'x.db');
}

const PAGE = 4096;
const FRAME = PAGE + 24;
const walFrames = (file: string) => (fs.existsSync(`${file}-wal`) ? Math.floor(fs.statSync(`${file}-wal`).size / FRAME) : 0);

async function autocheckpoint(o: OpenedDatabase): Promise<number> {
  const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(o.db);
  return rows[0]?.wal_autocheckpoint ?? -1;
}

/** `n` transactions of one page-sized row each: at least one WAL frame per commit. */
async function writeRows(o: OpenedDatabase, n: number): Promise<void> {
  await sql`create table if not exists t (id integer primary key, b blob not null)`.execute(o.db);
  for (let i = 0; i < n; i++) await sql`insert into t (b) values (randomblob(${PAGE}))`.execute(o.db);
}

async function until<T>(what: string, f: () => T | null | undefined | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The thread behind a checkpointer, to kill it as a fault would (a test's only reach into its insides). */
const threadOf = (c: WalCheckpointer) => (c as unknown as { worker: Worker | null }).worker;

describe('WAL checkpoints on their own thread', () => {
  test('the thread copies the WAL into the file; the main connection does not checkpoint until its backstop', async () => {
    const file = tempFile();
    const o = openDatabase(`sqlite:${file}`, { backgroundCheckpoints: { intervalMs: 60_000, backstopPages: 100_000 } });
    try {
      assert.ok(o.checkpointer?.running);
      assert.equal(await autocheckpoint(o), 100_000);
      await writeRows(o, 400);
      // Nothing checkpointed yet: the main connection left it to the thread, whose next turn is a minute away.
      const before = fs.statSync(file).size;
      assert.ok(walFrames(file) >= 400, `WAL holds the 400 commits (${walFrames(file)} frames)`);
      assert.ok(before < 400 * PAGE, `the database file does not hold them yet (${before} bytes)`);
      const r = await o.checkpointer.checkpointNow();
      assert.equal(r.busy, false);
      assert.ok(r.log >= 400);
      assert.equal(r.checkpointed, r.log, 'every frame copied');
      assert.ok(fs.statSync(file).size >= 400 * PAGE, 'the database file holds the rows');
    } finally {
      await o.close();
    }
  });

  test('it checkpoints by itself every interval while the main connection writes', async () => {
    const file = tempFile();
    const o = openDatabase(`sqlite:${file}`, { backgroundCheckpoints: { intervalMs: 25, backstopPages: 100_000 } });
    try {
      await writeRows(o, 300);
      const c = o.checkpointer;
      assert.ok(c);
      const done = await until('a checkpoint of the whole WAL', () => {
        const r = c.lastResult;
        return r && r.log >= 300 && r.checkpointed === r.log ? r : null;
      });
      assert.equal(done.busy, false);
      // The WAL is reused from its start once all of it is in the file: more writes do not grow it.
      const framesNow = walFrames(file);
      await writeRows(o, 50);
      assert.ok(walFrames(file) <= framesNow + 5, `the WAL was reused (${framesNow} → ${walFrames(file)} frames)`);
    } finally {
      await o.close();
    }
  });

  test('a thread that dies hands the checkpoint back to SQLite: the error is reported and the WAL stays bounded', async () => {
    const file = tempFile();
    const errors: Error[] = [];
    const o = openDatabase(`sqlite:${file}`, { backgroundCheckpoints: { intervalMs: 60_000, backstopPages: 100_000, onError: (e) => errors.push(e) } });
    try {
      const c = o.checkpointer;
      assert.ok(c);
      await writeRows(o, 10);
      await threadOf(c)?.terminate();
      await until('the checkpointer to notice', () => !c.running);
      assert.match(errors[0]?.message ?? '', /WAL checkpoint thread ended/);
      assert.equal(await autocheckpoint(o), SQLITE_DEFAULT_AUTOCHECKPOINT);
      // 3,000 single-page commits: with the backstop left at 100,000 the WAL would hold all of them.
      await writeRows(o, 3000);
      assert.ok(walFrames(file) < SQLITE_DEFAULT_AUTOCHECKPOINT + 100, `SQLite checkpointed by itself (${walFrames(file)} frames)`);
      await assert.rejects(c.checkpointNow(), /not running/);
      const { rows } = await sql<{ n: number }>`select count(*) as n from t`.execute(o.db);
      assert.equal(rows[0]?.n, 3010);
    } finally {
      await o.close();
    }
  });

  test('a checkpoint that fails on a full disk is reported once, and succeeds once space is back', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xport-ckpt-full-'));
    dirs.push(dir);
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=32m', 'tmpfs', dir]).status !== 0) return t.skip('mount is not allowed here');
    const file = path.join(dir, 'x.db');
    const filler = path.join(dir, 'filler');
    const errors: Error[] = [];
    const o = openDatabase(`sqlite:${file}`, { backgroundCheckpoints: { intervalMs: 60_000, backstopPages: 100_000, onError: (e) => errors.push(e) } });
    try {
      const c = o.checkpointer;
      assert.ok(c);
      // ~8 MB in the WAL (a row of a page is two pages), none of it in the file yet; then the disk filled to its last byte.
      await writeRows(o, 600);
      const fd = fs.openSync(filler, 'w');
      const chunk = Buffer.alloc(64 * 1024);
      try {
        for (let size = chunk.length; size >= 1;) {
          try {
            fs.writeSync(fd, chunk, 0, size);
          } catch {
            size = Math.floor(size / 2);
          }
        }
      } finally {
        fs.closeSync(fd);
      }
      // The file must grow to take the pages: it cannot, and the checkpoint says so (every time it is asked).
      await assert.rejects(c.checkpointNow(), /WAL checkpoint failed: .*(full|disk)/i);
      await assert.rejects(c.checkpointNow(), /WAL checkpoint failed/);
      await assert.rejects(c.checkpointNow(), /WAL checkpoint failed/);
      assert.equal(errors.length, 1, 'reported once, not at every attempt');
      assert.equal(c.running, true, 'the thread lives on');
      fs.rmSync(filler);
      const r = await c.checkpointNow();
      assert.equal(r.checkpointed, r.log);
      assert.ok(fs.statSync(file).size >= 600 * PAGE, 'the rows reached the file');
      const { rows } = await sql<{ n: number }>`select count(*) as n from t`.execute(o.db);
      assert.equal(rows[0]?.n, 600);
    } finally {
      await o.close();
      spawnSync('umount', ['-l', dir]);
    }
  });

  test('closing stops the thread first: the WAL is folded into the file and removed, nothing lost', async () => {
    const file = tempFile();
    const o = openDatabase(`sqlite:${file}`, { backgroundCheckpoints: { intervalMs: 10 } });
    await writeRows(o, 500);
    const c = o.checkpointer;
    assert.ok(c);
    await o.close();
    assert.equal(c.running, false);
    assert.equal(fs.existsSync(`${file}-wal`), false, 'the last connection removed the WAL');
    const d = new SQLite(file, { readonly: true });
    try {
      assert.equal((d.prepare('select count(*) as n from t').get() as { n: number }).n, 500);
    } finally {
      d.close();
    }
  });

  test('memory databases and PostgreSQL get no thread', () => {
    const o = openDatabase('sqlite::memory:', { backgroundCheckpoints: {} });
    assert.equal(o.checkpointer, undefined);
    return o.close();
  });

  test('the runtime (serve, worker) checkpoints SQLite on the thread', async () => {
    const file = tempFile();
    const rt = await createRuntime(loadConfig({ XPORT_DATABASE_URL: `sqlite:${file}`, XPORT_LOG_LEVEL: 'silent', XPORT_WORKERS: '0' }));
    try {
      assert.equal(rt.store.checkpointer?.running, true);
      assert.equal(await autocheckpoint(rt.store), 10_000);
    } finally {
      await rt.close();
    }
    assert.equal(fs.existsSync(`${file}-wal`), false);
  });
});

/** A writer in a process of its own: one row per transaction, the count printed after each commit. */
const WRITER = `
import { openDatabase } from ${JSON.stringify(path.resolve('src/db/dialect.ts'))};
import { sql } from 'kysely';
const o = openDatabase('sqlite:' + process.argv[1], { backgroundCheckpoints: { intervalMs: 2, backstopPages: 100000 } });
await sql\`create table if not exists t (id integer primary key, b blob not null)\`.execute(o.db);
let n = (await sql\`select count(*) as n from t\`.execute(o.db)).rows[0].n;
for (;;) {
  await o.db.transaction().execute(async (trx) => {
    await sql\`insert into t (b) values (randomblob(1000 + abs(random() % 8000)))\`.execute(trx);
    await sql\`insert into t (b) values (randomblob(64))\`.execute(trx);
  });
  n += 2;
  process.stdout.write(n + '\\n');
}
`;

describe('a process killed while its thread checkpoints', () => {
  test('loses no committed transaction and leaves a sound database (five kills at random moments)', async () => {
    const file = tempFile();
    let committed = 0;
    for (let round = 0; round < 5; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', WRITER, file], { stdio: ['ignore', 'pipe', 'inherit'] });
      const killAt = committed + 200 + Math.floor(Math.random() * 1500);
      let last = committed;
      let buf = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          buf += d.toString();
          const lines = buf.split('\n');
          buf = lines.pop() ?? '';
          for (const l of lines) last = Math.max(last, Number(l));
          if (last >= killAt && child.exitCode === null && !child.killed) child.kill('SIGKILL');
        });
        child.once('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`the writer exited by itself (${code})`))));
      });
      const d = new SQLite(file);
      try {
        assert.equal(d.pragma('integrity_check', { simple: true }), 'ok');
        const n = (d.prepare('select count(*) as n from t').get() as { n: number }).n;
        // Every commit the writer reported is there; a kill between commit and print may add one more.
        assert.ok(n >= last && n <= last + 2 && n % 2 === 0, `round ${round}: ${n} rows after ${last} reported`);
        committed = n;
      } finally {
        d.close();
      }
    }
    assert.ok(committed >= 1000);
  });
});
