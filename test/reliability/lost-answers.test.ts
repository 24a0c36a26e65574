/**
 * Answers lost after the write (`phase: "after"`): Xero saved the documents but xport saw a 500, a
 * 503, a dropped connection or a timeout. (A 429 never comes after a write: Xero refuses before it
 * processes anything, and the sandbox's 429 faults always fire before.) Bills, supplier credits and journals can be created
 * twice in Xero (only sales invoice numbers are unique), so each must be looked up before it is sent
 * again. Each case ends with the document in Xero exactly once and exported with that id.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';

const LOST = ['error500', 'unavailable503', 'drop', 'hang'] as const;
const line = { description: 'Cartons', quantity: 2, unitPrice: '10.00', taxCode: 'G.S.T.', account: 'purchases' };

async function settle(h: Harness, ms = 40_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await h.drain();
    const c = await h.rt.store.exports.countByStatus(h.tenantId);
    if (c.queued + c.exporting + c.waiting === 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  const open = await h.rt.store.db
    .selectFrom('exports')
    .select(['source_id', 'status', 'attempts', 'next_attempt_at', 'wait_reason', 'needs_reconcile'])
    .where('status', 'in', ['queued', 'waiting', 'exporting'])
    .execute();
  throw new Error(`not settled at ${new Date().toISOString()}: ${JSON.stringify(await h.rt.store.exports.countByStatus(h.tenantId))} ${JSON.stringify(open)}`);
}

for (const kind of databaseKinds()) {
  describe(`answers lost after the write are looked up, never re-created (${kind})`, () => {
    let h: Harness;
    before(async () => {
      // The sandbox's minute limit is off: this test's own reads would otherwise spend the organisation's
      // 60 calls a minute that the engine's gate does not see (limits have their own tests).
      h = await startHarness(kind, { sandbox: { limits: { enabled: false } }, env: { XPORT_XERO_TIMEOUT_MS: '1000', XPORT_LEASE_MS: '3000' } });
      await h.api('POST', '/api/v1/documents', { kind: 'supplier', sourceId: 'SUP-1', name: 'Kauri Timber Co' });
      await settle(h);
    });
    after(async () => h.close());

    for (const fault of LOST) {
      test(`${fault} after the write: one bill, one supplier credit, one journal, one contact`, { timeout: 60_000 }, async () => {
        const rules = ['/Invoices', '/CreditNotes', '/ManualJournals', '/Contacts'].map((path) => ({ kind: fault, phase: 'after', count: 1, retryAfter: 1, match: { method: 'POST', path } }));
        await fetch(`${h.sandbox.url}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ faults: rules }) });
        const id = fault.toUpperCase();
        const res = await h.api('POST', '/api/v1/documents', {
          documents: [
            { kind: 'supplier', sourceId: `SUP-${id}`, name: `Supplier ${id}` },
            { kind: 'purchase_bill', sourceId: `BILL-${id}`, date: '2026-11-20', contact: 'SUP-1', lines: [line] },
            { kind: 'supplier_credit', sourceId: `SCN-${id}`, date: '2026-11-20', contact: 'SUP-1', lines: [line] },
            {
              kind: 'journal',
              sourceId: `JN-${id}`,
              journalType: 'stock_adjustment_in',
              date: '2026-11-20',
              lines: [
                { account: 'stock_on_hand', amount: '5.00' },
                { account: 'cogs', amount: '-5.00' },
              ],
            },
          ],
        });
        assert.equal(res.status, 202);
        await settle(h);
        const fired = ((await (await fetch(`${h.sandbox.url}/_sandbox/requests?method=POST`)).json()) as { requests: Array<{ fault: string | null }> }).requests.filter(
          (r) => r.fault === fault,
        ).length;
        assert.equal(fired, 4, 'each write lost its answer once');
        await fetch(`${h.sandbox.url}/_sandbox/faults`, { method: 'DELETE' });

        const bills = (await h.xeroGet(`/Invoices?InvoiceNumbers=BILL-${id}`)).Invoices as Array<{ InvoiceID: string }>;
        const credits = (await h.xeroGet(`/CreditNotes?where=${encodeURIComponent(`CreditNoteNumber=="SCN-${id}"`)}`)).CreditNotes as Array<{ CreditNoteID: string }>;
        const journals = ((await h.xeroGet('/ManualJournals')).ManualJournals as Array<{ Narration: string; ManualJournalID: string }>).filter((j) => j.Narration.endsWith(`[JN-${id}]`));
        const contacts = (await h.xeroGet(`/Contacts?where=${encodeURIComponent(`ContactNumber=="SUP-${id}"`)}`)).Contacts as Array<{ ContactID: string }>;
        assert.deepEqual([bills.length, credits.length, journals.length, contacts.length], [1, 1, 1, 1], 'each document is in Xero once');
        const rows = await h.rt.store.db.selectFrom('exports').select(['source_id', 'status', 'xero_id']).where('source_id', 'like', `%-${id}`).orderBy('source_id').execute();
        assert.deepEqual(rows.map((r) => [r.source_id, r.status]).sort(), [
          [`BILL-${id}`, 'exported'],
          [`JN-${id}`, 'exported'],
          [`SCN-${id}`, 'exported'],
          [`SUP-${id}`, 'exported'],
        ]);
        const ids = new Set([bills[0]?.InvoiceID, credits[0]?.CreditNoteID, journals[0]?.ManualJournalID, contacts[0]?.ContactID]);
        for (const r of rows) assert.ok(ids.has(r.xero_id ?? ''), `${r.source_id} is recorded with the id Xero has`);
      });
    }
  });
}
