/**
 * export_counts (migration 0006) always equals counting the exports themselves, through every
 * status change the repository makes — ingest, supersede, claim, exported, failed, requeue, waiting,
 * lease recovery, retry, skip, delete — on concurrent writers, and after its delta rows are folded.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Migrator, sql, type Kysely } from 'kysely';
import { openDatabase } from '../../src/db/dialect';
import { migrateToLatest } from '../../src/db/migrate';
import * as m0001 from '../../src/db/migrations/0001_initial';
import * as m0002 from '../../src/db/migrations/0002_xero_calls';
import * as m0003 from '../../src/db/migrations/0003_oauth_connections';
import * as m0004 from '../../src/db/migrations/0004_ui_indexes';
import * as m0005 from '../../src/db/migrations/0005_log_search';
import { createStore, openStore, type Store } from '../../src/db/store';
import { databaseKinds, makeDatabase, type TestDatabase } from '../helpers/databases';

const A = 'tenant-count-a';
const B = 'tenant-count-b';
const doc = (sourceId: string, revision = 1, kind = 'sales_invoice') => ({
  kind,
  sourceId,
  revision,
  payload: '{}',
  reference: sourceId,
  docDate: '2026-11-20',
  total: '10.00',
  contentHash: `${kind}:${sourceId}`,
});

/** Ingests through the repository; these documents never conflict. */
async function ingest(store: Store, tenantId: string, docs: Array<ReturnType<typeof doc>>) {
  const out = await store.exports.ingest(tenantId, docs, { hashStored: (p) => p });
  if (!out.ok) throw new Error(`unexpected revision conflict: ${JSON.stringify(out.conflicts)}`);
  return out.results;
}
const failure = { message: 'Account code is not valid', code: 'account_code_invalid', errorClass: 'validation', action: 'Fix the mapping' };

for (const kind of databaseKinds()) {
  describe(`export counts on ${kind}`, () => {
    let database: TestDatabase;
    let store: Store;

    /** The counts the repository reports equal a count(*) over the exports, per organisation and overall. */
    async function assertCounts(step: string): Promise<void> {
      for (const tenantId of [A, B, null]) {
        let q = store.db
          .selectFrom('exports')
          .select(['status', sql<number>`count(*)`.as('n')])
          .groupBy('status');
        if (tenantId) q = q.where('tenant_id', '=', tenantId);
        const truth = { queued: 0, waiting: 0, exporting: 0, exported: 0, failed: 0, skipped: 0 } as Record<string, number>;
        for (const r of await q.execute()) truth[r.status] = Number(r.n);
        assert.deepEqual(await store.exports.countByStatus(tenantId), truth, `${step} (${tenantId ?? 'all'})`);
      }
    }

    before(async () => {
      database = await makeDatabase(kind);
      store = await openStore(database.url);
      await store.tenants.upsert({ id: A, name: 'Org A' });
      await store.tenants.upsert({ id: B, name: 'Org B' });
    });
    after(async () => {
      await store.close();
      await database.drop();
    });

    test('through every status change', async () => {
      await assertCounts('empty');
      await ingest(
        store,
        A,
        Array.from({ length: 12 }, (_, i) => doc(`A-${i}`)),
      );
      await ingest(store, B, [doc('B-1'), doc('B-2', 1, 'customer')]);
      await ingest(store, A, [doc('A-0')]); // duplicate
      await assertCounts('ingest');
      await ingest(store, A, [doc('A-1', 2)]); // supersedes revision 1
      await ingest(store, A, [doc('A-1', 1)]); // already known
      await ingest(store, A, [doc('A-2', 3), doc('A-2', 2)]); // older revision after a newer one
      await assertCounts('supersede');
      const claimed = await store.exports.claim({ tenantId: A, kinds: ['sales_invoice'], limit: 8, owner: 'w1', leaseMs: 60_000 });
      assert.equal(claimed.length, 8);
      await assertCounts('claim');
      const [c0, c1, c2, c3, c4, c5, c6] = claimed.map((r) => r.id);
      await store.exports.startAttempt([c0 ?? 0, c1 ?? 0], 'batch-1', 'key-1');
      await store.exports.renewLease([c0 ?? 0], 'w1', new Date(Date.now() + 60_000));
      await store.exports.markExported(c0 ?? 0, { xeroId: 'x0', xeroNumber: 'INV-1', xeroTotal: '10.00' });
      await store.exports.markFailed(c1 ?? 0, failure);
      await store.exports.markFailed(c2 ?? 0, failure);
      await store.exports.requeue([c3 ?? 0], { at: new Date(), failure });
      await store.exports.setWaiting(c4 ?? 0, 'waiting for its contact', 'contact:C-1');
      await store.exports.setWaiting(c5 ?? 0, 'waiting for its contact', 'contact:C-1');
      await assertCounts('exported, failed, requeue, waiting');
      await store.exports.updateWaitReason(A, 'contact:C-1', 'still waiting');
      assert.equal(await store.exports.releaseWaiting(A, 'contact:C-1'), 2);
      await assertCounts('release waiting');
      await store.exports.renewLease([c6 ?? 0], 'w1', new Date(Date.now() - 1000));
      assert.ok((await store.exports.recoverExpiredLeases(new Date(Date.now() + 120_000))) >= 1);
      await assertCounts('lease recovery');
      assert.deepEqual(await store.exports.retry(A, [c1 ?? 0]), [c1]);
      assert.equal(await store.exports.skip(A, c2 ?? 0), true);
      assert.equal(await store.exports.skip(A, c0 ?? 0), false); // exported: not skippable
      await assertCounts('retry, skip');
      await store.exports.markFailed(c1 ?? 0, failure);
      await store.exports.markFailed(c3 ?? 0, failure);
      assert.equal((await store.exports.delete(A, [c1 ?? 0])).length, 1);
      await assertCounts('delete one');
      await store.exports.retry(A, 'all-failed');
      await store.exports.markFailed(c4 ?? 0, failure);
      await store.exports.delete(A, 'all-failed');
      await assertCounts('delete all failed');
    });

    test('with concurrent claims and ingests, and after folding', async () => {
      await ingest(
        store,
        B,
        Array.from({ length: 200 }, (_, i) => doc(`C-${i}`)),
      );
      await Promise.all([
        ...Array.from({ length: 6 }, (_, w) =>
          (async () => {
            for (let i = 0; i < 5; i++) {
              const rows = await store.exports.claim({ tenantId: B, kinds: ['sales_invoice'], limit: 5, owner: `w${w}`, leaseMs: 60_000 });
              for (const r of rows) await (r.id % 2 ? store.exports.markExported(r.id, { xeroId: `x${r.id}`, xeroNumber: null, xeroTotal: null }) : store.exports.markFailed(r.id, failure));
            }
          })(),
        ),
        ...Array.from({ length: 3 }, (_, k) =>
          ingest(
            store,
            B,
            Array.from({ length: 20 }, (_, i) => doc(`D-${k}-${i}`)),
          ),
        ),
      ]);
      await assertCounts('concurrent');
      await store.exports.foldCounts(null);
      const rows = await store.db.selectFrom('export_counts').select(['tenant_id', 'status']).execute();
      assert.equal(new Set(rows.map((r) => `${r.tenant_id}/${r.status}`)).size, rows.length, 'one row per tenant and status after folding');
      await assertCounts('folded');
    });

    test('migration 0006 counts the exports already there', async () => {
      const other = await makeDatabase(kind);
      const opened = openDatabase(other.url);
      try {
        const earlier = { '0001_initial': m0001, '0002_xero_calls': m0002, '0003_oauth_connections': m0003, '0004_ui_indexes': m0004, '0005_log_search': m0005 };
        const provider = { getMigrations: async () => Object.fromEntries(Object.entries(earlier).map(([n, m]) => [n, { up: (db: Kysely<unknown>) => m.up(db, opened.adapter.name) }])) };
        assert.equal((await new Migrator({ db: opened.db, provider }).migrateToLatest()).error, undefined);
        const s = createStore(opened);
        await s.tenants.upsert({ id: A, name: 'Org A' });
        // Rows as the schema before 0006 held them (the repository's ingest writes later columns).
        for (const sourceId of ['M-1', 'M-2', 'M-3']) {
          const t = new Date().toISOString();
          const { id } = await s.db
            .insertInto('documents')
            .values({ tenant_id: A, kind: 'sales_invoice', source_id: sourceId, revision: 1, payload: '{}', reference: sourceId, doc_date: null, total: null, received_at: t })
            .returning('id')
            .executeTakeFirstOrThrow();
          await s.db
            .insertInto('exports')
            .values({
              tenant_id: A,
              document_id: id,
              kind: 'sales_invoice',
              source_id: sourceId,
              revision: 1,
              status: 'queued',
              wait_reason: null,
              attempts: 0,
              next_attempt_at: t,
              xero_id: null,
              needs_reconcile: 0,
              created_at: t,
              updated_at: t,
            })
            .execute();
        }
        await s.exports.claim({ tenantId: A, kinds: ['sales_invoice'], limit: 1, owner: 'w', leaseMs: 60_000 });
        await migrateToLatest(opened.db, opened.adapter);
        await ingest(s, A, [doc('M-4')]);
        assert.deepEqual(await s.exports.countByStatus(A), { queued: 3, waiting: 0, exporting: 1, exported: 0, failed: 0, skipped: 0 });
      } finally {
        await opened.close();
        await other.drop();
      }
    });
  });
}
