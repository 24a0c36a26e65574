/**
 * What Xero refuses or ignores, end to end against the sandbox: discounts on credit notes (the total
 * Xero holds is the one xport shows), a document over the 3.5 MB request limit (failed at once, with
 * its size), a 413 for a batch (split, nothing lost or doubled), a 429 (sent again without a look-up),
 * a read-only Website (not sent, not stored).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';
import { assertActionable, assertExported, control, customer, exportOf, invoiceLine, post, salesInvoice, xeroList } from './helpers';

async function requests(h: Harness, method: string): Promise<Array<{ seq: number; path: string; status: number | null; fault: string | null; elements: number | null }>> {
  return ((await control(h, 'GET', `/requests?method=${method}`)) as { requests: Array<{ seq: number; path: string; status: number | null; fault: string | null; elements: number | null }> }).requests;
}

/** Drains until nothing is due, bringing retries forward (their backoff is the retry policy's own test). */
async function settle(h: Harness): Promise<void> {
  for (let i = 0; i < 40; i += 1) {
    await h.drain();
    await h.rt.store.db
      .updateTable('exports')
      .set({ next_attempt_at: new Date(0).toISOString() })
      .where('status', '=', 'queued')
      .execute();
    await h.rt.store.db.updateTable('tenants').set({ paused_until: null }).execute();
    const c = await h.rt.store.exports.countByStatus(h.tenantId);
    if (c.queued + c.exporting === 0) return;
  }
  throw new Error('not settled');
}

const bigLines = (n: number, chars: number) => Array.from({ length: n }, (_, i) => invoiceLine({ description: `${i} ${'x'.repeat(chars)}`, quantity: 1, unitPrice: '1.00' }));

for (const kind of databaseKinds()) {
  describe(`payloads Xero refuses or ignores (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(kind, { sandbox: { limits: { enabled: false } }, runtime: { workerOptions: { maxBatchBytes: 50_000_000 } } });
      await post(h, customer('CUST-1', 'Totals Customer', { website: 'https://example.test/shop' }));
      await settle(h);
    });
    after(async () => h.close());

    test('a read-only Website is neither sent nor stored', async () => {
      const [c] = await xeroList(h, `/Contacts?where=${encodeURIComponent('ContactNumber=="CUST-1"')}`);
      assert.ok(c);
      assert.equal(c.Website, undefined);
    });

    test('credit notes with discounts: Xero holds the total xport computed', async () => {
      const lines = [invoiceLine({ quantity: 3, unitPrice: '9.99', discountRate: 15 }), invoiceLine({ quantity: '2.5', unitPrice: '4.3333', discountRate: '12.5' })];
      const ids = await post(h, salesInvoice('SC-DISC-1', 'CUST-1', { kind: 'sales_credit', lines }), salesInvoice('SI-DISC-1', 'CUST-1', { lines }));
      await settle(h);
      const [credit, invoice] = await Promise.all(ids.map((id) => exportOf(h, id)));
      for (const e of [credit, invoice]) assertExported(e as never);
      const held = await xeroList(h, `/CreditNotes?where=${encodeURIComponent('CreditNoteNumber=="SC-DISC-1"')}`);
      const total = (credit as unknown as { total: string }).total;
      assert.equal(Number(held[0]?.Total).toFixed(2), total, 'the credit note in Xero has the total xport shows');
      assert.equal((invoice as unknown as { total: string }).total, total, 'the same lines as an invoice (with DiscountRate) give the same total');
    });

    test('a document over 3.5 MB fails at once with its size and what to do, and is never sent', async () => {
      const before = (await requests(h, 'POST')).length;
      const [id] = await post(h, salesInvoice('SI-HUGE', 'CUST-1', { lines: bigLines(1000, 3600) }));
      await settle(h);
      const e = await exportOf(h, id ?? 0);
      assertActionable(e, { code: 'document_too_large', errorClass: 'validation', error: /request of \d{7,} bytes, over Xero's limit of 3500000 bytes/, action: /Split the document/ });
      assert.equal((await requests(h, 'POST')).length, before, 'nothing was sent');
    });

    test('a 413 for a batch splits it: every document in Xero once', async () => {
      const docs = Array.from({ length: 5 }, (_, i) => salesInvoice(`SI-BIG-${i}`, 'CUST-1', { lines: bigLines(300, 3000) }));
      const ids = await post(h, ...docs);
      const since = Math.max(0, ...(await requests(h, 'POST')).map((r) => r.seq));
      await settle(h);
      for (const id of ids) assertExported(await exportOf(h, id));
      const posts = (await requests(h, 'POST')).filter((r) => r.seq > since && r.path.endsWith('/Invoices'));
      assert.equal(posts[0]?.status, 413, `the whole batch was too large: ${JSON.stringify(posts)}`);
      assert.deepEqual(
        posts.slice(1).map((p) => [p.status, p.elements]),
        [
          [200, 3],
          [200, 2],
        ],
        'sent again in halves',
      );
      for (let i = 0; i < 5; i += 1) assert.equal((await xeroList(h, `/Invoices?InvoiceNumbers=SI-BIG-${i}`)).length, 1);
    });

    test('a 413 for a single document fails it at once, without retries', async () => {
      await control(h, 'POST', '/faults', { kind: 'tooLarge413', count: 1, match: { method: 'POST', path: '/Invoices' } });
      const [id] = await post(h, salesInvoice('SI-413', 'CUST-1'));
      await settle(h);
      const e = await exportOf(h, id ?? 0);
      assertActionable(e, { code: 'document_too_large', errorClass: 'validation', error: /over Xero's limit/, action: /Split the document/ });
      assert.equal(e.attempts, 1);
    });

    test('after a 429 the document is sent again without a look-up', async () => {
      await control(h, 'POST', '/faults', { kind: 'rate429', count: 1, retryAfter: 1, match: { method: 'POST', path: '/Invoices' } });
      const since = Math.max(0, ...(await requests(h, 'GET')).map((r) => r.seq), ...(await requests(h, 'POST')).map((r) => r.seq));
      const [id] = await post(h, salesInvoice('SI-429', 'CUST-1'));
      await settle(h);
      assertExported(await exportOf(h, id ?? 0));
      const lookups = (await requests(h, 'GET')).filter((r) => r.seq > since && r.path.endsWith('/Invoices'));
      assert.deepEqual(lookups, [], 'no look-up between the 429 and the resend');
      assert.equal((await xeroList(h, '/Invoices?InvoiceNumbers=SI-429')).length, 1);
    });
  });
}
