/**
 * A write that Xero processes after xport gave up waiting for it: the call timed out on our side,
 * but the request was already on its way and lands later. A look-up made before it lands finds
 * nothing, and sending again would put the document in Xero twice (bill and credit-note numbers
 * are not unique in Xero). The long chaos run on PostgreSQL found six bills twice this way.
 * xport looks an unanswered call's documents up only once the call can no longer land (its start
 * plus the lease span, the same bound that makes a run-out lease safe to take over).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';
import { settle } from '../property/engine-world';
import type { JournalEntry } from '../../src/sandbox/index';
import { assertExported, control, exportOf, post, purchaseBill, supplier, xeroList } from './helpers';

const TIMEOUT_MS = 1000;
const LEASE_MS = 3000;

/** Every queued export due now, as a retry whose backoff happened to be short would be. */
async function dueNow(h: Harness): Promise<void> {
  await h.rt.store.db
    .updateTable('exports')
    .set({ next_attempt_at: new Date(0).toISOString() })
    .where('status', '=', 'queued')
    .execute();
}

/** Waits until the sandbox has processed (and answered into the void) the write it held. */
async function lateWriteLanded(h: Harness): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    const { requests } = (await control(h, 'GET', `/requests?method=POST&tenantId=${h.tenantId}`)) as { requests: JournalEntry[] };
    if (requests.some((r) => r.fault === 'latency' && r.status !== null)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the held write never landed');
}

for (const kind of databaseKinds()) {
  describe(`writes that land after the client gave up (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(kind, {
        sandbox: { limits: { enabled: false } },
        runtime: { noClientLimits: true },
        env: { XPORT_XERO_TIMEOUT_MS: String(TIMEOUT_MS), XPORT_LEASE_MS: String(LEASE_MS) },
      });
      await post(h, supplier('SUP-LATE', 'Late Supplier'));
      await settle(h);
    });
    after(async () => h.close());

    test('a bill whose call timed out is not looked up (nor sent again) before the call can have landed', async () => {
      // The sandbox holds the write for longer than xport waits, then processes it.
      await control(h, 'POST', '/faults', { faults: [{ kind: 'latency', latencyMs: TIMEOUT_MS + 700, phase: 'before', count: 1, match: { method: 'POST', path: '/Invoices' } }] });
      const [id = 0] = await post(h, purchaseBill('PB-LATE,1', 'SUP-LATE'), purchaseBill('PB-LATE-2', 'SUP-LATE'));
      const started = Date.now();
      await h.drain(); // times out; the write is still sleeping in the sandbox
      assert.ok(Date.now() - started < TIMEOUT_MS + 600, 'the first round gave up before the write landed');
      await dueNow(h);
      await h.drain(); // a round right away: it must not look up yet, nor send
      const early = await exportOf(h, id);
      await lateWriteLanded(h);
      await settle(h);
      for (const n of ['PB-LATE,1', 'PB-LATE-2']) {
        const bills = (await xeroList(h, '/Invoices?where=Type%3D%3D%22ACCPAY%22')).filter((b) => b.InvoiceNumber === n);
        assert.equal(bills.length, 1, `${n} is in Xero once`);
      }
      assert.notEqual(early.status, 'exported', 'not recorded before the call could land');
      assertExported(await exportOf(h, id));
      const writes = await h.rt.store.db.selectFrom('export_attempts').select(['batch_id', 'outcome']).where('export_id', '=', id).execute();
      assert.equal(writes.length, 1, 'one attempt: the late write, found by the look-up, never a second send');
      assert.equal(writes[0]?.outcome, 'ok', 'the attempt found in Xero is recorded as the one that reached it');
    });
  });
}
