/**
 * Migration 0022 (fewer index entries per export): the readers of `waiting_for`, `xero_id` and failed
 * exports' error codes are still served by an index (SQLite's plans, on a filled queue: no scan of
 * `exports`), a queued export has no entry in the Xero id index, and the migration fails whole or not at all.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { openDatabase } from '../../src/db/dialect';
import { migrateToLatest, migrateUpTo } from '../../src/db/migrate';
import { databaseKinds, makeDatabase } from '../helpers/databases';
import { dumpSchema } from '../helpers/schema-dump';
import { stepBackLeanExportIndexes } from '../helpers/lean-export-indexes';

/** The statements of the repositories that read these columns, as SQLite sees them (values bound apart). */
const READERS = [
  // ExportWaits.releaseWaiting / fail waits for a contact (export-waits.ts)
  `update exports set status = 'queued' where tenant_id = ? and status = ? and waiting_for in (?, ?)`,
  `select id from exports where tenant_id = ? and status = ? and waiting_for = ?`,
  // contact-wait-repair.ts
  `select id, waiting_for from exports where tenant_id = ? and waiting_for in (?, ?) and status in (?, ?)`,
  `select tenant_id, waiting_for from exports where tenant_id in (?, ?) and status = ? and waiting_for is not null`,
  // XeroChangesRepository.markXeroStatus (webhooks)
  `update exports set xero_status = ? where tenant_id = ? and xero_id = ? and status = ?`,
];

/** The Failed Exports page's readers of error codes (export-reads.ts) and the retry of one code (exports.ts), each with the plan it must keep. */
const FAILED_READERS: Array<[string, RegExp]> = [
  [`select error_code, count(*) as n from exports where tenant_id = ? and status = 'failed' and error_code is not null group by error_code order by error_code`, /COVERING INDEX exports_failed_code/],
  [
    `select exports.*, documents.reference from exports inner join documents on documents.id = exports.document_id where exports.tenant_id = ? and exports.status = 'failed' and exports.error_code = ? order by exports.id desc limit 50`,
    /INDEX exports_failed_code \(tenant_id=\? AND error_code=\? AND status=\?\)/,
  ],
  [`update exports set status = 'queued' where tenant_id = ? and status = 'failed' and error_code = ?`, /INDEX exports_failed_code/],
  [
    `select error_code, last_error, action_required, count(*) as n from exports where tenant_id = ? and status = 'failed' group by error_code, last_error, action_required`,
    /INDEX exports_failed_code/,
  ],
];

describe('migration 0022 on sqlite: the readers keep their indexes', () => {
  test('no reader of waiting_for or xero_id scans exports', async () => {
    const database = await makeDatabase('sqlite');
    const opened = openDatabase(database.url);
    try {
      await migrateToLatest(opened.db, opened.adapter);
      await sql`insert into tenants (id, name, status, created_at, updated_at) values ('t', 'T', 'active', '2026-01-01', '2026-01-01')`.execute(opened.db);
      await sql`insert into documents (tenant_id, kind, source_id, revision, payload, reference, received_at) values ('t', 'sales_invoice', 's', 1, '{}', 'r', '2026-01-01')`.execute(opened.db);
      // 5,000 exports, a few waiting for a contact and a few exported with a Xero id.
      await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < 5000)
        insert into exports (tenant_id, document_id, kind, source_id, revision, status, waiting_for, xero_id, next_attempt_at, created_at, updated_at)
        select 't', 1, 'sales_invoice', 's' || i, 1, case when i % 100 = 0 then 'waiting' when i % 7 = 0 then 'exported' else 'queued' end,
          case when i % 100 = 0 then 'customer:c' || i end, case when i % 7 = 0 then 'x-' || i end, '2026-01-01', '2026-01-01', '2026-01-01' from n`.execute(opened.db);
      for (const text of READERS) {
        // SQLite plans at prepare time, whatever the values bound.
        const plan = await opened.db.executeQuery<{ detail: string }>(
          CompiledQuery.raw(
            `explain query plan ${text}`,
            Array.from(text.matchAll(/\?/g), () => 'v'),
          ),
        );
        const details = plan.rows.map((r) => r.detail).join(' | ');
        assert.match(details, /USING (COVERING )?INDEX (exports_contact_waits|exports_tenant_xero_id)/, `${text}: ${details}`);
        assert.doesNotMatch(details, /SCAN exports/, text);
      }
      for (const [text, expected] of FAILED_READERS) {
        const plan = await opened.db.executeQuery<{ detail: string }>(
          CompiledQuery.raw(
            `explain query plan ${text}`,
            Array.from(text.matchAll(/\?/g), () => 'v'),
          ),
        );
        const details = plan.rows.map((r) => r.detail).join(' | ');
        assert.match(details, expected, `${text}: ${details}`);
        assert.doesNotMatch(details, /SCAN exports/, text);
      }
      const entries = await sql<{ n: number }>`select count(*) as n from exports indexed by exports_tenant_xero_id where tenant_id = 't' and xero_id is not null`.execute(opened.db);
      assert.equal(Number(entries.rows[0]?.n), 714, 'only the exports with a Xero id are in its index');
    } finally {
      await opened.close();
      await database.drop();
    }
  });
});

for (const kind of databaseKinds()) {
  describe(`migration 0022 on ${kind}`, () => {
    test('stepping back from 0022 gives the schema before it exactly', async () => {
      const before = await makeDatabase(kind);
      const after = await makeDatabase(kind);
      const older = openDatabase(before.url);
      const latest = openDatabase(after.url);
      try {
        await migrateUpTo(older.db, older.adapter, '0021_event_indexes');
        await migrateUpTo(latest.db, latest.adapter, '0022_lean_export_indexes');
        await stepBackLeanExportIndexes(latest.db);
        await sql`delete from kysely_migration where name = '0022_lean_export_indexes'`.execute(latest.db);
        assert.deepEqual(await dumpSchema(latest.db as unknown as Kysely<unknown>, kind), await dumpSchema(older.db as unknown as Kysely<unknown>, kind));
        assert.equal((await migrateToLatest(latest.db, latest.adapter)).applied[0], '0022_lean_export_indexes');
      } finally {
        await older.close();
        await latest.close();
        await before.drop();
        await after.drop();
      }
    });

    test('a failure half-way leaves the schema before it, and the next run applies it whole', async () => {
      const database = await makeDatabase(kind);
      const opened = openDatabase(database.url);
      try {
        await migrateUpTo(opened.db, opened.adapter, '0021_event_indexes');
        // 0022 drops exports_waiting_for, then exports_tenant_xero_id: with the second gone already, it fails there.
        await sql`drop index exports_tenant_xero_id`.execute(opened.db);
        const before = await dumpSchema(opened.db as unknown as Kysely<unknown>, kind);
        await assert.rejects(migrateToLatest(opened.db, opened.adapter));
        assert.deepEqual(await dumpSchema(opened.db as unknown as Kysely<unknown>, kind), before, 'nothing of 0022 is left (exports_waiting_for is back)');
        await sql`create index exports_tenant_xero_id on exports (tenant_id, xero_id)`.execute(opened.db);
        const again = await migrateToLatest(opened.db, opened.adapter);
        assert.ok(again.applied.includes('0022_lean_export_indexes'));
        const schema = JSON.stringify(await dumpSchema(opened.db as unknown as Kysely<unknown>, kind));
        assert.doesNotMatch(schema, /exports_waiting_for/);
        assert.match(schema, /exports_tenant_xero_id[^}]*xero_id[^}]*(is not null|IS NOT NULL)/);
        assert.doesNotMatch(schema, /exports_tenant_status_code/);
        assert.match(schema, /exports_failed_code[^}]*status\\?"?\)?(::text)? = 'failed'/i);
      } finally {
        await opened.close();
        await database.drop();
      }
    });
  });
}
