import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import { openDatabase } from '../../src/db/dialect';
import { migrateUpTo } from '../../src/db/migrate';
import { databaseKinds, makeDatabase } from '../helpers/databases';
import { dumpSchema } from '../helpers/schema-dump';

/**
 * Applied migrations are history: what 0001–0014 build on a fresh database must never change, however
 * the runtime code around them does. The fixtures are dumpSchema's output for the schema those
 * migrations built when each still asked the dialect adapter for its SQL; they are not regenerated.
 */
const LAST_SNAPSHOT_MIGRATION = '0014_contact_wait_index';

for (const kind of databaseKinds()) {
  describe(`migration history on ${kind}`, () => {
    test(`migrations up to ${LAST_SNAPSHOT_MIGRATION} build the schema recorded for them`, async () => {
      const expected: unknown = JSON.parse(fs.readFileSync(new URL(`./fixtures/schema-0014.${kind}.json`, import.meta.url), 'utf8'));
      const database = await makeDatabase(kind);
      const opened = openDatabase(database.url);
      try {
        await migrateUpTo(opened.db, opened.adapter, LAST_SNAPSHOT_MIGRATION);
        assert.deepEqual(await dumpSchema(opened.db as unknown as Kysely<unknown>, kind), expected);
      } finally {
        await opened.close();
        await database.drop();
      }
    });
  });
}
