import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/dialect';
import { migrateToLatest, SchemaTooNewError } from '../../src/db/migrate';
import { openStore, type Store } from '../../src/db/store';
import { databaseKinds, makeDatabase, type TestDatabase } from '../helpers/databases';

const doc = (sourceId: string, revision = 1, kind = 'sales_invoice') => ({
  kind,
  sourceId,
  revision,
  payload: JSON.stringify({ kind, sourceId, revision }),
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

for (const kind of databaseKinds()) {
  describe(`storage on ${kind}`, () => {
    let database: TestDatabase;
    let store: Store;
    const tenant = 'tenant-a';

    before(async () => {
      database = await makeDatabase(kind);
      store = await openStore(database.url);
      await store.tenants.upsert({ id: tenant, name: 'Org A' });
      await store.tenants.upsert({ id: 'tenant-b', name: 'Org B' });
    });
    after(async () => {
      await store.close();
      await database.drop();
    });

    test('migrations are applied once and a second run is a no-op', async () => {
      const again = await migrateToLatest(store.db, store.adapter);
      assert.deepEqual(again.applied, []);
      assert.match(again.current ?? '', /^\d{4}_/);
    });

    test('refuses to run on a schema from a newer xport', async () => {
      const other = await makeDatabase(kind);
      const opened = openDatabase(other.url);
      try {
        await migrateToLatest(opened.db, opened.adapter);
        await sql`insert into kysely_migration (name, timestamp) values ('9999_future', '2099-01-01')`.execute(opened.db);
        await assert.rejects(migrateToLatest(opened.db, opened.adapter), (err: unknown) => err instanceof SchemaTooNewError && /newer xport.*9999_future/.test(err.message));
      } finally {
        await opened.close();
        await other.drop();
      }
    });

    test('ingest queues each sourceId+revision once', async () => {
      const first = await ingest(store, tenant, [doc('SO-1'), doc('SO-2')]);
      assert.deepEqual(
        first.map((r) => [r.sourceId, r.status, r.duplicate]),
        [
          ['SO-1', 'queued', false],
          ['SO-2', 'queued', false],
        ],
      );
      const again = await ingest(store, tenant, [doc('SO-1')]);
      assert.equal(again[0]?.duplicate, true);
      assert.equal(again[0]?.exportId, first[0]?.exportId);
      const counts = await store.exports.countByStatus(tenant);
      assert.equal(counts.queued, 2);
    });

    test('a newer revision supersedes an unexported older one', async () => {
      const [r1] = await ingest(store, tenant, [doc('SO-REV', 1)]);
      const [r2] = await ingest(store, tenant, [doc('SO-REV', 2)]);
      assert.ok(r1 && r2);
      assert.equal((await store.exports.get(tenant, r1.exportId ?? 0))?.status, 'skipped');
      assert.match((await store.exports.get(tenant, r1.exportId ?? 0))?.waitReason ?? '', /superseded by revision 2/);
      assert.equal((await store.exports.get(tenant, r2.exportId ?? 0))?.status, 'queued');
    });

    test('ingest is all or nothing', async () => {
      const before = await store.exports.countByStatus(tenant);
      const bad = { ...doc('SO-BAD'), tenant: 'x', payload: null as unknown as string };
      await assert.rejects(ingest(store, tenant, [doc('SO-OK-BUT-ROLLED-BACK'), bad]));
      assert.deepEqual(await store.exports.countByStatus(tenant), before);
    });

    test('claims never hand one export to two workers', async () => {
      await ingest(
        store,
        'tenant-b',
        Array.from({ length: 40 }, (_, i) => doc(`CL-${i}`)),
      );
      const claims = await Promise.all(Array.from({ length: 4 }, (_, i) => store.exports.claim({ tenantId: 'tenant-b', kinds: ['sales_invoice'], limit: 15, owner: `w${i}`, leaseMs: 60_000 })));
      const ids = claims.flat().map((r) => r.id);
      assert.equal(new Set(ids).size, ids.length, 'an export was claimed twice');
      assert.equal(ids.length, 40);
    });

    test('expired leases return to the queue marked for reconciliation', async () => {
      await ingest(store, tenant, [doc('LEASE-1')]);
      const [claimed] = await store.exports.claim({ tenantId: tenant, kinds: ['sales_invoice'], limit: 1, owner: 'dead', leaseMs: -1000 });
      assert.ok(claimed);
      assert.equal(await store.exports.recoverExpiredLeases(), 1);
      const row = await store.exports.get(tenant, claimed.id);
      assert.equal(row?.status, 'queued');
      assert.equal(row?.needsReconcile, true);
    });

    test('a worker that lost its lease cannot start an attempt on rows another worker took over', async () => {
      await ingest(store, tenant, [doc('STALL-1')]);
      const [mine] = await store.exports.claim({ tenantId: tenant, kinds: ['sales_invoice'], limit: 1, owner: 'stalled', leaseMs: -1000 });
      assert.ok(mine);
      await store.exports.recoverExpiredLeases();
      const [theirs] = await store.exports.claim({ tenantId: tenant, kinds: ['sales_invoice'], limit: 1, owner: 'fresh', leaseMs: 60_000 });
      assert.equal(theirs?.id, mine.id);
      assert.deepEqual(await store.exports.startAttempt([mine.id], 'k1', 'k1', new Date(), 'stalled'), []);
      assert.deepEqual(await store.exports.startAttempt([mine.id], 'k2', 'k2', new Date(), 'fresh'), [mine.id]);
      assert.equal((await store.exports.attempts(mine.id)).length, 1);
    });

    test('dueKinds names the kinds with queued work due now, and only those', async () => {
      const t = 'tenant-due';
      await store.tenants.upsert({ id: t, name: 'Org Due' });
      assert.deepEqual([...(await store.exports.dueKinds(t, ['sales_invoice', 'customer']))], []);
      await ingest(store, t, [doc('DUE-1'), doc('DUE-J', 1, 'stock_journal'), doc('DUE-P', 1, 'purchase_bill')]);
      const later = await store.exports.claim({ tenantId: t, kinds: ['purchase_bill'], limit: 1, owner: 'w', leaseMs: 60_000 });
      const [bill] = later;
      assert.ok(bill);
      // Queued again for later: not due now.
      await store.exports.requeue([bill.id], { at: new Date(Date.now() + 3_600_000) });
      const due = await store.exports.dueKinds(t, ['sales_invoice', 'customer', 'stock_journal', 'purchase_bill']);
      assert.deepEqual([...due].sort(), ['sales_invoice', 'stock_journal']);
      assert.deepEqual([...(await store.exports.dueKinds(t, ['purchase_bill'], new Date(Date.now() + 7_200_000)))], ['purchase_bill']);
      // Claimed (exporting) work is not due.
      await store.exports.claim({ tenantId: t, kinds: ['sales_invoice'], limit: 5, owner: 'w', leaseMs: 60_000 });
      assert.deepEqual([...(await store.exports.dueKinds(t, ['sales_invoice', 'stock_journal']))], ['stock_journal']);
      assert.deepEqual([...(await store.exports.dueKinds('tenant-b', ['stock_journal']))], [], 'another organisation');
    });

    test('a claim takes nothing of an organisation paused or disconnected meanwhile, and again once the pause ended', async () => {
      const t = 'tenant-paused';
      await store.tenants.upsert({ id: t, name: 'Org Paused' });
      await ingest(store, t, [doc('PAUSE-1'), doc('PAUSE-2')]);
      const claim = (now = new Date()) => store.exports.claim({ tenantId: t, kinds: ['sales_invoice', 'purchase_bill'], limit: 1, owner: 'w', leaseMs: 60_000, now });
      await store.tenants.pause(t, { until: new Date(Date.now() + 60_000), reason: 'rate limit', code: 'rate_limited' });
      assert.deepEqual(await claim(), []);
      assert.equal((await claim(new Date(Date.now() + 120_000))).length, 1, 'the pause is over by then');
      await store.tenants.setStatus(t, 'disconnected');
      assert.deepEqual(await claim(new Date(Date.now() + 120_000)), []);
    });

    test('recordExported marks the exports and finishes their attempts of that call, and no other', async () => {
      const [a, b] = await ingest(store, tenant, [doc('REC-1'), doc('REC-2')]);
      assert.ok(a?.exportId && b?.exportId);
      const ids = [a.exportId, b.exportId];
      await store.exports.claim({ tenantId: tenant, kinds: ['sales_invoice'], limit: 50, owner: 'rec', leaseMs: 60_000 });
      assert.deepEqual((await store.exports.startAttempt(ids, 'call-1', 'call-1', new Date(), 'rec')).sort(), [...ids].sort());
      await store.exports.recordExported([{ id: a.exportId, xeroId: 'x-1', xeroNumber: 'REC-1', xeroTotal: '10.00' }], {
        batchId: 'call-1',
        result: { outcome: 'ok', httpStatus: 200, error: null, correlationId: 'c-1' },
      });
      const rowA = await store.exports.get(tenant, a.exportId);
      assert.equal(rowA?.status, 'exported');
      assert.equal(rowA?.xeroId, 'x-1');
      const [attemptA] = await store.exports.attempts(a.exportId);
      assert.equal(attemptA?.outcome, 'ok');
      assert.equal(attemptA?.httpStatus, 200);
      assert.ok(attemptA?.finishedAt);
      assert.equal((await store.exports.get(tenant, b.exportId))?.status, 'exporting', 'the other export is untouched');
      assert.equal((await store.exports.attempts(b.exportId))[0]?.outcome, null);
    });

    test('organisation A cannot read organisation B exports', async () => {
      const [b] = await ingest(store, 'tenant-b', [doc('B-ONLY')]);
      assert.ok(b);
      assert.equal(await store.exports.get(tenant, b.exportId ?? 0), null);
      assert.equal((await store.exports.list({ tenantId: tenant, search: 'B-ONLY' })).length, 0);
    });

    test('connection log: level filter, free-text search, cursor paging, pruning', async () => {
      const old = new Date(Date.now() - 10 * 86_400_000);
      await store.log.append([
        { tenantId: tenant, level: 'info', event: 'e', message: 'SO-100 exported to Xero', at: old },
        { tenantId: tenant, level: 'error', event: 'e', message: "SO-101: Account code '999' is not a valid code for this document." },
        { tenantId: tenant, level: 'info', event: 'e', message: 'SO-102 exported to Xero' },
        { tenantId: 'tenant-b', level: 'error', event: 'e', message: 'other organisation 100%' },
      ]);
      const errors = await store.log.search({ tenantId: tenant, level: 'error' });
      assert.deepEqual(
        errors.entries.map((e) => e.message.slice(0, 6)),
        ['SO-101'],
      );
      const search = await store.log.search({ tenantId: tenant, q: 'not a VALID code' });
      assert.equal(search.entries.length, 1);
      const literal = await store.log.search({ tenantId: null, q: '100%' });
      assert.deepEqual(
        literal.entries.map((e) => e.message),
        ['other organisation 100%'],
      );
      const page1 = await store.log.search({ tenantId: tenant, limit: 2 });
      assert.equal(page1.entries.length, 2);
      assert.ok(page1.nextCursor);
      const page2 = await store.log.search({ tenantId: tenant, limit: 2, beforeId: page1.nextCursor ?? undefined });
      assert.ok(page2.entries.every((e) => e.id < (page1.nextCursor ?? 0)));
      const pruned = await store.log.prune(new Date(Date.now() - 7 * 86_400_000), 1);
      assert.equal(pruned, 1);
      assert.equal((await store.log.search({ tenantId: tenant, q: 'SO-100' })).entries.length, 0);
    });

    test('API tokens are stored hashed and scoped to an organisation', async () => {
      const { token } = await store.tokens.create({ tenantId: tenant, name: 'erp', role: 'admin' });
      const found = await store.tokens.verify(token);
      assert.equal(found?.tenantId, tenant);
      const raw = await store.db.selectFrom('api_tokens').select('token_hash').execute();
      assert.ok(raw.every((r) => r.token_hash !== token));
      assert.equal(await store.tokens.verify(`${token}x`), null);
    });
  });
}
