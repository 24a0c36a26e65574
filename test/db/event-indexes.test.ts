/**
 * Migration 0021 (the events' indexes) fails whole or not at all: a failure half-way (here an index
 * of the name it creates last, already there) leaves the schema of 0019 exactly and no record of 0021,
 * and the next start applies it whole. On SQLite, whose migrations Kysely runs outside a transaction,
 * this rests on the migration's own transaction.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { openDatabase } from '../../src/db/dialect';
import { migrateToLatest, migrateUpTo } from '../../src/db/migrate';
import { databaseKinds, makeDatabase } from '../helpers/databases';
import { dumpSchema } from '../helpers/schema-dump';

for (const kind of databaseKinds()) {
  describe(`migration 0021 on ${kind}`, () => {
    test('a failure half-way leaves the schema before it, and the next run applies it whole', async () => {
      const database = await makeDatabase(kind);
      const opened = openDatabase(database.url);
      try {
        await migrateUpTo(opened.db, opened.adapter, '0019_claim_and_counts');
        const before = await dumpSchema(opened.db as unknown as Kysely<unknown>, kind);
        // In the way of 0021's last statement only (on another table, so that the dump tells it apart).
        await sql`create index events_unsequenced on tenants (id)`.execute(opened.db);
        await assert.rejects(migrateToLatest(opened.db, opened.adapter));
        await sql`drop index events_unsequenced`.execute(opened.db);
        assert.deepEqual(await dumpSchema(opened.db as unknown as Kysely<unknown>, kind), before, 'nothing of 0021 is left');
        const applied = await sql<{ name: string }>`select name from kysely_migration where name = '0021_event_indexes'`.execute(opened.db);
        assert.equal(applied.rows.length, 0);
        const again = await migrateToLatest(opened.db, opened.adapter);
        assert.ok(again.applied.includes('0021_event_indexes'));
        const indexes = JSON.stringify(await dumpSchema(opened.db as unknown as Kysely<unknown>, kind));
        assert.match(indexes, /events_unsequenced/);
        assert.doesNotMatch(indexes, /events_tenant/);
      } finally {
        await opened.close();
        await database.drop();
      }
    });
  });
}
