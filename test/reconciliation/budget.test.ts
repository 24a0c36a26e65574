/**
 * Reconciliation's Xero calls, counted in the sandbox's request journal: a run never makes more than
 * what is left of its share of the day's calls (and none once it is used up), and after a complete
 * read only what changed is read again (If-Modified-Since), page by page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';
import { control, customer, post, salesInvoice } from '../engine-e2e/helpers';
import { inXero, report, runNow } from './helpers';

async function journal(h: Harness): Promise<Array<{ method: string; path: string; query: string }>> {
  const res = await fetch(`${h.sandbox.url}/_sandbox/requests?tenantId=${h.tenantId}`);
  return ((await res.json()) as { requests: Array<{ method: string; path: string; query: string }> }).requests;
}

/** The page numbers of the list calls in the journal, in order. */
const pages = (calls: Array<{ path: string; query: string }>): Array<string | null> => calls.filter((c) => /\/Invoices$/i.test(c.path)).map((c) => new URLSearchParams(c.query).get('page'));

async function exportInvoices(h: Harness, n: number): Promise<number[]> {
  await post(h, customer('CUST-B', 'Budget Customer'));
  await h.drain();
  const ids = await post(h, ...Array.from({ length: n }, (_, i) => salesInvoice(`SO-B${i + 1}`, 'CUST-B')));
  await h.drain();
  await control(h, 'DELETE', '/requests');
  return ids;
}

for (const kind of databaseKinds()) {
  describe(`the reconciliation budget (${kind})`, () => {
    let h: Harness;
    before(async () => {
      // 0.0006 of 5,000 calls a day: 3 calls; one invoice per page, so a full read of 5 would take 5 + the trial balance.
      h = await startHarness(kind, { sandbox: { limits: { enabled: false } }, runtime: { noClientLimits: true, reconcile: { pageSize: 1 } }, env: { XPORT_RECONCILE_BUDGET_SHARE: '0.0006' } });
      await exportInvoices(h, 5);
    });
    after(async () => h.close());

    test('a run stops at its budget; the next one the same day makes no call at all', async () => {
      const first = await runNow(h);
      assert.equal(first.outcome, 'partial');
      assert.match(first.message ?? '', /budget is used up/);
      assert.equal(first.calls, 3);
      assert.equal(first.budget, 3);
      assert.equal(first.checked, 3, 'the three invoices on the pages read');
      assert.equal((await journal(h)).length, 3, 'three calls reached Xero');
      assert.deepEqual(pages(await journal(h)), ['1', '2', '3']);
      const second = await runNow(h);
      assert.deepEqual([second.outcome, second.calls], ['partial', 0]);
      assert.equal((await journal(h)).length, 3, 'no further call');
      const { budget } = await report(h);
      assert.deepEqual([budget.perDay, budget.used, budget.left], [3, 3, 0]);
    });

    test('the next day the read goes on from the page where it stopped, and completes', async () => {
      // A day later: the runs so far no longer count against the budget.
      await h.rt.store.db
        .updateTable('reconciliation_runs')
        .set({ started_at: new Date(Date.now() - 25 * 3_600_000).toISOString() })
        .execute();
      await control(h, 'DELETE', '/requests');
      const run = await runNow(h);
      assert.equal(run.outcome, 'complete', run.message ?? '');
      assert.equal(run.calls, 3, 'pages 4 and 5 and the trial balance');
      assert.equal(run.checked, 2);
      assert.deepEqual(pages(await journal(h)), ['4', '5']);
      const { budget } = await report(h);
      assert.equal(budget.used, 3);
    });
  });

  describe(`reading only what changed (${kind})`, () => {
    let h: Harness;
    let ids: number[] = [];
    before(async () => {
      // No overlap: the invoices exported just before the first run are not read again.
      h = await startHarness(kind, { sandbox: { limits: { enabled: false } }, runtime: { noClientLimits: true, reconcile: { pageSize: 1, overlapMs: 0 } } });
      ids = await exportInvoices(h, 4);
    });
    after(async () => h.close());

    test('the first run pages through the whole list; the next reads the one changed invoice', async () => {
      const first = await runNow(h);
      assert.equal(first.outcome, 'complete', first.message ?? '');
      const calls = await journal(h);
      assert.equal(calls.filter((c) => /\/Invoices$/i.test(c.path)).length, 4, 'four pages of one invoice');
      assert.equal(calls.filter((c) => /TrialBalance/i.test(c.path)).length, 1);
      assert.equal(first.calls, calls.length);
      await control(h, 'DELETE', '/requests');
      await inXero(h, ids[2] ?? 0, 'void');
      const second = await runNow(h);
      assert.deepEqual(
        second.newDifferences.map((d) => `${d.sourceId}:${d.issue}`),
        ['SO-B3:voided_in_xero'],
      );
      assert.equal(second.checked, 1, 'only the changed invoice came back');
      assert.equal((await journal(h)).filter((c) => /\/Invoices$/i.test(c.path)).length, 1);
    });
  });
}
