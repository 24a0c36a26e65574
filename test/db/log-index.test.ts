/**
 * The Connection Log's index by day (SQLite, migration 0015) answers exactly as the single index of
 * 0005 did, on generated entries over several days with hostile text (quotes, FTS5 operators, LIKE
 * wildcards, non-ASCII): before and after the upgrade of a database made at the previous schema, and
 * on a new database. Retention keeps exactly the entries at or after the cut-off across day
 * boundaries; paging, ordering and the filters work across days (those also on PostgreSQL).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/dialect';
import { migrateToLatest, migrateUpTo } from '../../src/db/migrate';
import type { LogEntryInput, LogQuery } from '../../src/db/repositories/connection-log';
import { createStore, openStore, type Store } from '../../src/db/store';
import { databaseKinds, makeDatabase } from '../helpers/databases';
import { dayTables, searchBefore0015 } from '../helpers/log-index';

const T1 = 'org-one';
const T2 = 'org-two';
const DAY0 = Date.parse('2026-11-10T00:00:00.000Z');
const HOURS = 3_600_000;

const HOSTILE = [
  'say "hello" to', "it's O'Brien's", 'AND', 'OR', 'NOT', 'NEAR(alpha beta)', 'alpha*', '^start', 'message:x',
  'document_ref:y', '{message document_ref}: z', '(paren) - minus + plus', '100%_done\\path', 'Straße', 'ÜNÏCODE ünïcode',
  '日本語のテキスト', 'emoji 🙂 smile', 'Ελληνικά λέξεις', '""', "''", 'a AND b OR c NOT d',
];
const WORDS = ['kea', 'tui', 'weka', 'kakapo'];

/** 240 entries every 30 minutes over 5 days (some exactly at midnight), three organisations, both levels. */
function generated(): Array<LogEntryInput & { at: Date }> {
  return Array.from({ length: 240 }, (_, i) => ({
    tenantId: i % 7 === 0 ? null : i % 5 === 0 ? T2 : T1,
    level: i % 4 === 0 ? 'error' : 'info',
    event: 'export.failed',
    message: `${HOSTILE[i % HOSTILE.length]} ${WORDS[i % WORDS.length]} #${i}`,
    documentRef: i % 3 === 0 ? `INV-${String(i).padStart(5, '0')}` : i % 3 === 1 ? (HOSTILE[(i * 7) % HOSTILE.length] ?? null) : null,
    at: new Date(DAY0 + i * 30 * 60_000 + (i % 48 === 47 ? 30 * 60_000 - 1 : 0)),
  }));
}

const NEEDLES = [
  ...HOSTILE, '"hello"', '"', "'", "O'B", "'s", 'and', 'NEAR', 'near(', '*', 'a*', 'ha*', '^st', 'ssage:', ':', ': z', '%_d', '\\p', '\\',
  'straße', 'STRASSE', 'ünï', 'ÜNÏ', 'ünïcode ÜNÏCODE', '日本語', '本', '🙂', '🙂 s', 'λέξ', 'ΕΛΛ', 'INV-0', 'inv-00012', '#1', '#23',
  'AND OR NOT *', 'x', 'ab', 'kea', 'KAKAPO', 'weka #', 'no such text', '-', '+ plus', '{', '}', '(', ')',
];

/** Every page of a search, 7 at a time, following the cursor: ids newest first. */
async function allPages(store: Store, query: Omit<LogQuery, 'limit' | 'beforeId'>): Promise<number[]> {
  const ids: number[] = [];
  let beforeId: number | undefined;
  for (;;) {
    const page = await store.log.search({ ...query, beforeId, limit: 7 });
    ids.push(...page.entries.map((e) => e.id));
    if (page.nextCursor === null) return ids;
    beforeId = page.nextCursor;
  }
}

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
      await opened.db.insertInto('connection_log').values(entries.map((e) => ({
        tenant_id: e.tenantId, at: e.at.toISOString(), level: e.level, event: e.event, message: e.message, document_ref: e.documentRef ?? null,
      }))).execute();
      const before = new Map<string, number[]>();
      for (const n of NEEDLES) before.set(n, await searchBefore0015(opened.db, n));

      // Not vacuous: every needle written literally in an entry finds it.
      for (const n of NEEDLES) {
        const literal = entries.flatMap((e, i) => (e.message.includes(n) || e.documentRef?.includes(n) ? [i + 1] : []));
        for (const id of literal) assert.ok(before.get(n)?.includes(id), `${n} finds entry ${id}`);
      }

      await migrateToLatest(opened.db, opened.adapter);
      const upgraded = createStore(opened);
      const left = await sql<{ name: string }>`select name from sqlite_master where name in ('connection_log_fts', 'connection_log_fts_insert', 'connection_log_fts_delete', 'connection_log_fts_update')`.execute(opened.db);
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
        await store.log.append(Array.from({ length: Math.min(50, n - d) }, (_, k) => ({
          tenantId: T1, level: 'info' as const, event: 'e', message: `takahe day ${d + k}`, at: new Date(DAY0 + (d + k) * 24 * HOURS),
        })));
      }
      assert.equal((await dayTables(store.db)).length, n);
      assert.equal((await store.log.search({ tenantId: T1, q: 'takahe', limit: 500 })).entries.length, n);
      assert.deepEqual((await store.log.search({ tenantId: T1, q: 'takahe day 7', limit: 500 })).entries.map((e) => e.message).sort(), ['takahe day 7', ...Array.from({ length: 10 }, (_, k) => `takahe day ${70 + k}`)].sort());
    } finally {
      await store.close();
      await db.drop();
    }
  });

  test('a search is not failed by another connection dropping a day table meanwhile (as another process\'s prune would)', { timeout: 60_000 }, async () => {
    const db = await makeDatabase('sqlite');
    const store = await openStore(db.url);
    try {
      await store.log.append([{ tenantId: T1, level: 'info', event: 'e', message: 'kereru today', at: new Date(DAY0) }]);
      // Another thread, with its own connection, creates and drops an older day's table as fast as it can.
      const worker = new Worker(`
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
        parentPort.postMessage(drops);`, { eval: true, workerData: { file: db.url.slice('sqlite:'.length) } });
      const drops = new Promise<number>((resolve, reject) => worker.once('message', resolve).once('error', reject));
      let searches = 0;
      let done = false;
      void drops.then(() => { done = true; });
      while (!done) {
        assert.deepEqual((await store.log.search({ tenantId: T1, q: 'kereru' })).entries.map((e) => e.message), ['kereru today']);
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

for (const kind of databaseKinds()) {
  describe(`retention and paging across days (${kind})`, () => {
    test('retention deletes exactly the entries older than the cut-off, at day boundaries too, and drops the days wholly before it', async () => {
      const db = await makeDatabase(kind);
      const store = await openStore(db.url);
      try {
        const times = ['2026-11-10T12:00:00.000Z', '2026-11-10T23:59:59.999Z', '2026-11-11T00:00:00.000Z', '2026-11-11T11:59:59.999Z', '2026-11-11T12:00:00.000Z',
          '2026-11-11T12:00:00.001Z', '2026-11-11T23:59:59.999Z', '2026-11-12T00:00:00.000Z', '2026-11-13T08:00:00.000Z',
          '2026-11-10T06:00:00.000Z']; // the last written last, with an older time
        for (const at of times) await store.log.append([{ tenantId: T1, level: 'info', event: 'e', message: `kiwi at ${at}`, at: new Date(at) }]);
        const kept = async () => (await store.log.search({ tenantId: T1, q: 'kiwi', limit: 100 })).entries.map((e) => e.message.slice('kiwi at '.length));
        const rows = async () => (await store.db.selectFrom('connection_log').select('at').orderBy('id', 'desc').execute()).map((r) => r.at);
        const newest = [...times.slice(0, -1)].reverse();

        const cut1 = '2026-11-11T12:00:00.000Z';
        assert.equal(await store.log.prune(new Date(cut1), 2), 5);
        assert.deepEqual(await kept(), newest.filter((t) => t >= cut1));
        assert.deepEqual(await rows(), newest.filter((t) => t >= cut1));
        assert.deepEqual((await store.log.search({ tenantId: T1, q: '11:59:59.999' })).entries, [], 'a deleted entry of the kept day is not found');
        if (kind === 'sqlite') assert.deepEqual(await dayTables(store.db), ['20261111', '20261112', '20261113'].map((d) => `connection_log_fts_${d}`));

        const cut2 = '2026-11-12T00:00:00.000Z';
        assert.equal(await store.log.prune(new Date(cut2), 2), 3);
        assert.deepEqual(await kept(), ['2026-11-13T08:00:00.000Z', '2026-11-12T00:00:00.000Z']);
        if (kind === 'sqlite') assert.deepEqual(await dayTables(store.db), ['20261112', '20261113'].map((d) => `connection_log_fts_${d}`));

        // An entry written later with a time in a dropped day is indexed again, and goes with the next prune.
        await store.log.append([{ tenantId: T1, level: 'info', event: 'e', message: 'kiwi at late', at: new Date('2026-11-10T09:00:00.000Z') }]);
        assert.deepEqual(await kept(), ['late', '2026-11-13T08:00:00.000Z', '2026-11-12T00:00:00.000Z']);
        assert.equal(await store.log.prune(new Date(cut2)), 1);
        assert.deepEqual(await kept(), ['2026-11-13T08:00:00.000Z', '2026-11-12T00:00:00.000Z']);
      } finally {
        await store.close();
        await db.drop();
      }
    });

    test('paging (older and newer), ordering, organisation, level and since across days', async () => {
      const db = await makeDatabase(kind);
      const store = await openStore(db.url);
      try {
        const entries = generated();
        await store.log.append(entries);
        const since = new Date(DAY0 + 40 * HOURS + 15 * 60_000);
        const expected = entries.map((e, i) => ({ ...e, id: i + 1 }))
          .filter((e) => e.tenantId === T1 && e.level === 'error' && e.at >= since && e.message.includes('kea'))
          .map((e) => e.id).reverse();
        assert.ok(expected.length > 14, 'several pages');
        const query = { tenantId: T1, level: 'error' as const, q: 'KEA', since };
        assert.deepEqual(await allPages(store, query), expected);
        // "Newer" from each page gives back the page before it.
        const pages: number[][] = [];
        for (let i = 0; i < expected.length; i += 7) pages.push(expected.slice(i, i + 7));
        for (let k = 1; k < pages.length; k++) {
          const newer = await store.log.search({ ...query, afterId: pages[k]?.[0], limit: 7 });
          assert.deepEqual(newer.entries.map((e) => e.id), pages[k - 1]);
        }
      } finally {
        await store.close();
        await db.drop();
      }
    });
  });
}
