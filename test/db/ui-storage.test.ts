/** Kept results of bulk actions are pruned by prefix and age; the log pages both ways; on both databases. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openStore } from '../../src/db/store';
import { databaseKinds, makeDatabase } from '../helpers/databases';

for (const kind of databaseKinds()) {
  test(`${kind}: deleteOlder removes old values under the prefix only`, async () => {
    const db = await makeDatabase(kind);
    const store = await openStore(db.url);
    try {
      await store.kv.set('bulk:old', '{}');
      await store.kv.set('bulkier', 'keep');
      await store.kv.set('web.session_secret', 'keep');
      await store.kv.deleteOlder('bulk:', new Date(Date.now() + 60_000));
      assert.equal(await store.kv.get('bulk:old'), null);
      assert.equal(await store.kv.get('bulkier'), 'keep');
      assert.equal(await store.kv.get('web.session_secret'), 'keep');
      await store.kv.set('bulk:new', '{}');
      await store.kv.deleteOlder('bulk:', new Date(Date.now() - 60_000));
      assert.equal(await store.kv.get('bulk:new'), '{}', 'a recent result stays');
    } finally {
      await store.close();
      await db.drop();
    }
  });
}

for (const kind of databaseKinds()) {
  test(`${kind}: the connection log pages to Older and back to Newer`, async () => {
    const db = await makeDatabase(kind);
    const store = await openStore(db.url);
    try {
      await store.tenants.upsert({ id: 't-log', name: 'Log Org' });
      await store.log.append(Array.from({ length: 25 }, (_, i) => ({ tenantId: 't-log', level: 'info' as const, event: 'documents.ingested', message: `m${i}` })));
      const first = await store.log.search({ tenantId: 't-log', limit: 10 });
      const second = await store.log.search({ tenantId: 't-log', limit: 10, beforeId: first.nextCursor ?? 0 });
      const back = await store.log.search({ tenantId: 't-log', limit: 10, afterId: second.entries[0]?.id });
      assert.deepEqual(
        back.entries.map((e) => e.message),
        first.entries.map((e) => e.message),
      );
      assert.equal(back.newerCursor, null, 'nothing is newer than the first page');
      const middle = await store.log.search({ tenantId: 't-log', limit: 10, afterId: (await store.log.search({ tenantId: 't-log', limit: 10, beforeId: second.nextCursor ?? 0 })).entries[0]?.id });
      assert.deepEqual(
        middle.entries.map((e) => e.message),
        second.entries.map((e) => e.message),
      );
      assert.ok(middle.newerCursor, 'the first page is newer still');
    } finally {
      await store.close();
      await db.drop();
    }
  });
}
