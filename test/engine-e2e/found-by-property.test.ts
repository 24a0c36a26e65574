/**
 * Counterexamples the whole-engine property test (test/property/engine.property.test.ts) found,
 * shrunk and kept as regular tests.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';
import { armFault, settle } from '../property/engine-world';
import { assertExported, control, customer, exportOf, invoiceLine, patchSettings, post, purchaseBill, refreshReference, salesInvoice, setLockDates, supplier, xeroList } from './helpers';

const journal = (revision: number, narration: string | undefined, amount: string) => ({
  kind: 'journal',
  sourceId: 'JN-REV',
  revision,
  journalType: 'stock_adjustment_in',
  date: '2026-11-10',
  narration,
  lines: [
    { account: 'stock_on_hand', amount },
    { account: 'cogs', amount: `-${amount}` },
  ],
});

async function journalsOf(h: Harness, sourceId: string): Promise<Array<Record<string, unknown>>> {
  return (await xeroList(h, '/ManualJournals')).filter((j) => String(j.Narration).endsWith(`[${sourceId}]`));
}

for (const kind of databaseKinds()) {
  describe(`whole-engine counterexamples (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(kind, { sandbox: { limits: { enabled: false } }, runtime: { noClientLimits: true }, env: { XPORT_XERO_TIMEOUT_MS: '1000', XPORT_LEASE_MS: '3000' } });
      await post(h, supplier('SUP-P', 'Property Supplier'));
      await settle(h);
    });
    after(async () => h.close());

    test('a revision posted while the first one waits for its look-up updates it, never a second bill', async () => {
      await armFault(h, 'hang');
      await post(h, { ...purchaseBill('PB-REV', 'SUP-P'), revision: 1 });
      await h.drain();
      await control(h, 'DELETE', '/faults');
      const [id = 0] = await post(h, { ...purchaseBill('PB-REV', 'SUP-P', { lines: [invoiceLine({ account: 'purchases', quantity: 5 })] }), revision: 2 });
      await settle(h);
      assertExported(await exportOf(h, id));
      const bills = await xeroList(h, '/Invoices?InvoiceNumbers=PB-REV');
      assert.equal(bills.length, 1, 'one bill in Xero');
      assert.equal((bills[0]?.LineItems as Array<{ Quantity: number }>)[0]?.Quantity, 5, 'with the second revision');
    });

    test('a journal whose narration changed in a new revision is found under its old one: updated, not created again', async () => {
      await armFault(h, 'unavailable503');
      await post(h, journal(1, undefined, '10.00'));
      await h.drain();
      await control(h, 'DELETE', '/faults');
      const [id = 0] = await post(h, journal(2, 'Recount', '12.00'));
      await settle(h);
      assertExported(await exportOf(h, id));
      const held = await journalsOf(h, 'JN-REV');
      assert.deepEqual(
        held.map((j) => j.Narration),
        ['Recount [JN-REV]'],
        'one journal, with the new narration',
      );
    });

    test('an update refused after such a look-up still knows which Xero object is the document', async () => {
      await armFault(h, 'unavailable503');
      await post(h, { ...journal(1, 'First', '7.00'), sourceId: 'JN-LOCK' });
      await h.drain();
      await control(h, 'DELETE', '/faults');
      await setLockDates(h, { PeriodLockDate: '2026-11-15' });
      const [id = 0] = await post(h, { ...journal(2, 'Second', '8.00'), sourceId: 'JN-LOCK' });
      await settle(h);
      await setLockDates(h, { PeriodLockDate: null });
      const e = await exportOf(h, id);
      const [held] = await journalsOf(h, 'JN-LOCK');
      assert.ok(held, 'the first revision is in Xero');
      assert.equal(e.xeroId, held.ManualJournalID, `the export (${e.status}) records the Xero journal it updates`);
    });

    test('a revision without the reference clears it in Xero, instead of keeping the old one in silence', async () => {
      await post(h, customer('CUST-P', 'Property Customer'), { ...salesInvoice('SI-REF', 'CUST-P', { reference: 'PO 77' }), revision: 1 });
      await settle(h);
      const [id = 0] = await post(h, { ...salesInvoice('SI-REF', 'CUST-P', { lines: [invoiceLine({ quantity: 4 })] }), revision: 2 });
      await settle(h);
      assertExported(await exportOf(h, id));
      const [held] = await xeroList(h, '/Invoices?InvoiceNumbers=SI-REF');
      assert.equal(held?.Reference || undefined, undefined, 'no reference left in Xero');
      assert.equal((held?.LineItems as Array<{ Quantity: number }>)[0]?.Quantity, 4);
    });

    test('a document found by its look-up shows the date Xero holds, not one the policy moved it to since', async () => {
      await patchSettings(h, { lockDatePolicy: 'move_to_first_open_day' });
      await armFault(h, 'unavailable503');
      const [id = 0] = await post(h, { ...journal(1, 'Dated', '3.00'), sourceId: 'JN-DATE', date: '2026-11-24' });
      await h.drain();
      await control(h, 'DELETE', '/faults');
      await setLockDates(h, { PeriodLockDate: '2026-11-26' });
      await refreshReference(h);
      await settle(h);
      await setLockDates(h, { PeriodLockDate: null });
      await refreshReference(h);
      await patchSettings(h, { lockDatePolicy: 'fail' });
      const e = await exportOf(h, id);
      assertExported(e);
      const [held] = await journalsOf(h, 'JN-DATE');
      assert.match(String(held?.Date), /\/Date\(1795478400000/, 'Xero holds the journal dated 2026-11-24, as first sent');
      assert.equal((e as unknown as { xeroDate: string | null }).xeroDate, '2026-11-24', 'and xport says so');
    });
  });
}
