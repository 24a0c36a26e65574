/**
 * Every row of the seed's error table, from ingest to a failed export with its class, code and
 * Action Required, then the fix a bookkeeper makes and a retry that succeeds, over real HTTP to the
 * sandbox. Each fixed document ends up in Xero exactly once. The contact rows: seed-errors-contacts.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertExported } from './helpers';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';
import {
  assertActionable,
  control,
  countInvoices,
  customer,
  exportOf,
  invoiceLine,
  isoDay,
  logMessages,
  patchSettings,
  post,
  refreshReference,
  retry,
  salesInvoice,
  setLockDates,
  supplier,
  xeroList,
  xeroSend,
} from './helpers';

for (const kind of databaseKinds()) {
  describe(`seed errors: fail with a bookkeeper's action, then fix and retry (${kind})`, () => {
    let h: Harness;
    before(async () => {
      // Limits off: this file makes more than 60 calls a minute; the limits have tests of their own.
      h = await startHarness(kind, { sandbox: { limits: { enabled: false } }, runtime: { noClientLimits: true } });
      await post(h, customer('CUST-S01', 'Seed Row Customer'), supplier('SUP-S01', 'Seed Row Supplier'));
      await h.drain();
    });
    after(async () => h.close());

    test('period lock date: fails before sending; moving the lock in Xero and retrying exports it', async () => {
      const lock = isoDay(-30);
      await setLockDates(h, { PeriodLockDate: lock });
      await refreshReference(h);
      const [id] = await post(h, salesInvoice('SO-LOCK-1', 'CUST-S01', { date: isoDay(-40) }));
      await h.drain();
      const failed = await exportOf(h, id!);
      assertActionable(failed, { code: 'period_lock_date', errorClass: 'validation', error: new RegExp(`period lock date.*${lock}`), action: /lock date/i });
      assert.equal(failed.attemptsHistory.length, 0, 'pre-validation spends no API call');

      await setLockDates(h, { PeriodLockDate: null });
      await refreshReference(h);
      await retry(h, id!);
      await h.drain();
      assertExported(await exportOf(h, id!));
      assert.equal(await countInvoices(h, 'SO-LOCK-1'), 1);
    });

    test("end-of-year lock date known only to Xero (stale cache): Xero's message is classified, and a retry after unlocking works", async () => {
      const lock = isoDay(-20);
      await setLockDates(h, { EndOfYearLockDate: lock }); // not refreshed: xport's cache still has no lock
      const [id] = await post(h, salesInvoice('SO-LOCK-2', 'CUST-S01', { date: isoDay(-25) }));
      await h.drain();
      assertActionable(await exportOf(h, id!), { code: 'end_of_year_lock_date', errorClass: 'validation', error: /end of year lock date/i, action: /lock date/i });
      await setLockDates(h, { EndOfYearLockDate: null });
      await retry(h, id!);
      await h.drain();
      assertExported(await exportOf(h, id!));
      assert.equal(await countInvoices(h, 'SO-LOCK-2'), 1);
    });

    test('lock-date policy move_to_first_open_day: the failed invoice is re-dated to the first open day on retry', async () => {
      const lock = isoDay(-10);
      await setLockDates(h, { PeriodLockDate: lock });
      await refreshReference(h);
      const [id] = await post(h, salesInvoice('SO-LOCK-3', 'CUST-S01', { date: isoDay(-15) }));
      await h.drain();
      assert.equal((await exportOf(h, id!)).errorCode, 'period_lock_date');
      await patchSettings(h, { lockDatePolicy: 'move_to_first_open_day' });
      await retry(h, id!);
      await h.drain();
      assertExported(await exportOf(h, id!));
      const [inv] = await xeroList(h, '/Invoices?InvoiceNumbers=SO-LOCK-3');
      assert.equal(String(inv?.DateString).slice(0, 10), isoDay(-9));
      await patchSettings(h, { lockDatePolicy: 'fail' });
      await setLockDates(h, { PeriodLockDate: null });
      await refreshReference(h);
    });

    test('lock-date policy hold: the invoice waits, and exports by itself after the lock moves and reference data is refreshed', async () => {
      await patchSettings(h, { lockDatePolicy: 'hold' });
      await setLockDates(h, { PeriodLockDate: isoDay(-10) });
      await refreshReference(h);
      const [id] = await post(h, salesInvoice('SO-LOCK-4', 'CUST-S01', { date: isoDay(-12) }));
      await h.drain();
      const held = await exportOf(h, id!);
      assert.equal(held.status, 'waiting');
      assert.match(held.reason ?? '', /held: the document date .* period lock date .* exports by itself/);
      await h.drain();
      assert.equal((await exportOf(h, id!)).status, 'waiting', 'still held while the lock stands');
      await setLockDates(h, { PeriodLockDate: isoDay(-20) });
      await refreshReference(h);
      await h.drain();
      assertExported(await exportOf(h, id!));
      assert.equal(await countInvoices(h, 'SO-LOCK-4'), 1);
      await patchSettings(h, { lockDatePolicy: 'fail' });
      await setLockDates(h, { PeriodLockDate: null });
      await refreshReference(h);
    });

    test('account code not valid: a mapping to a code missing from the chart fails; re-mapping in settings fixes it', async () => {
      await patchSettings(h, { accounts: { freight: '999' } });
      const [id] = await post(
        h,
        salesInvoice('SO-ACC-1', 'CUST-S01', { lines: [invoiceLine(), invoiceLine({ productCode: 'FREIGHT', description: 'Freight', quantity: 1, unitPrice: '12.00', account: 'freight' })] }),
      );
      await h.drain();
      assertActionable(await exportOf(h, id!), { code: 'account_code_invalid', errorClass: 'validation', error: /999.*freight/i, action: /Settings/i });
      await patchSettings(h, { accounts: { freight: '260' } });
      await retry(h, id!);
      await h.drain();
      assertExported(await exportOf(h, id!));
      const [inv] = await xeroList(h, '/Invoices?InvoiceNumbers=SO-ACC-1');
      assert.deepEqual(
        (inv?.LineItems as Array<{ AccountCode: string }>).map((l) => l.AccountCode),
        ['200', '260'],
      );
    });

    test('account archived in Xero after it was cached: Xero refuses it; un-archiving in Xero and retrying exports it', async () => {
      const [acc] = await xeroList(h, '/Accounts?where=' + encodeURIComponent('Code=="260"'));
      await control(h, 'POST', `/organisations/${h.tenantId}/accounts/260/archive`);
      const [id] = await post(h, salesInvoice('SO-ACC-2', 'CUST-S01', { lines: [invoiceLine({ account: '260' })] }));
      await h.drain();
      assertActionable(await exportOf(h, id!), { code: 'account_code_archived', errorClass: 'validation', error: /260.*archived/i, action: /account/i });
      await xeroSend(h, 'POST', `/Accounts/${String(acc?.AccountID)}`, { AccountID: acc?.AccountID, Status: 'ACTIVE' });
      await retry(h, id!);
      await h.drain();
      assertExported(await exportOf(h, id!));
      assert.equal(await countInvoices(h, 'SO-ACC-2'), 1);
    });

    test('account archived and known from the cache: fails before sending; re-mapping the role fixes it', async () => {
      await patchSettings(h, { accounts: { sales: '201' } });
      const [id] = await post(h, salesInvoice('SO-ACC-3', 'CUST-S01'));
      await h.drain();
      const failed = await exportOf(h, id!);
      assertActionable(failed, { code: 'account_code_archived', errorClass: 'validation', error: /201/, action: /account/i });
      assert.equal(failed.attemptsHistory.length, 0);
      await patchSettings(h, { accounts: { sales: '200' } });
      await retry(h, id!);
      await h.drain();
      assertExported(await exportOf(h, id!));
    });

    test('values under 0.005: drop_zero_lines drops the line and logs it; the fail policy fails with the reason', async () => {
      const journal = (sourceId: string) => ({
        kind: 'journal',
        sourceId,
        journalType: 'recost',
        date: isoDay(0),
        narration: 'Recost',
        lines: [
          { account: 'stock_on_hand', amount: '100.00' },
          { account: 'cogs', amount: '-100.00' },
          { account: 'stock_on_hand', amount: '0.004' },
          { account: 'cogs', amount: '-0.004' },
        ],
      });
      const [dropped] = await post(h, journal('RC-0001'));
      await h.drain();
      assertExported(await exportOf(h, dropped!));
      const [mj] = await xeroList(h, '/ManualJournals?where=' + encodeURIComponent('Narration.Contains("RC-0001")'));
      assert.equal((mj?.JournalLines as unknown[]).length, 2);
      assert.ok(
        (await logMessages(h, 'RC-0001')).some((m) => /dropped/i.test(m) && /0\.004/.test(m)),
        'the dropped line is in the connection log',
      );

      await patchSettings(h, { roundingPolicy: 'fail' });
      const [failedId] = await post(h, journal('RC-0002'));
      await h.drain();
      assertActionable(await exportOf(h, failedId!), { code: 'zero_value_line', errorClass: 'validation', error: /0\.004.*0\.005|less than 0\.005/i, action: /.+/ });
      await patchSettings(h, { roundingPolicy: 'drop_zero_lines' });
      await retry(h, failedId!);
      await h.drain();
      assert.equal((await exportOf(h, failedId!)).status, 'exported');
    });

    test('tax code not mapped: fails before sending; a tax mapping fixes it', async () => {
      const [id] = await post(h, salesInvoice('SO-TAX-1', 'CUST-S01', { lines: [invoiceLine({ taxCode: 'VAT20' })] }));
      await h.drain();
      assertActionable(await exportOf(h, id!), { code: 'tax_code_unmapped', errorClass: 'validation', error: /VAT20/, action: /tax/i });
      await patchSettings(h, { taxMappings: { sales: { 'G.S.T.': 'OUTPUT2', NONE: 'NONE', ZERO: 'ZERORATED', VAT20: 'OUTPUT2' } } });
      await retry(h, id!);
      await h.drain();
      assertExported(await exportOf(h, id!));
    });
  });
}
