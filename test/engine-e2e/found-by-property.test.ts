/**
 * Counterexamples the whole-engine property test (test/property/engine.property.test.ts) found,
 * shrunk and kept as regular tests.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';
import { armFault, settle } from '../property/engine-world';
import { assertExported, control, exportOf, invoiceLine, post, purchaseBill, supplier, xeroList } from './helpers';

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
  });
}
