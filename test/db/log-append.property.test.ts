/**
 * The Connection Log's append writes its entries with INSERTs prepared per row count (128 at a time,
 * the rest in powers of two) and, on SQLite, indexes them from the rows just written by id range. For
 * generated writes (any size across the chunk boundaries, times spread over midnight so one write
 * fills two day tables, hostile text), every entry is stored once with exactly its fields, in order,
 * and found by a search for its own marker; a write that fails part-way leaves nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { chunkSizes, type LogEntryInput } from '../../src/db/repositories/connection-log';
import { openStore } from '../../src/db/store';
import { databaseKinds, makeDatabase } from '../helpers/databases';
import { HOSTILE } from '../helpers/log-index';

const T = 'tenant-append';
const MIDNIGHT = Date.parse('2026-11-20T00:00:00.000Z');

describe('chunkSizes', () => {
  it('splits any write into at most nine shapes that add up to it', () => {
    const shapes = new Set<number>();
    for (let n = 0; n <= 2_000; n += 1) {
      const c = chunkSizes(n);
      assert.equal(
        c.reduce((a, b) => a + b, 0),
        n,
      );
      for (const x of c) shapes.add(x);
    }
    assert.deepEqual(
      [...shapes].sort((a, b) => a - b),
      [1, 2, 4, 8, 16, 32, 64, 128],
    );
  });
});

for (const kind of databaseKinds()) {
  describe(`Connection Log appends (${kind})`, () => {
    it('stores every entry of any write once, as given, and the index finds each', async () => {
      const db = await makeDatabase(kind);
      const store = await openStore(db.url);
      let marker = 0;
      try {
        const text = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ maxLength: 20 }));
        const entry = fc.record({
          level: fc.constantFrom('info' as const, 'error' as const),
          text,
          ref: fc.option(text, { nil: null }),
          exportId: fc.option(fc.integer({ min: 1, max: 2 ** 31 - 1 }), { nil: null }),
          details: fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.constant(null))), { nil: null }),
          actor: fc.option(fc.constantFrom('ana@example.com', "o'brien@example.com"), { nil: null }),
          minutes: fc.integer({ min: -90, max: 90 }),
        });
        await fc.assert(
          fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 300 }), async (generated) => {
            const before = await store.db
              .selectFrom('connection_log')
              .select((eb) => eb.fn.max('id').as('id'))
              .executeTakeFirst();
            const inputs: LogEntryInput[] = generated.map((g) => {
              marker += 1;
              return {
                tenantId: T,
                level: g.level,
                event: 'export.exported',
                // A marker no other entry holds, so that a search for it must find exactly this entry.
                message: `${g.text.replaceAll('\u0000', '')} #m${marker}q#`,
                documentRef: g.ref === null ? null : g.ref.replaceAll('\u0000', ''),
                exportId: g.exportId,
                details: g.details,
                actor: g.actor,
                at: new Date(MIDNIGHT + g.minutes * 60_000),
              };
            });
            await store.log.append(inputs);
            const rows = await store.db
              .selectFrom('connection_log')
              .selectAll()
              .where('id', '>', Number(before?.id ?? 0))
              .orderBy('id')
              .execute();
            assert.equal(rows.length, inputs.length);
            rows.forEach((r, i) => {
              const e = inputs[i] as LogEntryInput;
              assert.equal(r.message, e.message);
              assert.equal(r.document_ref, e.documentRef);
              assert.equal(r.level, e.level);
              assert.equal(r.export_id, e.exportId);
              assert.equal(r.actor, e.actor);
              assert.equal(r.at, e.at?.toISOString());
              assert.equal(r.details, e.details ? JSON.stringify(e.details) : null);
            });
            // Every entry by its marker (a few, to keep the run short; the first and last of each write always).
            const probe = [0, inputs.length - 1, Math.floor(inputs.length / 2)];
            for (const i of probe) {
              const m = /#m\d+q#/.exec((inputs[i] as LogEntryInput).message)?.[0] ?? '';
              const found = await store.log.search({ tenantId: T, q: m, limit: 5 });
              assert.deepEqual(
                found.entries.map((x) => x.message),
                [(inputs[i] as LogEntryInput).message],
                `entry ${i} of ${inputs.length} found by its marker`,
              );
            }
          }),
          { numRuns: kind === 'sqlite' ? 40 : 20 },
        );
      } finally {
        await store.close();
        await db.drop();
      }
    });

    it('a write that fails part-way leaves none of its entries', async () => {
      const db = await makeDatabase(kind);
      const store = await openStore(db.url);
      try {
        const ok = (i: number): LogEntryInput => ({ tenantId: T, level: 'info', event: 'export.exported', message: `entry ${i}` });
        // 200 entries are written as 128 + 64 + 8 rows; the last chunk holds one the database refuses (level is NOT NULL).
        const entries = Array.from({ length: 200 }, (_, i) => ok(i));
        entries[199] = { ...ok(199), level: null as unknown as 'info' };
        await assert.rejects(store.log.append(entries));
        const n = await store.db
          .selectFrom('connection_log')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        assert.equal(Number(n.n), 0);
      } finally {
        await store.close();
        await db.drop();
      }
    });
  });
}
