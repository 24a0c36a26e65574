/**
 * Migration 0019: claims per kind take exactly what one walk over the organisation's queued exports
 * took (the due exports of the kinds asked for, oldest id first, at most `limit`), concurrent claims of
 * several kinds never share a row; SQLite's counts are one row per organisation and status, kept by
 * upserts, and 0019 merges the rows an older database holds twice; stepping back gives the schema
 * before 0019 exactly.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { openDatabase } from '../../src/db/dialect';
import { migrateToLatest, migrateUpTo } from '../../src/db/migrate';
import { createStore, openStore, type Store } from '../../src/db/store';
import { stepBackClaimAndCounts } from '../helpers/claim-and-counts';
import { databaseKinds, makeDatabase } from '../helpers/databases';
import { dumpSchema } from '../helpers/schema-dump';

const A = 'tenant-claim-a';
const B = 'tenant-claim-b';
const KINDS = ['sales_invoice', 'purchase_bill', 'customer', 'supplier', 'journal'];
const STATUSES = ['queued', 'queued', 'queued', 'exporting', 'exported', 'failed', 'waiting', 'skipped'];

/** A small deterministic generator, so that a failure repeats. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Exports of both organisations in every kind and status, some due now and some later, ids interleaved. */
async function fill(store: Store, n: number, now: Date): Promise<void> {
  const rand = prng(19);
  const t = now.toISOString();
  for (let i = 0; i < n; i += 100) {
    const rows = Array.from({ length: Math.min(100, n - i) }, (_, j) => {
      const k = i + j;
      return {
        tenant: rand() < 0.8 ? A : B,
        kind: KINDS[Math.floor(rand() * rand() * KINDS.length)] ?? 'sales_invoice',
        status: STATUSES[Math.floor(rand() * STATUSES.length)] ?? 'queued',
        due: new Date(now.getTime() + (rand() < 0.2 ? 3_600_000 : -Math.floor(rand() * 3_600_000))).toISOString(),
        sourceId: `CK-${k}`,
      };
    });
    const docs = await store.db
      .insertInto('documents')
      .values(rows.map((r) => ({ tenant_id: r.tenant, kind: r.kind, source_id: r.sourceId, revision: 1, payload: '{}', reference: r.sourceId, doc_date: null, total: null, received_at: t })))
      .returning('id')
      .execute();
    await store.db
      .insertInto('exports')
      .values(
        rows.map((r, j) => ({
          tenant_id: r.tenant,
          document_id: docs[j]?.id ?? 0,
          kind: r.kind,
          source_id: r.sourceId,
          revision: 1,
          status: r.status,
          attempts: 0,
          next_attempt_at: r.due,
          needs_reconcile: 0,
          created_at: t,
          updated_at: t,
        })),
      )
      .execute();
  }
}

/** What a claim takes, by the definition: one walk over the organisation's queued exports. */
async function expected(store: Store, tenantId: string, kinds: string[], limit: number, now: Date): Promise<number[]> {
  const rows = await store.db
    .selectFrom('exports')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'queued')
    .where('kind', 'in', kinds)
    .where('next_attempt_at', '<=', now.toISOString())
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** A store on a fresh database with both organisations and `n` exports filled at `now`; dropped after `body`. */
async function withFilled(kind: 'sqlite' | 'postgres', n: number, body: (store: Store, now: Date) => Promise<void>): Promise<void> {
  const database = await makeDatabase(kind);
  const store = await openStore(database.url);
  try {
    await store.tenants.upsert({ id: A, name: 'Org A' });
    await store.tenants.upsert({ id: B, name: 'Org B' });
    const now = new Date();
    await fill(store, n, now);
    await body(store, now);
  } finally {
    await store.close();
    await database.drop();
  }
}

for (const kind of databaseKinds()) {
  describe(`claims per kind and counts (migration 0019) on ${kind}`, () => {
    test('a claim takes the due exports of its kinds, oldest first, at most `limit`, as one walk would', async () => {
      await withFilled(kind, 1500, async (store, now) => {
        const cases: Array<[string, string[], number]> = [
          [A, ['sales_invoice'], 50],
          [A, ['sales_invoice', 'purchase_bill'], 50],
          [A, ['purchase_bill', 'sales_invoice'], 7],
          [A, ['customer', 'supplier'], 50],
          [A, ['journal'], 3],
          [A, ['supplier', 'journal', 'customer'], 1000],
          [A, ['sales_invoice', 'sales_invoice'], 5],
          [A, ['no_such_kind'], 50],
          [A, [], 50],
          [B, ['sales_invoice', 'purchase_bill'], 20],
          [A, ['sales_invoice', 'purchase_bill'], 0],
        ];
        for (const [i, [tenantId, kinds, limit]] of cases.entries()) {
          const want = kinds.length ? await expected(store, tenantId, kinds, limit, now) : [];
          const got = await store.exports.claim({ tenantId, kinds, limit, owner: `w${i}`, leaseMs: 60_000, now });
          assert.deepEqual(
            got.map((r) => r.id),
            want,
            `${tenantId} ${kinds.join(',')} limit ${limit}`,
          );
          assert.ok(got.every((r) => r.status === 'exporting' && r.leaseOwner === `w${i}` && r.tenantId === tenantId && kinds.includes(r.kind)));
          if (i % 2 === 0 && want.length > 0) {
            // Half the cases leave what they took claimed: later claims must pass over it.
            await store.db.updateTable('exports').set({ status: 'queued', lease_owner: null, lease_until: null }).where('id', 'in', want).execute();
          }
        }
      });
    });

    test('concurrent claims of several kinds never share a row, take at most `limit` each, and leave nothing behind', async () => {
      await withFilled(kind, 1200, async (store, now) => {
        const all = await expected(store, A, ['sales_invoice', 'purchase_bill'], 100_000, now);
        const taken: number[] = [];
        await Promise.all(
          Array.from({ length: 6 }, (_, w) =>
            (async () => {
              for (let round = 0; round < 200; round++) {
                const rows = await store.exports.claim({ tenantId: A, kinds: ['sales_invoice', 'purchase_bill'], limit: 9, owner: `w${w}`, leaseMs: 60_000, now });
                assert.ok(rows.length <= 9, `claimed ${rows.length}`);
                taken.push(...rows.map((r) => r.id));
                if (rows.length === 0 && (await expected(store, A, ['sales_invoice', 'purchase_bill'], 1, now)).length === 0) return;
              }
            })(),
          ),
        );
        assert.equal(new Set(taken).size, taken.length, 'an export was claimed twice');
        assert.deepEqual(
          [...taken].sort((x, y) => x - y),
          all,
        );
      });
    });

    test('stepping back from 0019 gives the schema before it exactly', async () => {
      const before = await makeDatabase(kind);
      const after = await makeDatabase(kind);
      const older = openDatabase(before.url);
      const latest = openDatabase(after.url);
      try {
        await migrateUpTo(older.db, older.adapter, '0018_write_back');
        await migrateUpTo(latest.db, latest.adapter, '0019_claim_and_counts');
        await stepBackClaimAndCounts(latest.db, kind);
        await sql`delete from kysely_migration where name = '0019_claim_and_counts'`.execute(latest.db);
        assert.deepEqual(await dumpSchema(latest.db as unknown as Kysely<unknown>, kind), await dumpSchema(older.db as unknown as Kysely<unknown>, kind));
        // And migrating it again brings 0019 back.
        assert.equal((await migrateToLatest(latest.db, latest.adapter)).applied[0], '0019_claim_and_counts');
      } finally {
        await older.close();
        await latest.close();
        await before.drop();
        await after.drop();
      }
    });

    test('0019 merges count rows held twice into one, and the counts stay exact', async () => {
      const database = await makeDatabase(kind);
      const opened = openDatabase(database.url);
      try {
        await migrateUpTo(opened.db, opened.adapter, '0018_write_back');
        const store = createStore(opened);
        await store.tenants.upsert({ id: A, name: 'Org A' });
        await store.tenants.upsert({ id: B, name: 'Org B' });
        const now = new Date();
        await fill(store, 300, now);
        // Split each organisation's count of queued exports over two rows (and add a row of zero), as an
        // older database may hold them.
        for (const tenantId of [A, B]) {
          const row = await store.db.selectFrom('export_counts').select(['id', 'n']).where('tenant_id', '=', tenantId).where('status', '=', 'queued').orderBy('id').executeTakeFirstOrThrow();
          await store.db.updateTable('export_counts').set({ n: 2 }).where('id', '=', row.id).execute();
          await store.db
            .insertInto('export_counts')
            .values([
              { tenant_id: tenantId, status: 'queued', n: Number(row.n) - 2 },
              { tenant_id: tenantId, status: 'failed', n: 0 },
            ])
            .execute();
        }
        await migrateToLatest(opened.db, opened.adapter);
        const truth = async (tenantId: string) => {
          const counts: Record<string, number> = { queued: 0, waiting: 0, exporting: 0, exported: 0, failed: 0, skipped: 0 };
          const rows = await store.db
            .selectFrom('exports')
            .select(['status', sql<number>`count(*)`.as('n')])
            .where('tenant_id', '=', tenantId)
            .groupBy('status')
            .execute();
          for (const r of rows) counts[r.status] = Number(r.n);
          return counts;
        };
        for (const tenantId of [A, B]) assert.deepEqual(await store.exports.countByStatus(tenantId), await truth(tenantId), `after the migration (${tenantId})`);
        if (kind === 'sqlite') {
          const rows = await store.db.selectFrom('export_counts').select(['tenant_id', 'status']).execute();
          assert.equal(new Set(rows.map((r) => `${r.tenant_id}/${r.status}`)).size, rows.length, 'one row per organisation and status');
          await assert.rejects(store.db.insertInto('export_counts').values({ tenant_id: A, status: 'queued', n: 1 }).execute(), /UNIQUE/);
        }
        // Every side of a change is counted: insert, status change, move between organisations, delete.
        const claimed = await store.exports.claim({ tenantId: A, kinds: ['sales_invoice', 'purchase_bill'], limit: 20, owner: 'w', leaseMs: 60_000, now });
        await store.exports.requeue(
          claimed.slice(0, 5).map((r) => r.id),
          { at: now },
        );
        await store.db
          .updateTable('exports')
          .set({ tenant_id: B })
          .where(
            'id',
            'in',
            claimed.slice(5, 8).map((r) => r.id),
          )
          .execute();
        await store.db.updateTable('exports').set({ status: 'skipped' }).where('tenant_id', '=', B).where('status', '=', 'failed').execute();
        await store.db.deleteFrom('exports').where('tenant_id', '=', B).where('status', '=', 'waiting').execute();
        await store.exports.ingest(A, [{ kind: 'journal', sourceId: 'CK-NEW', revision: 1, payload: '{}', reference: 'CK-NEW', docDate: '2026-11-20', total: '1.00', contentHash: 'ck-new' }], {
          hashStored: (p) => p,
        });
        for (const tenantId of [A, B]) assert.deepEqual(await store.exports.countByStatus(tenantId), await truth(tenantId), `after changes (${tenantId})`);
        await store.exports.foldCounts(null);
        for (const tenantId of [A, B]) assert.deepEqual(await store.exports.countByStatus(tenantId), await truth(tenantId), `after folding (${tenantId})`);
      } finally {
        await opened.close();
        await database.drop();
      }
    });
  });
}
