/**
 * Credit notes and manual journals read back from Xero: a refund of a credit note is reported as
 * document.paid (a credit note has no AmountPaid in Xero: what is used of it is its total less
 * RemainingCredit), a journal voided by another app as voided_in_xero, and the Stock on Hand and
 * Cost of Goods Sold balances follow the journal.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startHarness, type Harness } from '../helpers/harness';
import { assertExported, customer, exportOf, invoiceLine, isoDay, post, salesInvoice, xeroSend } from '../engine-e2e/helpers';
import { inXero, outbox, report, runNow, sorted } from './helpers';

describe('credit notes and journals in reconciliation', () => {
  let h: Harness;
  let credit = 0;
  let journal = 0;
  before(async () => {
    h = await startHarness('sqlite', { sandbox: { limits: { enabled: false } }, runtime: { noClientLimits: true } });
    await post(h, customer('CUST-K', 'Kinds Customer'));
    await h.drain();
    [credit = 0, journal = 0] = await post(
      h,
      { kind: 'sales_credit', sourceId: 'SC-K1', date: isoDay(0), contact: 'CUST-K', currency: 'NZD', lines: [invoiceLine()] },
      {
        kind: 'journal',
        sourceId: 'J-K1',
        journalType: 'stock_adjustment_in',
        date: isoDay(0),
        narration: 'Stock take',
        lines: [
          { account: 'stock_on_hand', amount: '120.00' },
          { account: 'cogs', amount: '-120.00' },
        ],
      },
    );
    await h.drain();
    assert.equal((await runNow(h)).newDifferences.length, 0);
  });
  after(async () => h.close());

  test('a refund of a credit note is document.paid with what is left of it', async () => {
    await inXero(h, credit, 'pay', { Amount: 10 });
    const run = await runNow(h);
    assert.deepEqual(run.newDifferences, []);
    const [paid] = await outbox(h, 'document.paid');
    assert.deepEqual([paid?.data.sourceId, paid?.data.amountPaid, paid?.data.amountDue, paid?.data.xeroStatus], ['SC-K1', '10.00', '35.89', 'AUTHORISED']);
    const doc = (await h.api('GET', '/api/v1/documents/sales_credit/SC-K1')).json as Record<string, unknown>;
    assert.deepEqual([doc.amountPaid, doc.amountDue], ['10.00', '35.89']);
  });

  test('a journal voided in Xero by another app is voided_in_xero; the stock balance shows it', async () => {
    const xeroId = (await exportOf(h, journal)).xeroId ?? '';
    await xeroSend(h, 'POST', `/ManualJournals/${xeroId}`, { ManualJournals: [{ ManualJournalID: xeroId, Status: 'VOIDED' }] });
    const run = await runNow(h);
    assert.deepEqual(sorted(run.newDifferences), ['J-K1:voided_in_xero']);
    const { documents, balances } = await report(h);
    assert.deepEqual(sorted(documents), ['J-K1:voided_in_xero']);
    const stock = balances.find((b) => b.role === 'stock_on_hand' && b.runId === run.runId);
    assert.deepEqual([stock?.xeroValue, stock?.xportValue, stock?.variance], ['0.00', '120.00', '-120.00']);
    assert.deepEqual(stock?.explainedBy, [{ kind: 'journal', sourceId: 'J-K1', issue: 'voided_in_xero' }]);
  });

  test('a later revision exported over a document edited in Xero replaces it: the old difference is no longer listed, the new one compared afresh', async () => {
    const [first = 0] = await post(h, salesInvoice('SO-K9', 'CUST-K'));
    await h.drain();
    await runNow(h);
    await inXero(h, first, 'edit', { Lines: [{ index: 0, LineAmount: 50 }] });
    assert.deepEqual(sorted((await runNow(h)).newDifferences), ['SO-K9:total_differs']);
    const [second = 0] = await post(h, salesInvoice('SO-K9', 'CUST-K', { lines: [invoiceLine({ quantity: 3 })] }));
    await h.drain();
    assertExported(await exportOf(h, second));
    assert.equal((await exportOf(h, second)).xeroId, (await exportOf(h, first)).xeroId, 'the same Xero invoice, updated');
    assert.deepEqual(sorted((await report(h)).documents), ['J-K1:voided_in_xero'], 'revision 1 is superseded');
    assert.deepEqual((await runNow(h)).newDifferences, [], 'revision 2 is what Xero holds');
    const doc = (await h.api('GET', '/api/v1/documents/sales_invoice/SO-K9')).json as Record<string, unknown>;
    assert.deepEqual([doc.revision, doc.xeroTotal, doc.differences], [2, '68.83', []]);
  });
});
