/**
 * Lock dates, over HTTP against the sandbox: a date the "move" policy changed is shown beside the
 * source date (API and document page) and said in the Connection Log; a lock date set in Xero after
 * xport read the lock dates makes Xero refuse the document, and xport then reads them again and
 * applies its policy (move: re-dated and sent; hold: waits; fail: fails with Xero's message).
 * The document page's side of it is in test/ui/document-dates.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';
import {
  assertActionable,
  assertExported,
  countInvoices,
  customer,
  exportOf,
  logMessages,
  patchSettings,
  post,
  refreshReference,
  salesInvoice,
  setLockDates,
  xeroList,
  type ExportView,
} from './helpers';

type Policy = 'fail' | 'move_to_first_open_day' | 'hold';
type Moved = ExportView & { date: string | null; xeroDate: string | null; dateMoved: boolean };

async function invoiceDate(h: Harness, number: string): Promise<string> {
  const [inv] = await xeroList(h, `/Invoices?InvoiceNumbers=${encodeURIComponent(number)}`);
  return String(inv?.DateString).slice(0, 10);
}

for (const kind of databaseKinds()) {
  describe(`lock dates (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(kind, { sandbox: { limits: { enabled: false } }, runtime: { noClientLimits: true } });
      await post(h, customer('CUST-LD', 'Lock Date Customer'));
      await h.drain();
    });
    after(async () => h.close());

    /** Sets the policy and the lock dates in Xero, reads them into xport's cache or not, and undoes it all after `body`. */
    async function withLocks(policy: Policy, locks: { PeriodLockDate?: string; EndOfYearLockDate?: string }, cached: boolean, body: () => Promise<void>): Promise<void> {
      await patchSettings(h, { lockDatePolicy: policy });
      await refreshReference(h);
      await setLockDates(h, locks);
      if (cached) await refreshReference(h);
      try {
        await body();
      } finally {
        await patchSettings(h, { lockDatePolicy: 'fail' });
        await setLockDates(h, { PeriodLockDate: null, EndOfYearLockDate: null });
        await refreshReference(h);
      }
    }

    test('move: the date sent to Xero is shown beside the source date and said in the log', async () => {
      await withLocks('move_to_first_open_day', { PeriodLockDate: '2025-12-31' }, true, async () => {
        const [id] = await post(h, salesInvoice('SO-LD-1', 'CUST-LD', { date: '2025-06-01' }));
        await h.drain();
        const e = (await exportOf(h, id!)) as Moved;
        assertExported(e);
        assert.deepEqual([e.date, e.xeroDate, e.dateMoved], ['2025-06-01', '2026-01-01', true]);
        assert.equal(await invoiceDate(h, 'SO-LD-1'), '2026-01-01');
        assert.ok((await logMessages(h, 'SO-LD-1')).includes('SO-LD-1: dated 2026-01-01 in Xero instead of 2025-06-01: the period lock date is 2025-12-31'));
      });
      // Not moved: the date in Xero is the source date, and nothing says otherwise.
      const [id] = await post(h, salesInvoice('SO-LD-1B', 'CUST-LD', { date: '2025-06-01' }));
      await h.drain();
      const plain = (await exportOf(h, id!)) as Moved;
      assert.deepEqual([plain.date, plain.xeroDate, plain.dateMoved], ['2025-06-01', '2025-06-01', false]);
    });

    test('move: the end-of-year lock date is named when it is the one that moved the date', async () => {
      await withLocks('move_to_first_open_day', { PeriodLockDate: '2025-09-30', EndOfYearLockDate: '2025-12-31' }, true, async () => {
        const [id] = await post(h, salesInvoice('SO-LD-2', 'CUST-LD', { date: '2025-03-15' }));
        await h.drain();
        assertExported(await exportOf(h, id!));
        assert.ok((await logMessages(h, 'SO-LD-2')).includes('SO-LD-2: dated 2026-01-01 in Xero instead of 2025-03-15: the end-of-year lock date is 2025-12-31'));
      });
    });

    test("move, lock date set in Xero after xport read it: Xero's refusal re-reads the lock dates and the invoice is re-dated and sent once", async () => {
      await withLocks('move_to_first_open_day', { PeriodLockDate: '2025-12-31' }, false, async () => {
        const [id] = await post(h, salesInvoice('SO-LD-3', 'CUST-LD', { date: '2025-06-01' }));
        await h.drain();
        const e = (await exportOf(h, id!)) as Moved;
        assertExported(e);
        assert.equal(e.xeroDate, '2026-01-01');
        assert.match(e.attemptsHistory[0]?.error ?? '', /period lock date/, 'the first attempt was refused by Xero');
        assert.equal(await countInvoices(h, 'SO-LD-3'), 1);
        assert.equal(await invoiceDate(h, 'SO-LD-3'), '2026-01-01');
        const log = await logMessages(h, 'lock dates were read again');
        assert.ok(
          log.some((m) => m.includes('period lock date 2025-12-31')),
          log.join('\n'),
        );
        assert.ok((await logMessages(h, 'SO-LD-3')).includes('SO-LD-3: dated 2026-01-01 in Xero instead of 2025-06-01: the period lock date is 2025-12-31'));
      });
    });

    test('hold, lock date set in Xero after xport read it: the invoice waits, and exports once the lock moves', async () => {
      await withLocks('hold', { EndOfYearLockDate: '2025-12-31' }, false, async () => {
        const [id] = await post(h, salesInvoice('SO-LD-4', 'CUST-LD', { date: '2025-06-01' }));
        await h.drain();
        const held = await exportOf(h, id!);
        assert.equal(held.status, 'waiting', `${held.status} ${held.error ?? ''}`);
        assert.match(held.reason ?? '', /held: the document date 2025-06-01 is on or before the end of year lock date 2025-12-31/);
        assert.equal(await countInvoices(h, 'SO-LD-4'), 0);
        await setLockDates(h, { EndOfYearLockDate: '2025-05-31' });
        await refreshReference(h);
        await h.drain();
        assertExported(await exportOf(h, id!));
        assert.equal(await invoiceDate(h, 'SO-LD-4'), '2025-06-01');
      });
    });

    test("fail, lock date set in Xero after xport read it: the invoice fails with Xero's lock-date message", async () => {
      await withLocks('fail', { PeriodLockDate: '2025-12-31' }, false, async () => {
        const [id] = await post(h, salesInvoice('SO-LD-5', 'CUST-LD', { date: '2025-06-01' }));
        await h.drain();
        assertActionable(await exportOf(h, id!), { code: 'period_lock_date', errorClass: 'validation', error: /period lock date/, action: /lock date/i });
        assert.equal(await countInvoices(h, 'SO-LD-5'), 0);
      });
    });
  });
}
