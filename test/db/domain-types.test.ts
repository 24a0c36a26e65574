/**
 * Repositories hand out domain types, not rows: every column of the row is there under its camelCase
 * name with the value stored (needs_reconcile as a boolean), and nothing else is, on both databases.
 * A column left out of a mapping, or a raw row handed out, fails here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openStore, type Store } from '../../src/db/store';
import { DocumentsViewRepository } from '../../src/db/repositories/documents-view';
import { databaseKinds, makeDatabase, type TestDatabase } from '../helpers/databases';

const camel = (column: string): string => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** The domain object holds exactly the row's columns, camelCased, with the stored values. */
function assertMapped(found: object, row: Record<string, unknown>, what: string, extra: Record<string, unknown> = {}): void {
  const expected: Record<string, unknown> = { ...extra };
  for (const [column, value] of Object.entries(row)) expected[camel(column)] = column === 'needs_reconcile' ? Number(value) !== 0 : value;
  assert.deepEqual({ ...found }, expected, what);
  assert.ok(
    Object.keys(found).every((k) => !k.includes('_')),
    `${what}: no snake_case key`,
  );
}

for (const kind of databaseKinds()) {
  describe(`domain types from the repositories on ${kind}`, () => {
    let database: TestDatabase;
    let store: Store;
    const tenant = 'tenant-domain';
    let exportId = 0;

    before(async () => {
      database = await makeDatabase(kind);
      store = await openStore(database.url);
      await store.tenants.upsert({ id: tenant, name: 'Org D' });
      const out = await store.exports.ingest(
        tenant,
        [{ kind: 'sales_invoice', sourceId: 'SO-D1', revision: 1, payload: '{"kind":"sales_invoice"}', reference: 'INV-D1', docDate: '2026-11-20', total: '12.50', contentHash: 'h-d1' }],
        { hashStored: (p) => p },
      );
      assert.ok(out.ok);
      exportId = out.results[0]?.exportId ?? 0;
    });
    after(async () => {
      await store.close();
      await database.drop();
    });

    test('exports: claim, get, latestForSource, list, one, byIds', async () => {
      const [claimed] = await store.exports.claim({ tenantId: tenant, kinds: ['sales_invoice'], limit: 5, owner: 'w1', leaseMs: 60_000 });
      const row = await store.db.selectFrom('exports').selectAll().where('id', '=', exportId).executeTakeFirstOrThrow();
      assert.ok(claimed);
      assertMapped(claimed, row, 'claim');
      await store.exports.recoverExpiredLeases(new Date(Date.now() + 120_000));
      const recovered = await store.db.selectFrom('exports').selectAll().where('id', '=', exportId).executeTakeFirstOrThrow();
      const got = await store.exports.get(tenant, exportId);
      assert.equal(got?.needsReconcile, true);
      assertMapped(got ?? {}, recovered, 'get');
      assertMapped((await store.exports.latestForSource(tenant, 'sales_invoice', 'SO-D1')) ?? {}, recovered, 'latestForSource');
      const doc = { reference: 'INV-D1', docDate: '2026-11-20', total: '12.50' };
      assertMapped((await store.exports.list({ tenantId: tenant }))[0] ?? {}, recovered, 'list', doc);
      assertMapped((await store.exports.one(tenant, exportId)) ?? {}, recovered, 'one', doc);
      assertMapped((await store.exports.byIds(tenant, [exportId]))[0] ?? {}, recovered, 'byIds', doc);
    });

    test('attempts and failure groups', async () => {
      assert.deepEqual(await store.exports.startAttempt([exportId], 'batch-d', 'key-d'), [exportId]);
      await store.exports.finishAttempt(exportId, 'batch-d', { outcome: 'error', httpStatus: 400, error: 'bad', correlationId: 'c-1' });
      const rows = await store.db.selectFrom('export_attempts').selectAll().where('export_id', '=', exportId).execute();
      const attempts = await store.exports.attempts(exportId);
      assert.equal(attempts.length, 1);
      assertMapped(attempts[0] ?? {}, rows[0] ?? {}, 'attempts');
      await store.exports.markFailed(exportId, { message: 'Account 999 is not valid', code: 'line_account_code_invalid', errorClass: 'validation', action: 'Map it' });
      assert.deepEqual(await store.exports.failureGroups(tenant), [{ errorCode: 'line_account_code_invalid', lastError: 'Account 999 is not valid', actionRequired: 'Map it', n: 1 }]);
    });

    test('the documents view and worker heartbeats', async () => {
      const view = new DocumentsViewRepository(store.db, store.adapter);
      const [listed] = await view.list({ tenantId: tenant });
      const exp = await store.db.selectFrom('exports').selectAll().where('id', '=', exportId).executeTakeFirstOrThrow();
      const doc = await store.db.selectFrom('documents').selectAll().where('id', '=', exp.document_id).executeTakeFirstOrThrow();
      const fromRows = {
        id: doc.id,
        kind: doc.kind,
        source_id: doc.source_id,
        revision: doc.revision,
        reference: doc.reference,
        doc_date: doc.doc_date,
        total: doc.total,
        received_at: doc.received_at,
        export_id: exp.id,
        status: exp.status,
        attempts: exp.attempts,
        xero_id: exp.xero_id,
        xero_number: exp.xero_number,
        xero_total: exp.xero_total,
        last_error: exp.last_error,
        wait_reason: exp.wait_reason,
      };
      assertMapped(listed ?? {}, fromRows, 'documents list');
      assertMapped((await view.get(tenant, doc.id)) ?? {}, { ...fromRows, payload: doc.payload }, 'documents get');
      assert.deepEqual(await view.revisions(tenant, 'sales_invoice', 'SO-D1'), [{ id: doc.id, revision: 1, receivedAt: doc.received_at }]);

      const at = new Date('2026-11-20T10:00:00.000Z');
      await store.workers.report(
        { workerId: 'w-d', host: 'h', pid: 7, state: 'failing', startedAt: at, lastRoundAt: at, lastSuccessAt: null, lastError: 'down', lastErrorAt: at, consecutiveFailures: 3 },
        at,
      );
      const beat = await store.db.selectFrom('worker_heartbeats').selectAll().executeTakeFirstOrThrow();
      assertMapped((await store.workers.list())[0] ?? {}, { ...beat, consecutive_failures: Number(beat.consecutive_failures) }, 'worker heartbeats');
    });
  });
}
