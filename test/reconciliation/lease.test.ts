/**
 * One reconciliation at a time per organisation across processes, on both databases: of many asking
 * for the lease at once exactly one gets it, and schedulers of several processes sharing a database
 * run a due organisation once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { openStore, type Store } from '../../src/db/store';
import { ReconciliationMarks } from '../../src/db/repositories/reconciliation-marks';
import { ReconciliationRepository } from '../../src/db/repositories/reconciliation';
import { DbGate } from '../../src/engine/db-gate';
import { Reconciler } from '../../src/engine/reconciliation/run';
import { runDue } from '../../src/engine/reconciliation/schedule';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';
import { customer, post, salesInvoice } from '../engine-e2e/helpers';

for (const kind of databaseKinds()) {
  describe(`the reconciliation lease (${kind})`, () => {
    let h: Harness;
    const stores: Store[] = [];
    before(async () => {
      h = await startHarness(kind, { sandbox: { limits: { enabled: false } }, runtime: { noClientLimits: true } });
      await post(h, customer('CUST-L', 'Lease Customer'), salesInvoice('SO-L1', 'CUST-L'));
      await h.drain();
      // Four more "processes": their own connections to the same database.
      for (let i = 0; i < 4; i += 1) stores.push(await openStore(h.db.url));
    });
    after(async () => {
      for (const s of stores) await s.close();
      await h.close();
    });

    test('of many asking at once, exactly one holds it; it expires, and its holder may release it', async () => {
      for (let round = 0; round < 5; round += 1) {
        const key = `test.lease:${round}`;
        const got = await Promise.all(stores.flatMap((s, i) => [0, 1, 2].map((j) => new ReconciliationMarks(s.db).tryLease(key, `owner-${i}-${j}`, 60_000))));
        assert.equal(got.filter(Boolean).length, 1, `round ${round}: ${JSON.stringify(got)}`);
      }
      const repo = new ReconciliationMarks(stores[0]!.db);
      assert.equal(await repo.tryLease('test.expiry', 'a', 60_000, new Date(Date.now() - 120_000)), true);
      assert.equal(await repo.tryLease('test.expiry', 'b', 60_000), true, 'an expired lease is taken over');
      assert.equal(await repo.tryLease('test.expiry', 'a', 60_000), false);
      await repo.releaseLease('test.expiry', 'b');
      assert.equal(await repo.tryLease('test.expiry', 'a', 60_000), true, 'released');
    });

    test("several processes' schedules run a due organisation once", async () => {
      const logger = pino({ level: 'silent' });
      // SQLite: one connection for all of them. Connections of one process would wait for each other
      // synchronously (better-sqlite3) and never let the holder of a write go on; processes do not.
      const own = (i: number): Store => (kind === 'postgres' ? stores[i]! : h.rt.store);
      const reconcilers = stores.map((_, i) => new Reconciler({ store: own(i), xero: h.rt.xero, gate: new DbGate(own(i)), logger, bus: h.rt.bus }));
      const ran = await Promise.all(reconcilers.map((r, i) => runDue(own(i), r, 3_600_000)));
      const tenants = await h.rt.store.tenants.list();
      assert.ok(tenants.length > 1, 'the sandbox serves several organisations');
      for (const t of tenants) {
        const runs = await new ReconciliationRepository(h.rt.store.db).runs(t.id, 10);
        assert.equal(runs.length, 1, `${t.name}: ${JSON.stringify(runs)}`);
        assert.equal(runs[0]?.outcome, 'complete');
      }
      assert.equal(
        ran.reduce((a, b) => a + b, 0),
        tenants.length,
        'each organisation run once, by one of them',
      );
      assert.equal(await runDue(stores[0]!, reconcilers[0]!, 3_600_000), 0, 'not due again within the interval');
    });
  });
}
