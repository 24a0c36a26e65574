import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openStore, type Store } from '../../src/db/store';
import { DbGate } from '../../src/engine/db-gate';
import { databaseKinds, makeDatabase, type TestDatabase } from '../helpers/databases';

for (const kind of databaseKinds()) {
  describe(`the cross-process call gate (${kind})`, () => {
    let database: TestDatabase;
    const stores: Store[] = [];
    before(async () => {
      database = await makeDatabase(kind);
      // Two stores = two connection pools, as two processes would have. One process holds one SQLite
      // connection (better-sqlite3 waits on a lock synchronously, which would block its own event loop).
      const first = await openStore(database.url);
      stores.push(first, kind === 'postgres' ? await openStore(database.url) : first);
    });
    after(async () => {
      for (const s of new Set(stores)) await s.close();
      await database.drop();
    });

    test('never more than the concurrent limit in flight across gates', async () => {
      const gates = stores.map((s) => new DbGate(s, { concurrent: 5, perMinute: 1000 }));
      let inFlight = 0;
      let peak = 0;
      await Promise.all(
        Array.from({ length: 24 }, async (_, i) => {
          const release = await gates[i % 2]!.acquire('tenant-c');
          inFlight += 1;
          peak = Math.max(peak, inFlight);
          await new Promise((r) => setTimeout(r, 30));
          inFlight -= 1;
          release();
        }),
      );
      assert.ok(peak <= 5, `peak ${peak} in flight`);
      assert.ok(peak >= 2, 'the gate let calls run in parallel');
    });

    test('a per-minute limit holds: the call after the limit waits', async () => {
      const gate = new DbGate(stores[0]!, { concurrent: 5, perMinute: 3 });
      for (let i = 0; i < 3; i += 1) (await gate.acquire('tenant-m'))();
      const abort = new AbortController();
      const pending = gate.acquire('tenant-m', abort.signal).then(
        () => 'acquired',
        () => 'aborted',
      );
      const fourth = Promise.race([pending, new Promise((r) => setTimeout(() => r('waiting'), 300))]);
      assert.equal(await fourth, 'waiting');
      abort.abort();
      assert.equal(await pending, 'aborted');
      // Another organisation is not held up by this one's minute.
      const other = Promise.race([gate.acquire('tenant-other').then(() => 'acquired'), new Promise((r) => setTimeout(() => r('waiting'), 1000))]);
      assert.equal(await other, 'acquired');
    });

    test('a slot held by a dead holder expires', async () => {
      const gate = new DbGate(stores[1]!, { concurrent: 1, perMinute: 1000, holdMs: 200 });
      await gate.acquire('tenant-dead'); // never released: the holder "died"
      const started = Date.now();
      (await gate.acquire('tenant-dead'))();
      assert.ok(Date.now() - started >= 150, 'waited for the dead slot to expire');
    });
  });
}
