/**
 * Nothing lost, nothing reported twice, on both databases: a run that Xero answers with an outage
 * records nothing and the next run goes on from the same point; a run whose events cannot be stored
 * stores no Xero state either (they are one transaction), so the next run reports the change with its event.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';
import { control, customer, post, salesInvoice } from '../engine-e2e/helpers';
import { inXero, outbox, report, runNow } from './helpers';

for (const kind of databaseKinds()) {
  describe(`reconciliation under faults (${kind})`, () => {
    let h: Harness;
    let ids: number[] = [];
    before(async () => {
      h = await startHarness(kind, { sandbox: { limits: { enabled: false } }, runtime: { noClientLimits: true, reconcile: { pageSize: 2 } } });
      await post(h, customer('CUST-F', 'Fault Customer'));
      await h.drain();
      ids = await post(h, salesInvoice('SO-F1', 'CUST-F'), salesInvoice('SO-F2', 'CUST-F'), salesInvoice('SO-F3', 'CUST-F'));
      await h.drain();
      assert.equal((await runNow(h)).outcome, 'complete');
    });
    after(async () => h.close());

    test('Xero offline mid-read: nothing recorded; the next run reads from the same point and reports the change once', async () => {
      await inXero(h, ids[0] ?? 0, 'void');
      await control(h, 'POST', '/faults', { kind: 'offline503', count: 1, match: { method: 'GET', path: '/Invoices' } });
      const failed = await runNow(h);
      assert.equal(failed.outcome, 'partial');
      assert.match(failed.message ?? '', /Invoices answered HTTP 503/);
      assert.deepEqual(failed.newDifferences, []);
      const next = await runNow(h);
      assert.deepEqual(
        next.newDifferences.map((d) => `${d.sourceId}:${d.issue}`),
        ['SO-F1:voided_in_xero'],
      );
      assert.equal((await outbox(h, 'document.changed_in_xero')).length, 1);
    });

    test('the events cannot be stored: neither is the Xero state; the next run reports the change with its event', async () => {
      await inXero(h, ids[1] ?? 0, 'void');
      await sql`alter table events rename to events_away`.execute(h.rt.store.db);
      try {
        const failed = await runNow(h);
        assert.equal(failed.outcome, 'failed');
      } finally {
        await sql`alter table events_away rename to events`.execute(h.rt.store.db);
      }
      assert.deepEqual(
        (await report(h)).documents.map((d) => d.sourceId),
        ['SO-F1'],
        'the state of SO-F2 was not stored without its event',
      );
      const next = await runNow(h);
      assert.deepEqual(
        next.newDifferences.map((d) => `${d.sourceId}:${d.issue}`),
        ['SO-F2:voided_in_xero'],
      );
      const events = await outbox(h, 'document.changed_in_xero');
      assert.deepEqual(
        events.map((e) => e.data.sourceId),
        ['SO-F1', 'SO-F2'],
      );
    });
  });
}
