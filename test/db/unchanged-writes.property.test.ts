/**
 * A claim sets each document's expected total (and each export's moved date) again: only the rows whose
 * value differs are written. For generated current and new values (nulls, equal, different, hostile
 * text), every row ends with the new value, and the rows left alone are exactly the unchanged ones
 * (SQLite: the statement's change count; PostgreSQL: each row's xmin, which only a write moves).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import { openStore, type Store } from '../../src/db/store';
import { databaseKinds, makeDatabase } from '../helpers/databases';

const TENANT = 'unchanged-writes-tenant';
const value = fc.oneof(
  fc.constant(null),
  fc.constantFrom('0.00', '10.00', '-0.01', '99999999.99'),
  fc.string({ maxLength: 12, unit: 'binary' }).filter((s) => !s.includes('\u0000')),
);

async function seed(store: Store, totals: Array<string | null>): Promise<number[]> {
  const now = new Date().toISOString();
  await store.db
    .insertInto('tenants')
    .values({ id: TENANT, name: 'T', connection_id: null, status: 'active', paused_until: null, pause_reason: null, pause_code: null, settings: '{}', created_at: now, updated_at: now })
    .onConflict((oc) => oc.doNothing())
    .execute();
  await store.db.deleteFrom('exports').execute();
  await store.db.deleteFrom('documents').execute();
  const rows = await store.db
    .insertInto('documents')
    .values(
      totals.map((total, i) => ({ tenant_id: TENANT, kind: 'sales_invoice', source_id: `S${i}`, revision: 1, payload: '{}', reference: `R${i}`, doc_date: '2026-01-01', total, received_at: now })),
    )
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

async function versions(store: Store): Promise<Map<number, string>> {
  const { rows } = await sql<{ id: number; v: string }>`select id, xmin::text as v from documents`.execute(store.db);
  return new Map(rows.map((r) => [r.id, r.v]));
}

for (const kind of databaseKinds()) {
  describe(`unchanged rows are not written (${kind})`, () => {
    test('setDocumentTotals: every row ends with its new total; only the differing ones are written', async () => {
      const db = await makeDatabase(kind);
      const store = await openStore(db.url);
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(fc.tuple(value, fc.oneof(fc.constant('same' as const), value)), { minLength: 1, maxLength: 40 }), async (pairs) => {
            const ids = await seed(
              store,
              pairs.map(([current]) => current),
            );
            // The new totals: "same" repeats the current one (null stays out: a claim always has a total).
            const next = pairs.map(([current, n], i) => ({ documentId: ids[i] as number, total: n === 'same' ? (current ?? '0.00') : (n ?? '1.00') }));
            const differing = next.filter((t, i) => pairs[i]?.[0] !== t.total).map((t) => t.documentId);
            const before = kind === 'postgres' ? await versions(store) : null;
            const changesBefore = kind === 'sqlite' ? (await sql<{ n: number }>`select total_changes() as n`.execute(store.db)).rows[0]?.n : 0;
            await store.exports.setDocumentTotals(next);
            const got = await store.db.selectFrom('documents').select(['id', 'total']).orderBy('id').execute();
            assert.deepEqual(
              got.map((r) => r.total),
              next.map((t) => t.total),
            );
            if (kind === 'sqlite') {
              const after = (await sql<{ n: number }>`select total_changes() as n`.execute(store.db)).rows[0]?.n ?? 0;
              assert.equal(after - (changesBefore ?? 0), differing.length);
            } else {
              const after = await versions(store);
              const written = ids.filter((id) => after.get(id) !== before?.get(id));
              assert.deepEqual(written.sort(), [...differing].sort());
            }
          }),
          { numRuns: 40 },
        );
      } finally {
        await store.close();
        await db.drop();
      }
    });
  });
}
