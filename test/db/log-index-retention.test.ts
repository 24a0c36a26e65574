/**
 * Retention of the Connection Log across days keeps exactly the entries at or after the cut-off and
 * drops the days wholly before it; paging, ordering and the filters work across days (both databases).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openStore } from '../../src/db/store';
import { databaseKinds, makeDatabase } from '../helpers/databases';
import { allPages, DAY0, dayTables, generated, HOURS, T1 } from '../helpers/log-index';

for (const kind of databaseKinds()) {
  describe(`retention and paging across days (${kind})`, () => {
    test('retention deletes exactly the entries older than the cut-off, at day boundaries too, and drops the days wholly before it', async () => {
      const db = await makeDatabase(kind);
      const store = await openStore(db.url);
      try {
        const times = [
          '2026-11-10T12:00:00.000Z',
          '2026-11-10T23:59:59.999Z',
          '2026-11-11T00:00:00.000Z',
          '2026-11-11T11:59:59.999Z',
          '2026-11-11T12:00:00.000Z',
          '2026-11-11T12:00:00.001Z',
          '2026-11-11T23:59:59.999Z',
          '2026-11-12T00:00:00.000Z',
          '2026-11-13T08:00:00.000Z',
          '2026-11-10T06:00:00.000Z',
        ]; // the last written last, with an older time
        for (const at of times) await store.log.append([{ tenantId: T1, level: 'info', event: 'e', message: `kiwi at ${at}`, at: new Date(at) }]);
        const kept = async () => (await store.log.search({ tenantId: T1, q: 'kiwi', limit: 100 })).entries.map((e) => e.message.slice('kiwi at '.length));
        const rows = async () => (await store.db.selectFrom('connection_log').select('at').orderBy('id', 'desc').execute()).map((r) => r.at);
        const newest = [...times.slice(0, -1)].reverse();

        const cut1 = '2026-11-11T12:00:00.000Z';
        assert.equal(await store.log.prune(new Date(cut1), 2), 5);
        assert.deepEqual(
          await kept(),
          newest.filter((t) => t >= cut1),
        );
        assert.deepEqual(
          await rows(),
          newest.filter((t) => t >= cut1),
        );
        assert.deepEqual((await store.log.search({ tenantId: T1, q: '11:59:59.999' })).entries, [], 'a deleted entry of the kept day is not found');
        if (kind === 'sqlite')
          assert.deepEqual(
            await dayTables(store.db),
            ['20261111', '20261112', '20261113'].map((d) => `connection_log_fts_${d}`),
          );

        const cut2 = '2026-11-12T00:00:00.000Z';
        assert.equal(await store.log.prune(new Date(cut2), 2), 3);
        assert.deepEqual(await kept(), ['2026-11-13T08:00:00.000Z', '2026-11-12T00:00:00.000Z']);
        if (kind === 'sqlite')
          assert.deepEqual(
            await dayTables(store.db),
            ['20261112', '20261113'].map((d) => `connection_log_fts_${d}`),
          );

        // An entry written later with a time in a dropped day is indexed again, and goes with the next prune.
        await store.log.append([{ tenantId: T1, level: 'info', event: 'e', message: 'kiwi at late', at: new Date('2026-11-10T09:00:00.000Z') }]);
        assert.deepEqual(await kept(), ['late', '2026-11-13T08:00:00.000Z', '2026-11-12T00:00:00.000Z']);
        assert.equal(await store.log.prune(new Date(cut2)), 1);
        assert.deepEqual(await kept(), ['2026-11-13T08:00:00.000Z', '2026-11-12T00:00:00.000Z']);
      } finally {
        await store.close();
        await db.drop();
      }
    });

    test('paging (older and newer), ordering, organisation, level and since across days', async () => {
      const db = await makeDatabase(kind);
      const store = await openStore(db.url);
      try {
        const entries = generated();
        await store.log.append(entries);
        const since = new Date(DAY0 + 40 * HOURS + 15 * 60_000);
        const expected = entries
          .map((e, i) => ({ ...e, id: i + 1 }))
          .filter((e) => e.tenantId === T1 && e.level === 'error' && e.at >= since && e.message.includes('kea'))
          .map((e) => e.id)
          .reverse();
        assert.ok(expected.length > 14, 'several pages');
        const query = { tenantId: T1, level: 'error' as const, q: 'KEA', since };
        assert.deepEqual(await allPages(store, query), expected);
        // "Newer" from each page gives back the page before it.
        const pages: number[][] = [];
        for (let i = 0; i < expected.length; i += 7) pages.push(expected.slice(i, i + 7));
        for (let k = 1; k < pages.length; k++) {
          const newer = await store.log.search({ ...query, afterId: pages[k]?.[0], limit: 7 });
          assert.deepEqual(
            newer.entries.map((e) => e.id),
            pages[k - 1],
          );
        }
      } finally {
        await store.close();
        await db.drop();
      }
    });
  });
}
