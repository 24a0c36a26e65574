/**
 * The Connection Log's free-text search through its index (FTS5 trigram on SQLite, one table per
 * day since 0015; pg_trgm on PostgreSQL) finds exactly what a plain case-insensitive "contains"
 * would, and the index follows every append, update and pruning. (Days, partitions and the upgrade:
 * log-index.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Migrator, type Kysely } from 'kysely';
import { openDatabase } from '../../src/db/dialect';
import { migrateToLatest } from '../../src/db/migrate';
import * as m0001 from '../../src/db/migrations/0001_initial';
import * as m0002 from '../../src/db/migrations/0002_xero_calls';
import * as m0003 from '../../src/db/migrations/0003_oauth_connections';
import * as m0004 from '../../src/db/migrations/0004_ui_indexes';
import { createStore, openStore, type Store } from '../../src/db/store';
import { databaseKinds, makeDatabase, type TestDatabase } from '../helpers/databases';

const T = 'tenant-log';

for (const kind of databaseKinds()) {
  describe(`connection log search on ${kind}`, () => {
    let database: TestDatabase;
    let store: Store;
    const search = async (q: string, level: 'all' | 'error' | 'info' = 'all') => (await store.log.search({ tenantId: T, level, q })).entries.map((e) => e.message).sort();

    before(async () => {
      database = await makeDatabase(kind);
      store = await openStore(database.url);
      await store.log.append([
        { tenantId: T, level: 'info', event: 'export.exported', message: 'INV-0001 exported to Xero (abc)', documentRef: 'INV-0001' },
        { tenantId: T, level: 'error', event: 'export.failed', message: "INV-0002: Account code '200' is not a valid code.", documentRef: 'INV-0002' },
        { tenantId: T, level: 'error', event: 'tenant.paused', message: 'Exports paused: Xero "daily" limit reached (100%_done)' },
        { tenantId: T, level: 'info', event: 'export.waiting', message: 'waiting for its contact', documentRef: 'CN-0042' },
        { tenantId: T, level: 'info', event: 'export.exported', message: 'Ünïcode Straße exported' },
        { tenantId: 'other-tenant', level: 'error', event: 'export.failed', message: 'INV-0001 of another organisation' },
      ]);
    });
    after(async () => {
      await store.close();
      await database.drop();
    });

    test('finds substrings of the message or the document reference, in any case', async () => {
      assert.deepEqual(await search('inv-0001'), ['INV-0001 exported to Xero (abc)']);
      assert.deepEqual(await search('VALID CODE'), ["INV-0002: Account code '200' is not a valid code."]);
      assert.deepEqual(await search('CN-0042'), ['waiting for its contact']);
      assert.deepEqual(await search('0042'), ['waiting for its contact']);
      assert.deepEqual(await search('INV-000'), ['INV-0001 exported to Xero (abc)', "INV-0002: Account code '200' is not a valid code."]);
      assert.deepEqual(await search('Straße'), ['Ünïcode Straße exported']);
    });

    test('combines with the level filter and the organisation', async () => {
      assert.deepEqual(await search('INV-000', 'error'), ["INV-0002: Account code '200' is not a valid code."]);
      assert.deepEqual(await search('exported', 'info'), ['INV-0001 exported to Xero (abc)', 'Ünïcode Straße exported']);
      const all = await store.log.search({ tenantId: null, q: 'INV-0001' });
      assert.equal(all.entries.length, 2);
    });

    test('quotes, LIKE wildcards and short needles are literal text', async () => {
      assert.deepEqual(await search('"daily"'), ['Exports paused: Xero "daily" limit reached (100%_done)']);
      assert.deepEqual(await search('100%_'), ['Exports paused: Xero "daily" limit reached (100%_done)']);
      assert.deepEqual(await search('0%_d'), ['Exports paused: Xero "daily" limit reached (100%_done)']);
      assert.deepEqual(await search('%'), ['Exports paused: Xero "daily" limit reached (100%_done)']);
      assert.deepEqual(await search('ab'), ['INV-0001 exported to Xero (abc)']);
      assert.deepEqual(await search('x'), ['Exports paused: Xero "daily" limit reached (100%_done)', 'INV-0001 exported to Xero (abc)', 'Ünïcode Straße exported']);
      assert.deepEqual(await search('no such text'), []);
      assert.deepEqual(await search('AND OR NOT *'), []);
    });

    test('pruned entries leave the index; new and updated ones are found', async () => {
      const old = new Date(Date.now() - 30 * 86_400_000);
      await store.log.append([{ tenantId: T, level: 'info', event: 'e', message: 'ancient entry zebra', at: old }]);
      assert.deepEqual(await search('zebra'), ['ancient entry zebra']);
      assert.equal(await store.log.prune(new Date(Date.now() - 7 * 86_400_000), 1), 1);
      assert.deepEqual(await search('zebra'), []);
      await store.log.append([{ tenantId: T, level: 'info', event: 'e', message: 'fresh entry giraffe' }]);
      await store.db.updateTable('connection_log').set({ message: 'renamed entry okapi' }).where('message', '=', 'fresh entry giraffe').execute();
      assert.deepEqual(await search('giraffe'), []);
      assert.deepEqual(await search('okapi'), ['renamed entry okapi']);
    });

    test('a prune over many batches removes exactly the old entries and search follows', async () => {
      const old = new Date(Date.now() - 30 * 86_400_000);
      const cutoff = new Date(Date.now() - 7 * 86_400_000);
      const entries = Array.from({ length: 400 }, (_, i) => ({
        tenantId: T,
        level: 'info' as const,
        event: 'e',
        message: `walrus ${i}`,
        at: i % 3 === 0 ? new Date(cutoff.getTime() + 60_000) : old,
      }));
      await store.log.append(entries);
      const kept = entries
        .filter((e) => e.at > cutoff)
        .map((e) => e.message)
        .sort();
      assert.equal(await store.log.prune(cutoff, 7), entries.length - kept.length);
      assert.deepEqual((await store.log.search({ tenantId: T, q: 'walrus', limit: 1000 })).entries.map((e) => e.message).sort(), kept);
    });

    test('the index is filled from entries written before migration 0005', async () => {
      const other = await makeDatabase(kind);
      const opened = openDatabase(other.url);
      try {
        const earlier = { '0001_initial': m0001, '0002_xero_calls': m0002, '0003_oauth_connections': m0003, '0004_ui_indexes': m0004 };
        const provider = { getMigrations: async () => Object.fromEntries(Object.entries(earlier).map(([n, m]) => [n, { up: (db: Kysely<unknown>) => m.up(db, opened.adapter.name) }])) };
        const { error } = await new Migrator({ db: opened.db, provider }).migrateToLatest();
        assert.equal(error, undefined);
        const s = createStore(opened);
        await s.log.append([{ tenantId: T, level: 'info', event: 'e', message: 'written before the index' }]);
        await migrateToLatest(opened.db, opened.adapter);
        await s.log.append([{ tenantId: T, level: 'info', event: 'e', message: 'written after the index' }]);
        assert.deepEqual(
          (await s.log.search({ tenantId: T, q: 'THE INDEX' })).entries.map((e) => e.message),
          ['written after the index', 'written before the index'],
        );
      } finally {
        await opened.close();
        await other.drop();
      }
    });
  });
}
