/**
 * The Connection Log writer coalesces the export path's entries: bursts of export events within
 * `coalesceMs` share one write (one transaction, one index segment), while what a person did is
 * written at once and the action's promise settles only once it is in the database. Whatever the
 * order of bursts, urgent entries and flushes (generated), every entry is written exactly once, in
 * the order appended, and no promise is left unsettled.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ConnectionLogRepository, type LogEntryInput } from '../../src/db/repositories/connection-log';
import { openStore } from '../../src/db/store';
import { BatchedLogWriter } from '../../src/engine/connection-log-writer';
import { databaseKinds, makeDatabase } from '../helpers/databases';

const TENANT = { id: 'eeeeeeee-0000-4000-8000-00000000000e', name: 'Org E Ltd' };
const entry = (ref: string, event = 'export.exported'): LogEntryInput => ({ tenantId: TENANT.id, level: 'info', event, message: `${ref} exported to Xero`, documentRef: ref });
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The real repository, counting its writes. */
class CountingLog extends ConnectionLogRepository {
  writes: number[] = [];
  override async append(entries: LogEntryInput[]): Promise<void> {
    this.writes.push(entries.length);
    await super.append(entries);
  }
}

for (const kind of databaseKinds()) {
  describe(`the Connection Log writer coalesces export entries (${kind})`, () => {
    const withLog = async (fn: (log: CountingLog, refs: () => Promise<string[]>) => Promise<void>) => {
      const db = await makeDatabase(kind);
      const store = await openStore(db.url);
      try {
        await store.tenants.upsert(TENANT);
        const log = new CountingLog(store.db, store.adapter);
        const refs = async () => (await store.db.selectFrom('connection_log').select('document_ref').orderBy('id').execute()).map((r) => r.document_ref ?? '');
        await fn(log, refs);
      } finally {
        await store.close();
        await db.drop();
      }
    };

    it('writes the first entry after a quiet spell at once, and the bursts that follow it together', async () => {
      await withLog(async (log, refs) => {
        const writer = new BatchedLogWriter(log, (err) => assert.fail(String(err)), 200);
        const first = writer.append([entry('A-0')]);
        await first;
        assert.deepEqual(await refs(), ['A-0'], 'written as soon as the engine yielded');
        // Ten batches' entries, each after the engine yielded: within 200 ms of the last write, so one write.
        const pending: Array<Promise<void>> = [];
        for (let b = 1; b <= 10; b += 1) {
          for (let i = 0; i < 50; i += 1) pending.push(writer.append([entry(`A-${b}-${i}`)]));
          await turn();
        }
        assert.equal((await refs()).length, 1, 'nothing more written yet: the bursts wait for the interval');
        await Promise.all(pending);
        assert.deepEqual(log.writes, [1, 500]);
        assert.equal((await refs()).length, 501);
      });
    });

    it('writes an urgent entry (what a person did) at once, with what is queued before it', async () => {
      await withLog(async (log, refs) => {
        const writer = new BatchedLogWriter(log, (err) => assert.fail(String(err)), 60_000);
        await writer.append([entry('B-0')]);
        void writer.append([entry('B-1')]);
        void writer.append([entry('B-2')]);
        await turn();
        assert.deepEqual(await refs(), ['B-0'], 'export entries wait (a minute here)');
        const t0 = performance.now();
        await writer.append([entry('B-person', 'settings.changed')], true);
        assert.ok(performance.now() - t0 < 5_000, 'the urgent entry did not wait for the interval');
        assert.deepEqual(await refs(), ['B-0', 'B-1', 'B-2', 'B-person']);
      });
    });

    it('writes at once when 1,000 are queued', async () => {
      await withLog(async (log, refs) => {
        const writer = new BatchedLogWriter(log, (err) => assert.fail(String(err)), 60_000);
        await writer.append([entry('C-0')]);
        const all: Array<Promise<void>> = [];
        for (let i = 1; i <= 1_000; i += 1) all.push(writer.append([entry(`C-${i}`)]));
        await Promise.all(all);
        assert.equal((await refs()).length, 1_001);
      });
    });

    it('flush() writes what waits for the interval and settles its promises', async () => {
      await withLog(async (log, refs) => {
        const writer = new BatchedLogWriter(log, (err) => assert.fail(String(err)), 60_000);
        await writer.append([entry('D-0')]);
        const waiting = writer.append([entry('D-1')]);
        await writer.flush();
        await waiting;
        assert.deepEqual(await refs(), ['D-0', 'D-1']);
        // The timer set for D-1 fires later and must write nothing twice.
        await sleep(20);
        assert.deepEqual(await refs(), ['D-0', 'D-1']);
      });
    });

    it('any order of bursts, urgent entries, pauses and flushes: each entry once, in order, every promise settled', async () => {
      await withLog(async (log, refs) => {
        let n = 0;
        const step = fc.oneof(
          fc.record({ t: fc.constant('burst' as const), size: fc.integer({ min: 1, max: 120 }) }),
          fc.record({ t: fc.constant('urgent' as const) }),
          fc.record({ t: fc.constant('turn' as const) }),
          fc.record({ t: fc.constant('sleep' as const), ms: fc.integer({ min: 0, max: 25 }) }),
          fc.record({ t: fc.constant('flush' as const) }),
        );
        await fc.assert(
          fc.asyncProperty(fc.array(step, { maxLength: 25 }), fc.integer({ min: 0, max: 30 }), async (steps, coalesceMs) => {
            const writer = new BatchedLogWriter(log, (err) => assert.fail(String(err)), coalesceMs);
            const before = (await refs()).length;
            const expected: string[] = [];
            const promises: Array<Promise<void>> = [];
            for (const s of steps) {
              if (s.t === 'burst') {
                for (let i = 0; i < s.size; i += 1) {
                  const ref = `P-${(n += 1)}`;
                  expected.push(ref);
                  promises.push(writer.append([entry(ref)]));
                }
              } else if (s.t === 'urgent') {
                const ref = `P-${(n += 1)}`;
                expected.push(ref);
                promises.push(writer.append([entry(ref, 'settings.changed')], true));
              } else if (s.t === 'turn') await turn();
              else if (s.t === 'sleep') await sleep(s.ms);
              else promises.push(writer.flush());
            }
            await Promise.all(promises);
            await writer.flush();
            assert.deepEqual((await refs()).slice(before), expected);
          }),
          { numRuns: kind === 'sqlite' ? 60 : 25 },
        );
      });
    });
  });
}
