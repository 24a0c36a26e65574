/**
 * The export path does not wait for slow listeners (synchronous ones are called in order, async ones
 * awaited, failures reported in order after all), and a clean shutdown loses no Connection Log
 * entry: a detached listener runs after `emit` has returned and `settle()` waits for it; entries of
 * high-volume events (written in batches, never awaited by the worker) are all in the database
 * once the runtime has closed, including those queued while an earlier batch was being written.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRuntime } from '../../src/app/runtime';
import { loadConfig } from '../../src/config/config';
import { ConnectionLogRepository, type LogEntryInput } from '../../src/db/repositories/connection-log';
import { openStore } from '../../src/db/store';
import { attachConnectionLog } from '../../src/engine/connection-log-writer';
import { EventBus } from '../../src/engine/events';
import { databaseKinds, makeDatabase } from '../helpers/databases';

const TENANT = { id: 'dddddddd-0000-4000-8000-00000000000d', name: 'Org D Ltd' };
const exported = (i: number) => ({ tenantId: TENANT.id, exportId: i, kind: 'sales_invoice', reference: `INV-${i}`, xeroId: `x-${i}`, durationMs: 1, correlationId: null, limits: null });

describe('the event bus', () => {
  it('does not wait for a detached listener; settle() does', async () => {
    const bus = new EventBus();
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const done: number[] = [];
    bus.onDetached('queue.changed', async () => {
      await gate;
      done.push(1);
    });
    bus.on('queue.changed', () => {
      done.push(0);
    });
    await bus.emit('queue.changed', { tenantId: TENANT.id });
    assert.deepEqual(done, [0], 'emit returned while the detached listener still waits');
    const settled = bus.settle();
    release();
    await settled;
    assert.deepEqual(done, [0, 1]);
  });

  it("reports a detached listener's failure like any other", async () => {
    const errors: string[] = [];
    const bus = new EventBus((_err, event) => errors.push(event));
    bus.onDetached('queue.changed', async () => {
      throw new Error('boom');
    });
    await bus.emit('queue.changed', { tenantId: TENANT.id });
    await bus.settle();
    assert.deepEqual(errors, ['queue.changed']);
  });

  it('calls listeners in order, waits for the async ones, and reports failures in their order once all have finished', async () => {
    const seen: string[] = [];
    const bus = new EventBus((err) => seen.push(`error ${(err as Error).message}`));
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    bus.on('queue.changed', () => void seen.push('a'));
    bus.on('queue.changed', async () => {
      seen.push('b');
      await gate;
      throw new Error('b');
    });
    bus.on('queue.changed', () => {
      seen.push('c');
      throw new Error('c');
    });
    bus.on('queue.changed', async () => {
      seen.push('d');
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push('d done');
    });
    let returned = false;
    const emitted = bus.emit('queue.changed', { tenantId: TENANT.id }).then(() => (returned = true));
    assert.deepEqual(seen, ['a', 'b', 'c', 'd'], 'every listener started at once, a sync failure stopping none');
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(returned, false, 'emit waits for an async listener');
    assert.deepEqual(seen, ['a', 'b', 'c', 'd', 'd done'], 'no failure reported before all have finished');
    release();
    await emitted;
    assert.deepEqual(seen, ['a', 'b', 'c', 'd', 'd done', 'error b', 'error c']);
  });

  it('calls only the listeners there were when the emit began', async () => {
    const bus = new EventBus();
    const seen: string[] = [];
    const offB = bus.on('queue.changed', () => {
      seen.push('b');
    });
    bus.on('queue.changed', () => {
      seen.push('c');
      offB();
      bus.on('queue.changed', () => void seen.push('late'));
    });
    await bus.emit('queue.changed', { tenantId: TENANT.id });
    assert.deepEqual(seen, ['b', 'c']);
    await bus.emit('queue.changed', { tenantId: TENANT.id });
    assert.deepEqual(seen, ['b', 'c', 'c', 'late']);
  });

  it('skips a detached listener nobody wants at the time of the emit', async () => {
    const bus = new EventBus();
    let watching = false;
    const done: number[] = [];
    bus.onDetached(
      'queue.changed',
      async () => void done.push(1),
      () => watching,
    );
    await bus.emit('queue.changed', { tenantId: TENANT.id });
    await bus.settle();
    assert.deepEqual(done, []);
    watching = true;
    await bus.emit('queue.changed', { tenantId: TENANT.id });
    await bus.settle();
    assert.deepEqual(done, [1]);
  });
});

/** The real repository, each write held back a little: a write is still under way when flush() is called. */
class SlowLog extends ConnectionLogRepository {
  override async append(entries: LogEntryInput[]): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 30));
    await super.append(entries);
  }
}

for (const kind of databaseKinds()) {
  describe(`the Connection Log on a clean shutdown (${kind})`, () => {
    it('flush() returns only once the writes already under way have finished too', async () => {
      const db = await makeDatabase(kind);
      const store = await openStore(db.url);
      try {
        await store.tenants.upsert(TENANT);
        const bus = new EventBus();
        const flush = attachConnectionLog(bus, new SlowLog(store.db, store.adapter));
        for (let i = 1; i <= 700; i++) await bus.emit('export.exported', exported(i));
        await new Promise<void>((resolve) => setImmediate(resolve));
        for (let i = 701; i <= 750; i++) await bus.emit('export.exported', exported(i));
        await flush();
        const rows = await store.db.selectFrom('connection_log').select('id').where('event', '=', 'export.exported').execute();
        assert.equal(rows.length, 750);
      } finally {
        await store.close();
        await db.drop();
      }
    });

    it('keeps every entry of events emitted up to close, also those queued behind a write under way', async () => {
      const db = await makeDatabase(kind);
      const rt = await createRuntime(loadConfig({ XPORT_DATABASE_URL: db.url, XPORT_LOG_LEVEL: 'silent', XPORT_WORKERS: '0' }));
      await rt.store.tenants.upsert(TENANT);
      for (let i = 1; i <= 700; i++) await rt.bus.emit('export.exported', exported(i));
      // The first batch starts writing after this turn; more entries queue behind it.
      await new Promise<void>((resolve) => setImmediate(resolve));
      for (let i = 701; i <= 900; i++) await rt.bus.emit('export.exported', exported(i));
      await rt.close();
      const store = await openStore(db.url);
      try {
        const rows = await store.db.selectFrom('connection_log').select('document_ref').where('event', '=', 'export.exported').execute();
        assert.equal(rows.length, 900);
        assert.equal(new Set(rows.map((r) => r.document_ref)).size, 900);
      } finally {
        await store.close();
        await db.drop();
      }
    });
  });
}
