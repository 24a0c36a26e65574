/**
 * The crash test: a real `xport worker` process exporting 2,000 documents (contacts,
 * sales invoices, bills, credit notes, journals) to the sandbox is killed with SIGKILL 10 times at
 * random moments (half of them while a write is in flight, slowed by latency faults; answers lost
 * after the write with `phase: "after"`), restarted each time. At the end every document is in Xero
 * exactly once, counted per number/name through the sandbox's API, or failed with a reason.
 * SQLite always; PostgreSQL too when XPORT_TEST_DATABASE_URL is set (fewer documents).
 * XPORT_CRASH_SEED repeats a run.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { databaseKinds } from '../helpers/databases';
import { formatReport, runChaos } from './lib/chaos-run';

const SEED = process.env.XPORT_CRASH_SEED ? Number(process.env.XPORT_CRASH_SEED) : undefined;

for (const db of databaseKinds()) {
  describe(`crash: SIGKILL ×10 during a ${db === 'sqlite' ? '2,000' : '1,000'}-document export (${db})`, () => {
    test('every document reaches Xero exactly once, or fails with a reason; none is lost', { timeout: 240_000 }, async () => {
      const report = await runChaos({ db, docs: db === 'sqlite' ? 2000 : 1000, kills: 10, faults: 'crash', seed: SEED, log: (l) => console.log(`  ${l}`) });
      console.log(formatReport(report));
      const v = report.verdict;
      assert.equal(report.kills, 10);
      assert.ok(report.killsMidCall >= 3, `at least 3 kills landed mid-call (${report.killsMidCall})`);
      assert.deepEqual(v.duplicates, [], 'no document is in Xero twice');
      assert.deepEqual(v.missing, [], 'every exported document is in Xero under the id xport recorded');
      assert.deepEqual(v.unfinished, [], 'nothing is left queued, waiting or exporting');
      assert.deepEqual(v.badFailures, [], 'every failure has a reason and is not in Xero');
      assert.deepEqual(v.notFailed, [], 'the bad documents failed');
      assert.deepEqual(v.unexpectedFailures, [], 'no good document failed');
      assert.equal(v.exactlyOnce + v.failed, v.documents);
      assert.ok(v.documents >= (db === 'sqlite' ? 2000 : 1000));
    });
  });
}
