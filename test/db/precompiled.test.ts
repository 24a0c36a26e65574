/**
 * Statements compiled once per shape (src/db/precompiled.ts): the claim, an attempt started and a batch
 * recorded send exactly the SQL text and parameters the builders sent before, and leave the same rows,
 * for generated batches (1..60 rows, hostile strings); a wrong value count is refused; a shape whose text
 * depends on a value is never kept; the cache is bounded.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import fc from 'fast-check';
import { Kysely, PostgresDialect, SqliteDialect, sql, type LogEvent, type QueryCreator, type Transaction } from 'kysely';
import pg from 'pg';
import type { AttemptResult, ExportedAs } from '../../src/domain/export';
import { iso } from '../../src/db/clock';
import type { DialectAdapter } from '../../src/db/dialect';
import { Precompiled } from '../../src/db/precompiled';
import { ExportsRepository } from '../../src/db/repositories/exports';
import { ingestDocuments, type PreparedDocument } from '../../src/db/repositories/ingest';
import type { Database } from '../../src/db/schema';
import { openStore, type Store } from '../../src/db/store';
import { valuesList } from '../../src/db/values-list';
import { hostileText } from '../property/hostile';
import { databaseKinds, makeDatabase, type TestDatabase } from '../helpers/databases';

const KINDS = ['sales_invoice', 'purchase_bill', 'customer', 'supplier', 'journal'];
const NOW = new Date('2026-03-01T10:00:00.000Z');
const NOW_ISO = iso(NOW);

/** Text as senders and Xero give it (no NUL: refused before it reaches a statement). */
const text = fc.oneof(
  hostileText(40),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).filter((s) => !s.includes('\u0000')),
  fc.constantFrom("'; drop table exports; --", '$1', '?', '\u2028', "O'Brien"),
);

/** The builder statements as they were before precompiled.ts (commit 89e0850), the reference. */
class BuilderReference {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly adapter: DialectAdapter,
  ) {}

  async claim(p: { tenantId: string; kinds: string[]; limit: number; owner: string; leaseMs: number; now: Date }) {
    const now = p.now;
    const [kind0, ...others] = [...new Set(p.kinds)];
    if (kind0 === undefined) return [];
    const ofKind = (db: QueryCreator<Database>, kind: string) =>
      this.adapter.lockForClaim(
        db
          .selectFrom('exports')
          .select('id')
          .where('tenant_id', '=', p.tenantId)
          .where('kind', '=', kind)
          .where('status', '=', sql.lit('queued'))
          .where((eb) => eb(this.adapter.notIndexed(eb.ref('next_attempt_at')), '<=', iso(now)))
          .orderBy('id')
          .limit(p.limit),
      );
    return this.db
      .with('candidates', (db) => {
        if (others.length === 0) return ofKind(db, kind0);
        const branch = (kind: string) => db.selectFrom(ofKind(db, kind).as('k')).select('k.id');
        return others
          .reduce((merged, kind) => merged.unionAll(branch(kind)), branch(kind0))
          .orderBy('id')
          .limit(p.limit);
      })
      .updateTable('exports')
      .from('candidates')
      .set({ status: 'exporting', lease_owner: p.owner, lease_until: iso(new Date(now.getTime() + p.leaseMs)), updated_at: iso(now) })
      .whereRef('exports.id', '=', 'candidates.id')
      .where((eb) => eb(this.adapter.notIndexed(eb.ref('exports.status')), '=', 'queued'))
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('tenants')
            .select('tenants.id')
            .where('tenants.id', '=', p.tenantId)
            .where('tenants.status', '=', 'active')
            .where((t) => t.or([t('tenants.paused_until', 'is', null), t('tenants.paused_until', '<=', iso(now))])),
        ),
      )
      .returningAll()
      .execute();
  }

  async startAttempt(exportIds: number[], batchId: string, idempotencyKey: string, now: Date, owner?: string): Promise<number[]> {
    const at = iso(now);
    const held = (db: QueryCreator<Database>) => {
      let q = db
        .updateTable('exports')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('id', 'in', exportIds);
      if (owner) q = q.where('lease_owner', '=', owner).where('status', '=', 'exporting').where('lease_until', '>', at);
      return q.returning(['id', 'attempts']);
    };
    if (this.adapter.name === 'postgres') {
      const rows = await this.db
        .with('held', held)
        .insertInto('export_attempts')
        .columns(['export_id', 'attempt_no', 'batch_id', 'idempotency_key', 'started_at'])
        .expression((eb) =>
          eb
            .selectFrom('held')
            .select(['held.id', 'held.attempts', sql<string>`${batchId}`.as('batch_id'), sql<string>`${idempotencyKey}`.as('idempotency_key'), sql<string>`${at}`.as('started_at')])
            .orderBy('held.id'),
        )
        .returning('export_id')
        .execute();
      return rows.map((r) => r.export_id);
    }
    return this.db.transaction().execute(async (trx) => {
      const rows = await held(trx).execute();
      if (rows.length === 0) return [];
      await trx
        .insertInto('export_attempts')
        .values(rows.map((r) => ({ export_id: r.id, attempt_no: r.attempts, batch_id: batchId, idempotency_key: idempotencyKey, started_at: at })))
        .execute();
      return rows.map((r) => r.id);
    });
  }

  async finishAttempts(exportIds: number[], batchId: string, r: AttemptResult): Promise<void> {
    await this.db
      .updateTable('export_attempts')
      .set({ finished_at: iso(), outcome: r.outcome, http_status: r.httpStatus, error: r.error, correlation_id: r.correlationId })
      .where('batch_id', '=', batchId)
      .where('export_id', 'in', exportIds)
      .execute();
  }

  async markManyExported(rows: Array<{ id: number } & ExportedAs>, now: Date): Promise<void> {
    const u = this.exportedUpdate(rows, now);
    await sql`with v (id, xero_id, xero_number, xero_total) as (${u.values}) ${u.update}`.execute(this.db);
  }

  async recordExported(rows: Array<{ id: number } & ExportedAs>, attempt: { batchId: string; result: AttemptResult }, now: Date): Promise<void> {
    if (this.adapter.name !== 'postgres') {
      await this.db.transaction().execute(async (trx) => {
        const ref = new BuilderReference(trx, this.adapter);
        await ref.markManyExported(rows, now);
        await ref.finishAttempts(
          rows.map((r) => r.id),
          attempt.batchId,
          attempt.result,
        );
      });
      return;
    }
    const r = attempt.result;
    const u = this.exportedUpdate(rows, now);
    await sql`with v (id, xero_id, xero_number, xero_total) as (${u.values}), exported as (${u.update} returning exports.id)
      update export_attempts set finished_at = ${iso()}, outcome = ${r.outcome}, http_status = ${r.httpStatus}, error = ${r.error}, correlation_id = ${r.correlationId}
      where batch_id = ${attempt.batchId} and export_id in (${sql.join(rows.map((x) => x.id))})`.execute(this.db);
  }

  private exportedUpdate(rows: Array<{ id: number } & ExportedAs>, now: Date) {
    const at = iso(now);
    const values = valuesList(
      rows.map((r) => [r.id, r.xeroId, r.xeroNumber, r.xeroTotal]),
      ['integer', 'text', 'text', 'text'],
    );
    const update = sql`update exports set status = 'exported', xero_id = v.xero_id, xero_number = v.xero_number, xero_total = v.xero_total, exported_at = ${at}, updated_at = ${at},
        last_error = null, error_code = null, error_class = null, action_required = null, wait_reason = null, waiting_for = null, lease_owner = null, lease_until = null, needs_reconcile = 0
      from v where exports.id = v.id`;
    return { values, update };
  }
}

/** Ingest's multi-row inserts of fresh documents as they were before (commit 89e0850), the reference. */
async function referenceInsertFresh(trx: Transaction<Database>, tenantId: string, docs: PreparedDocument[], now: Date): Promise<void> {
  const t = iso(now);
  const documentRows = await trx
    .insertInto('documents')
    .values(
      docs.map((doc) => ({
        tenant_id: tenantId,
        kind: doc.kind,
        source_id: doc.sourceId,
        revision: doc.revision ?? 1,
        payload: doc.payload,
        content_hash: doc.contentHash,
        reference: doc.reference,
        doc_date: doc.docDate,
        total: doc.total,
        received_at: t,
      })),
    )
    .returning(['id', 'kind', 'source_id'])
    .execute();
  const documentIds = new Map(documentRows.map((r) => [`${r.kind}\u0000${r.source_id}`, r.id]));
  await trx
    .insertInto('exports')
    .values(
      docs.map((doc) => ({
        tenant_id: tenantId,
        document_id: documentIds.get(`${doc.kind}\u0000${doc.sourceId}`) ?? -1,
        kind: doc.kind,
        source_id: doc.sourceId,
        revision: doc.revision ?? 1,
        status: 'queued',
        wait_reason: null,
        attempts: 0,
        next_attempt_at: t,
        xero_id: null,
        needs_reconcile: 0,
        created_at: t,
        updated_at: t,
      })),
    )
    .returning(['id', 'kind', 'source_id'])
    .execute();
}

/** Fresh documents, each once: ingest inserts them together. */
const freshDocuments: fc.Arbitrary<PreparedDocument[]> = fc.uniqueArray(
  fc.record({
    kind: fc.constantFrom(...KINDS),
    sourceId: text,
    revision: fc.option(fc.integer({ min: 1, max: 9 })),
    payload: text,
    contentHash: text,
    reference: text,
    docDate: fc.option(text),
    total: fc.option(text),
  }),
  { minLength: 1, maxLength: 60, selector: (d) => `${d.kind}\u0000${d.sourceId}` },
);

interface Batch {
  tenantId: string;
  rowKinds: string[];
  kinds: string[];
  limit: number;
  owner: string;
  withOwner: boolean;
  batchId: string;
  idempotencyKey: string;
  exported: Array<{ xeroId: string; xeroNumber: string | null; xeroTotal: string | null }>;
  result: AttemptResult;
  split: boolean;
}

const batch: fc.Arbitrary<Batch> = fc.integer({ min: 1, max: 60 }).chain((n) =>
  fc.record({
    tenantId: text,
    rowKinds: fc.array(fc.constantFrom(...KINDS), { minLength: n, maxLength: n }),
    kinds: fc.array(fc.constantFrom(...KINDS), { minLength: 1, maxLength: 6 }),
    limit: fc.integer({ min: 1, max: 60 }),
    owner: text,
    withOwner: fc.boolean(),
    batchId: text,
    idempotencyKey: text,
    exported: fc.array(fc.record({ xeroId: text, xeroNumber: fc.option(text), xeroTotal: fc.option(text) }), { minLength: n, maxLength: n }),
    result: fc.record({ outcome: text, httpStatus: fc.option(fc.integer({ min: 100, max: 599 })), error: fc.option(text), correlationId: fc.option(text) }),
    split: fc.boolean(),
  }),
);

/** Both implementations expose the same calls; the precompiled one is the repository itself. */
type Calls = Pick<BuilderReference, 'startAttempt' | 'finishAttempts' | 'markManyExported' | 'recordExported'> & { claim(p: Parameters<BuilderReference['claim']>[0]): Promise<Array<{ id: number }>> };

/** A timestamp of "now" (finished_at is stamped by the clock) in place of its value: the two runs differ only there. */
const stamp = (v: unknown) => (typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(v) && v !== NOW_ISO && v !== iso(new Date(NOW.getTime() + 60_000)) ? 'clock' : v);

for (const kind of databaseKinds()) {
  describe(`precompiled statements on ${kind}`, () => {
    let database: TestDatabase;
    let store: Store;
    let logged: Kysely<Database>;
    const log: Array<{ sql: string; parameters: unknown[] }> = [];

    before(async () => {
      database = await makeDatabase(kind);
      store = await openStore(database.url);
      // A second connection to the same database that records every statement it runs.
      const record = (e: LogEvent) => {
        if (e.level === 'query') log.push({ sql: e.query.sql, parameters: e.query.parameters.map(stamp) });
      };
      logged =
        kind === 'sqlite'
          ? new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(database.url.slice('sqlite:'.length)) }), log: record })
          : new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 1 }) }), log: record });
    });

    after(async () => {
      await logged.destroy();
      await store.close();
      await database.drop();
    });

    /** No organisation, document, export or attempt, and ids counted from 1 again. */
    async function empty(): Promise<void> {
      if (kind === 'postgres') {
        await sql`truncate table export_attempts, exports, documents, tenants restart identity cascade`.execute(store.db);
        return;
      }
      for (const table of ['export_attempts', 'exports', 'documents', 'tenants'] as const) await store.db.deleteFrom(table).execute();
      await sql`delete from sqlite_sequence where name in ('export_attempts', 'exports', 'documents')`.execute(store.db);
    }

    /** The batch's organisation and rows, ids 1..n, queued and due; nothing else. */
    async function reset(b: Batch): Promise<void> {
      const t = NOW_ISO;
      await empty();
      await store.db.insertInto('tenants').values({ id: b.tenantId, name: 'T', status: 'active', settings: '{}', created_at: t, updated_at: t }).execute();
      const rows = b.rowKinds.map((k, i) => ({ id: i + 1, kind: k, sourceId: `S-${i}` }));
      await store.db
        .insertInto('documents')
        .values(
          rows.map((r) => ({ id: r.id, tenant_id: b.tenantId, kind: r.kind, source_id: r.sourceId, revision: 1, payload: '{}', reference: r.sourceId, doc_date: null, total: null, received_at: t })),
        )
        .execute();
      await store.db
        .insertInto('exports')
        .values(
          rows.map((r) => ({
            id: r.id,
            tenant_id: b.tenantId,
            document_id: r.id,
            kind: r.kind,
            source_id: r.sourceId,
            revision: 1,
            status: 'queued',
            wait_reason: null,
            attempts: 0,
            next_attempt_at: t,
            xero_id: null,
            needs_reconcile: 0,
            created_at: t,
            updated_at: t,
          })),
        )
        .execute();
    }

    /** A batch's round (claim, attempt, recorded) by `calls`: what it sent, what it returned, what it left. */
    async function round(b: Batch, calls: Calls) {
      await reset(b);
      log.length = 0;
      const claimed = (await calls.claim({ tenantId: b.tenantId, kinds: b.kinds, limit: b.limit, owner: b.owner, leaseMs: 60_000, now: NOW })).map((r) => r.id).sort((x, y) => x - y);
      const held = claimed.length === 0 ? [] : await calls.startAttempt(claimed, b.batchId, b.idempotencyKey, NOW, b.withOwner ? b.owner : undefined);
      const rows = held.map((id, i) => ({ id, ...(b.exported[i] as Batch['exported'][number]) }));
      if (rows.length > 0) {
        const attempt = { batchId: b.batchId, result: b.result };
        if (b.split) {
          await calls.markManyExported(rows, NOW);
          await calls.finishAttempts(
            rows.map((r) => r.id),
            b.batchId,
            b.result,
          );
        } else {
          await calls.recordExported(rows, attempt, NOW);
        }
      }
      const exports = await store.db.selectFrom('exports').selectAll().orderBy('id').execute();
      const attempts = await store.db
        .selectFrom('export_attempts')
        .select(['export_id', 'attempt_no', 'batch_id', 'idempotency_key', 'started_at', 'outcome', 'http_status', 'error', 'correlation_id'])
        .orderBy('export_id')
        .execute();
      return { sent: [...log], claimed, held, exports, attempts };
    }

    test('the repository sends the builders’ SQL text and parameters, and leaves the same rows', async () => {
      const reference = new BuilderReference(logged, store.adapter);
      const repository = new ExportsRepository(logged, store.adapter);
      await fc.assert(
        fc.asyncProperty(batch, async (b) => {
          const before = await round(b, reference);
          const now = await round(b, repository);
          assert.deepEqual(now, before);
        }),
        { numRuns: kind === 'sqlite' ? 60 : 30 },
      );
    });

    test('ingest inserts fresh documents with the builders’ SQL text and parameters, and the same rows', async () => {
      const tenant = 'tenant-ingest';
      const run = async (insert: () => Promise<unknown>) => {
        await empty();
        await store.db.insertInto('tenants').values({ id: tenant, name: 'T', status: 'active', settings: '{}', created_at: NOW_ISO, updated_at: NOW_ISO }).execute();
        log.length = 0;
        await insert();
        const documents = await store.db.selectFrom('documents').selectAll().orderBy('id').execute();
        const exports = await store.db.selectFrom('exports').selectAll().orderBy('id').execute();
        return { sent: log.filter((q) => q.sql.startsWith('insert into')), documents, exports };
      };
      await fc.assert(
        fc.asyncProperty(freshDocuments, async (docs) => {
          const before = await run(() => logged.transaction().execute((trx) => referenceInsertFresh(trx, tenant, docs, NOW)));
          const now = await run(() => ingestDocuments(logged, store.adapter, tenant, docs, { hashStored: () => 'unused', now: NOW }));
          assert.equal(before.sent.length, 2);
          assert.deepEqual(now, before);
        }),
        { numRuns: kind === 'sqlite' ? 40 : 20 },
      );
    });

    test('a wrong number of values for a shape is refused', async () => {
      const p = new Precompiled();
      const build = (v: readonly unknown[]) => sql<{ a: unknown; b: unknown }>`select ${v[0]} as a, ${v[1]} as b`;
      const { rows } = await p.run(store.db, store.adapter.name, 'pair', ['x', 'y'], build);
      assert.deepEqual(rows, [{ a: 'x', b: 'y' }]);
      await assert.rejects(p.run(store.db, store.adapter.name, 'pair', ['x', 'y', 'z'], build), /precompiled statement "(sqlite|postgres):pair" takes 2 values, 3 given/);
      await assert.rejects(p.run(store.db, store.adapter.name, 'pair', ['x'], build), /takes 2 values, 1 given/);
    });

    test('constants stay, values are put in their places, each as often as it is used', async () => {
      const p = new Precompiled();
      const build = ([a, b]: readonly [string, string]) => sql<{ c: string; x: string; y: string; z: string }>`select ${'constant'} as c, ${a} as x, ${b} as y, ${a} as z`;
      for (const [a, b] of [
        ['1', '2'],
        ["'", '"'],
        ['漢', '😀'],
      ] as const) {
        const { rows } = await p.run(store.db, store.adapter.name, 'abc', [a, b], build);
        assert.deepEqual(rows, [{ c: 'constant', x: a, y: b, z: a }]);
      }
      assert.equal(p.cached, 1);
    });

    test('a shape whose text depends on a value is built afresh every time, not kept', async () => {
      const p = new Precompiled();
      // In the text itself.
      const inlined = ([n]: readonly [number]) => sql<{ n: number }>`select ${sql.raw(String(n))} as n`;
      assert.deepEqual((await p.run(store.db, store.adapter.name, 'inlined', [1], inlined)).rows, [{ n: 1 }]);
      assert.deepEqual((await p.run(store.db, store.adapter.name, 'inlined', [2], inlined)).rows, [{ n: 2 }]);
      // A build that cannot take a stand-in (a value read as a name).
      const named = ([column]: readonly [string]) => sql<Record<string, number>>`select 1 as ${sql.ref(column)}`;
      assert.deepEqual((await p.run(store.db, store.adapter.name, 'named', ['first'], named)).rows, [{ first: 1 }]);
      assert.deepEqual((await p.run(store.db, store.adapter.name, 'named', ['second'], named)).rows, [{ second: 1 }]);
      // An array bound as one parameter holds the values out of reach of a substitution.
      const listed = ([a, b]: readonly [number, number]) =>
        sql<{ n: number }>`select ${kind === 'postgres' ? sql`cardinality(${[a, b]}::int[])` : sql`json_array_length(${JSON.stringify([a, b])})`} as n`;
      assert.deepEqual((await p.run(store.db, store.adapter.name, 'array', [1, 2], listed)).rows, [{ n: 2 }]);
    });

    test('an undefined value takes the builder path (Kysely leaves it out of a SET)', async () => {
      const p = new Precompiled();
      await reset({ tenantId: 't', rowKinds: ['journal'] } as Batch);
      const build = ([reason, id]: readonly [string | undefined, number]) => store.db.updateTable('exports').set({ wait_reason: reason, updated_at: 'u' }).where('id', '=', id);
      await p.run(store.db, store.adapter.name, 'set', ['kept', 1], build);
      await p.run(store.db, store.adapter.name, 'set', [undefined, 1], build);
      const row = await store.db.selectFrom('exports').select(['wait_reason', 'updated_at']).where('id', '=', 1).executeTakeFirstOrThrow();
      assert.deepEqual(row, { wait_reason: 'kept', updated_at: 'u' });
    });

    test('the cache keeps at most its size, the least recently used dropped first', async () => {
      const p = new Precompiled(3);
      const build = (v: readonly number[]) => sql<{ n: number }>`select ${sql.join(v)} as n`;
      const run = (n: number) =>
        p.run(
          store.db,
          store.adapter.name,
          `n${n}`,
          Array.from({ length: n }, (_, i) => i),
          build,
        );
      await run(1);
      await run(2);
      await run(3);
      await run(1); // used again: now the most recent
      await run(4); // drops n2
      assert.equal(p.cached, 3);
      // n1 is still kept (it refuses another count); n2 was dropped, so it is compiled afresh, with another count.
      await assert.rejects(p.run(store.db, store.adapter.name, 'n1', [0, 1], build), /takes 1 values, 2 given/);
      await p.run(store.db, store.adapter.name, 'n2', [0, 1, 2, 3, 4], build);
      assert.equal(p.cached, 3);
    });
  });
}
