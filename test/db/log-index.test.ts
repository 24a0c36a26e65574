/**
 * The Connection Log's index by day (SQLite, migration 0015) answers exactly as the single index of
 * 0005 did, on generated entries over several days with hostile text (quotes, FTS5 operators, LIKE
 * wildcards, non-ASCII): before and after the upgrade of a database made at the previous schema, and
 * on a new database. Retention and paging across days: log-index-retention.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/dialect';
import { migrateToLatest, migrateUpTo } from '../../src/db/migrate';
import { createStore, openStore } from '../../src/db/store';
import { makeDatabase } from '../helpers/databases';
import { allPages, DAY0, dayTables, generated, HOSTILE, HOURS, searchBefore0015, T1 } from '../helpers/log-index';

const NEEDLES = [
  ...HOSTILE,
  '"hello"',
  '"',
  "'",
  "O'B",
  "'s",
  'and',
  'NEAR',
  'near(',
  '*',
  'a*',
  'ha*',
  '^st',
  'ssage:',
  ':',
  ': z',
  '%_d',
  '\\p',
  '\\',
  'straße',
  'STRASSE',
  'ünï',
  'ÜNÏ',
  'ünïcode ÜNÏCODE',
  '日本語',
  '本',
  '🙂',
  '🙂 s',
  'λέξ',
  'ΕΛΛ',
  'INV-0',
  'inv-00012',
  '#1',
  '#23',
  'AND OR NOT *',
  'x',
  'ab',
  'kea',
  'KAKAPO',
  'weka #',
  'no such text',
  '-',
  '+ plus',
  '{',
  '}',
  '(',
  ')',
];

describe('the index by day gives the same results as the single index before it (sqlite)', () => {
  test('an upgraded database, and a new one, find for every needle exactly what the previous schema found', { timeout: 60_000 }, async () => {
    const entries = generated();
    const old = await makeDatabase('sqlite');
    const opened = openDatabase(old.url);
    const fresh = await makeDatabase('sqlite');
    const store = await openStore(fresh.url);
    try {
      await migrateUpTo(opened.db, opened.adapter, '0014_contact_wait_index');
      // Written as the previous release wrote them: rows only, its triggers kept the index.
      await opened.db
        .insertInto('connection_log')
        .values(
          entries.map((e) => ({
            tenant_id: e.tenantId,
            at: e.at.toISOString(),
            level: e.level,
            event: e.event,
            message: e.message,
            document_ref: e.documentRef ?? null,
          })),
        )
        .execute();
      const before = new Map<string, number[]>();
      for (const n of NEEDLES) before.set(n, await searchBefore0015(opened.db, n));

      // Not vacuous: every needle written literally in an entry finds it.
      for (const n of NEEDLES) {
        const literal = entries.flatMap((e, i) => (e.message.includes(n) || e.documentRef?.includes(n) ? [i + 1] : []));
        for (const id of literal) assert.ok(before.get(n)?.includes(id), `${n} finds entry ${id}`);
      }

      await migrateToLatest(opened.db, opened.adapter);
      const upgraded = createStore(opened);
      const left = await sql<{
        name: string;
      }>`select name from sqlite_master where name in ('connection_log_fts', 'connection_log_fts_insert', 'connection_log_fts_delete', 'connection_log_fts_update')`.execute(opened.db);
      assert.deepEqual(left.rows, [], 'the single index and its triggers are gone');
      const days = ['20261110', '20261111', '20261112', '20261113', '20261114'].map((d) => `connection_log_fts_${d}`);
      assert.deepEqual(await dayTables(opened.db), days);

      for (let i = 0; i < entries.length; i += 50) await store.log.append(entries.slice(i, i + 50));
      assert.deepEqual(await dayTables(store.db), days);
      for (const n of NEEDLES) {
        assert.deepEqual(await allPages(upgraded, { tenantId: null, q: n }), before.get(n), `upgraded: ${n}`);
        assert.deepEqual(await allPages(store, { tenantId: null, q: n }), before.get(n), `new database: ${n}`);
      }
      // The index follows an entry's text changed in place, as the triggers of 0005 did.
      await upgraded.db.updateTable('connection_log').set({ message: 'renamed to okapi' }).where('id', '=', 100).execute();
      assert.deepEqual(await allPages(upgraded, { tenantId: null, q: 'okapi' }), [100]);
      assert.equal((await allPages(upgraded, { tenantId: null, q: '#99' })).includes(100), false);
    } finally {
      await opened.close();
      await store.close();
      await old.drop();
      await fresh.drop();
    }
  });

  test('more days than one UNION may hold are all searched', { timeout: 60_000 }, async () => {
    const db = await makeDatabase('sqlite');
    const store = await openStore(db.url);
    try {
      const n = 205;
      for (let d = 0; d < n; d += 50) {
        await store.log.append(
          Array.from({ length: Math.min(50, n - d) }, (_, k) => ({
            tenantId: T1,
            level: 'info' as const,
            event: 'e',
            message: `takahe day ${d + k}`,
            at: new Date(DAY0 + (d + k) * 24 * HOURS),
          })),
        );
      }
      assert.equal((await dayTables(store.db)).length, n);
      assert.equal((await store.log.search({ tenantId: T1, q: 'takahe', limit: 500 })).entries.length, n);
      assert.deepEqual(
        (await store.log.search({ tenantId: T1, q: 'takahe day 7', limit: 500 })).entries.map((e) => e.message).sort(),
        ['takahe day 7', ...Array.from({ length: 10 }, (_, k) => `takahe day ${70 + k}`)].sort(),
      );
    } finally {
      await store.close();
      await db.drop();
    }
  });

  test("a search is not failed by another connection dropping a day table meanwhile (as another process's prune would)", { timeout: 60_000 }, async () => {
    const db = await makeDatabase('sqlite');
    const store = await openStore(db.url);
    try {
      await store.log.append([{ tenantId: T1, level: 'info', event: 'e', message: 'kereru today', at: new Date(DAY0) }]);
      // Another thread, with its own connection, creates and drops an older day's table as fast as it can.
      const worker = new Worker(
        `
        const { workerData, parentPort } = require('node:worker_threads');
        const db = new (require('better-sqlite3'))(workerData.file);
        db.pragma('busy_timeout = 5000');
        const stop = Date.now() + 1500;
        let drops = 0;
        while (Date.now() < stop) {
          db.exec("create virtual table connection_log_fts_20201231 using fts5(message, document_ref, content='', contentless_delete=1, tokenize='trigram')");
          db.exec('drop table connection_log_fts_20201231');
          drops++;
        }
        parentPort.postMessage(drops);`,
        { eval: true, workerData: { file: db.url.slice('sqlite:'.length) } },
      );
      const drops = new Promise<number>((resolve, reject) => worker.once('message', resolve).once('error', reject));
      let searches = 0;
      let done = false;
      void drops.then(() => {
        done = true;
      });
      while (!done) {
        assert.deepEqual(
          (await store.log.search({ tenantId: T1, q: 'kereru' })).entries.map((e) => e.message),
          ['kereru today'],
        );
        searches++;
        await new Promise((r) => setImmediate(r));
      }
      assert.ok((await drops) > 10 && searches > 10, `${await drops} drops, ${searches} searches`);
    } finally {
      await store.close();
      await db.drop();
    }
  });

  test('searches running while a prune drops day tables answer, and never fail', { timeout: 60_000 }, async () => {
    const db = await makeDatabase('sqlite');
    const store = await openStore(db.url);
    try {
      await store.log.append(Array.from({ length: 30 }, (_, d) => ({ tenantId: T1, level: 'info' as const, event: 'e', message: `pukeko ${d}`, at: new Date(DAY0 + d * 24 * HOURS) })));
      const searches = Array.from({ length: 40 }, async (_, k) => {
        for (let i = 0; i < k % 5; i++) await new Promise((r) => setImmediate(r));
        return (await store.log.search({ tenantId: T1, q: 'pukeko' })).entries.length;
      });
      const [deleted, ...found] = await Promise.all([store.log.prune(new Date(DAY0 + 29 * 24 * HOURS), 1), ...searches]);
      assert.equal(deleted, 29);
      for (const n of found) assert.ok(n >= 1 && n <= 30);
      assert.deepEqual(await dayTables(store.db), ['connection_log_fts_20261209']);
    } finally {
      await store.close();
      await db.drop();
    }
  });
});
