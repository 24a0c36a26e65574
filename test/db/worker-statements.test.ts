/**
 * Issue 19, seventh round: the statements a worker runs per batch (real SQLite files and PostgreSQL).
 * - Contact links are looked up by their whole key (tenant, kind, source id): a customer and a supplier
 *   with the same source id are told apart, and SQLite's plan seeks all three key columns rather than
 *   walking every link of the organisation.
 * - The statements now compiled once per shape give what they gave when built each time: due kinds,
 *   organisations with due work, expired leases, waits released and requeued, failures recorded.
 * - SQLite keeps a connection's temporary storage in memory (migrations sort through files, then it is memory again).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CompiledQuery, sql, type KyselyPlugin } from 'kysely';
import { ContactLinksRepository } from '../../src/db/repositories/contact-links';
import { openStore } from '../../src/db/store';
import { databaseKinds, makeDatabase } from '../helpers/databases';

const NOW = new Date('2026-12-07T10:00:00.000Z');

for (const kind of databaseKinds()) {
  describe(`the worker's per-batch statements (${kind})`, () => {
    test('contact links: by the whole key, both kinds of one source id told apart, none walked', async () => {
      const db = await makeDatabase(kind);
      const store = await openStore(db.url, { migrate: true });
      try {
        await store.tenants.upsert({ id: 't-1', name: 'One' });
        await store.tenants.upsert({ id: 't-2', name: 'Two' });
        await store.contacts.setMany('t-1', [
          { contactKind: 'customer', sourceId: 'C-1', xeroContactId: 'x-cust', linkedBy: 'export' },
          { contactKind: 'supplier', sourceId: 'C-1', xeroContactId: 'x-supp', linkedBy: 'user' },
          { contactKind: 'customer', sourceId: 'C-2', xeroContactId: 'x-c2', linkedBy: 'export' },
        ]);
        await store.contacts.setMany('t-2', [{ contactKind: 'customer', sourceId: 'C-1', xeroContactId: 'x-other', linkedBy: 'export' }]);
        const got = await store.contacts.getMany('t-1', [
          { kind: 'customer', sourceId: 'C-1' },
          { kind: 'supplier', sourceId: 'C-1' },
          { kind: 'supplier', sourceId: 'C-2' },
          { kind: 'customer', sourceId: 'C-9' },
        ]);
        assert.deepEqual([...got.entries()].map(([k, l]) => [k, l.xeroContactId, l.linkedBy]).sort(), [
          ['customer:C-1', 'x-cust', 'export'],
          ['supplier:C-1', 'x-supp', 'user'],
        ]);
        const preloaded = await store.contacts.preloaded('t-1', [{ kind: 'supplier', sourceId: 'C-1' }]);
        assert.equal((await preloaded.get('t-1', 'supplier', 'C-1'))?.xeroContactId, 'x-supp');
        assert.equal((await preloaded.get('t-1', 'customer', 'C-2'))?.xeroContactId, 'x-c2', 'outside the preloaded keys: read from the database');
        if (kind === 'sqlite') {
          // The statements getMany runs, as SQLite plans them with their own values.
          const seen: CompiledQuery[] = [];
          const recorder: KyselyPlugin = {
            transformQuery: (args) => {
              if (args.node.kind === 'SelectQueryNode') seen.push(store.db.getExecutor().compileQuery(args.node, args.queryId));
              return args.node;
            },
            transformResult: (args) => Promise.resolve(args.result),
          };
          await new ContactLinksRepository(store.db.withPlugin(recorder)).getMany('t-1', [
            { kind: 'customer', sourceId: 'C-1' },
            { kind: 'supplier', sourceId: 'C-2' },
          ]);
          assert.equal(seen.length, 2, 'one look-up per kind');
          for (const q of seen) {
            const plan = await store.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]));
            assert.match(plan.rows.map((r) => r.detail).join('\n'), /contact_links USING INDEX \S+ \(tenant_id=\? AND contact_kind=\? AND source_id=\?\)/, q.sql);
          }
        }
      } finally {
        await store.close();
        await db.drop();
      }
    });

    test('statements compiled once per shape: the same answers as before, call after call', async () => {
      const db = await makeDatabase(kind);
      const store = await openStore(db.url, { migrate: true });
      try {
        await store.tenants.upsert({ id: 't-1', name: 'One' });
        const payload = (id: string) => JSON.stringify({ kind: 'sales_invoice', sourceId: id });
        const ingested = await store.exports.ingest(
          't-1',
          ['A', 'B', 'C', 'D'].map((id) => ({ kind: 'sales_invoice', sourceId: id, revision: null, payload: payload(id), contentHash: `h-${id}`, reference: id, docDate: '2026-11-20', total: null })),
          { hashStored: () => 'never', now: new Date(NOW.getTime() - 60_000) },
        );
        assert.ok(ingested.ok);
        const ids = ingested.results.map((r) => r.exportId as number);
        // Twice each: the second call runs the compiled shape.
        for (let i = 0; i < 2; i += 1) {
          assert.deepEqual([...(await store.exports.dueKinds('t-1', ['sales_invoice', 'purchase_bill'], NOW))], ['sales_invoice']);
          assert.deepEqual(await store.exports.tenantsWithDueWork(NOW), ['t-1']);
        }
        const rows = await store.exports.claim({ tenantId: 't-1', kinds: ['sales_invoice'], limit: 4, owner: 'w-1', leaseMs: 1000, now: NOW });
        assert.equal(rows.length, 4);
        const payloads = await store.exports.documentPayloads(rows.map((r) => r.documentId));
        assert.deepEqual([...payloads.values()].sort(), ['A', 'B', 'C', 'D'].map(payload));
        assert.equal(await store.exports.recoverExpiredLeases(NOW), 0, 'leases still live');
        assert.equal(await store.exports.recoverExpiredLeases(new Date(NOW.getTime() + 5_000)), 4);
        assert.equal(await store.exports.recoverExpiredLeases(new Date(NOW.getTime() + 5_000)), 0);
        await store.exports.setManyWaiting('t-1', [
          { id: ids[0] as number, reason: 'waiting for C-1', waitingFor: 'customer:C-1' },
          { id: ids[1] as number, reason: 'waiting for C-2', waitingFor: 'customer:C-2' },
        ]);
        await store.exports.markFailed(ids[2] as number, { message: 'gave up', code: 'contact_never_received', errorClass: 'validation', action: 'Send C-1' }, NOW);
        await sql`update exports set waiting_for = 'customer:C-1' where id = ${ids[2] as number}`.execute(store.db);
        await store.exports.markFailed(ids[3] as number, { message: 'other', code: 'validation_error', errorClass: 'validation', action: 'Fix it' }, NOW);
        const failed = await store.exports.get('t-1', ids[3] as number);
        assert.deepEqual([failed?.status, failed?.errorCode, failed?.lastError, failed?.actionRequired], ['failed', 'validation_error', 'other', 'Fix it']);
        // C-1 arrives: its waiter and the export that gave up waiting for it go back; C-2's stays.
        assert.equal(await store.exports.releaseWaiting('t-1', ['customer:C-1']), 2);
        const after = await Promise.all(ids.map((id) => store.exports.get('t-1', id)));
        assert.deepEqual(
          after.map((e) => e?.status),
          ['queued', 'waiting', 'queued', 'failed'],
        );
        assert.equal(after[2]?.errorCode, null);
        assert.equal(await store.exports.releaseWaiting('t-1', ['customer:C-2']), 1);
        await store.exports.setDocumentTotals(rows.map((r) => ({ documentId: r.documentId, total: '10.00' })));
        await store.exports.setXeroDates([{ id: ids[0] as number, date: '2026-12-01' }]);
        assert.equal((await store.exports.get('t-1', ids[0] as number))?.xeroDate, '2026-12-01');
      } finally {
        await store.close();
        await db.drop();
      }
    });
  });
}

test('SQLite: temporary storage in memory for the connection, and again once migrations (which sort through files) are done', async () => {
  const db = await makeDatabase('sqlite');
  const store = await openStore(db.url, { migrate: true });
  try {
    const mode = async () => Number((await sql<{ temp_store: number }>`pragma temp_store`.execute(store.db)).rows[0]?.temp_store);
    // 2 = MEMORY (1 = FILE): after the migration it is memory again.
    assert.equal(await mode(), 2);
  } finally {
    await store.close();
    await db.drop();
  }
});
