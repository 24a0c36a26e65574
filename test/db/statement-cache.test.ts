/**
 * SQLite statements are prepared once per SQL text and reused (src/db/dialect.ts): a schema change
 * after a statement was cached is still seen, and more distinct statements than the cache holds work.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase, STATEMENT_CACHE_SIZE } from '../../src/db/dialect';
import { sqliteDatabase } from '../helpers/databases';

test('a cached statement sees a column added after it was prepared', async () => {
  const file = sqliteDatabase();
  const opened = openDatabase(file.url);
  try {
    await sql`create table t (a integer)`.execute(opened.db);
    await sql`insert into t values (1)`.execute(opened.db);
    const all = () =>
      opened.db
        .selectFrom('t' as never)
        .selectAll()
        .execute();
    assert.deepEqual(await all(), [{ a: 1 }]);
    await sql`alter table t add column b text default 'x'`.execute(opened.db);
    assert.deepEqual(await all(), [{ a: 1, b: 'x' }]);
  } finally {
    await opened.close();
    await file.drop();
  }
});

test('more distinct statements than the cache holds, each answered right, the early ones again after eviction', async () => {
  const file = sqliteDatabase();
  const opened = openDatabase(file.url);
  try {
    const n = STATEMENT_CACHE_SIZE + 50;
    for (let round = 0; round < 2; round += 1) {
      for (let i = 0; i < n; i += 1) {
        const rows = await sql<{ v: number }>`select ${sql.raw(String(i))} + ${round} as v`.execute(opened.db);
        assert.equal(rows.rows[0]?.v, i + round);
      }
    }
  } finally {
    await opened.close();
    await file.drop();
  }
});
