/**
 * A real `xport worker` process SIGKILLed right after a contact's export is recorded, while invoices
 * wait for that contact: with the contact's export, its link and the release of its documents in one
 * transaction, the kill finds no invoice still waiting for it, and a restarted worker exports every
 * invoice exactly once. Writes are slowed in the sandbox so the kill lands while the worker is busy.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';
import { sleep, spawnWorker, waitUntil } from '../helpers/processes';
import { control, countInvoices, customer, exportOf, post, salesInvoice } from '../engine-e2e/helpers';

const INVOICES = 6;

for (const kind of databaseKinds()) {
  describe(`SIGKILL right after a contact is exported (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(kind, { sandbox: { limits: { enabled: false } } });
    });
    after(async () => h.close());

    test('no invoice is left waiting for it, and each reaches Xero exactly once', { timeout: 90_000 }, async () => {
      const numbers = Array.from({ length: INVOICES }, (_, i) => `SI-K${i + 1}`);
      const invoices = await post(h, ...numbers.map((n) => salesInvoice(n, 'CUST-K')));
      await h.drain();
      for (const id of invoices) assert.equal((await exportOf(h, id)).status, 'waiting');
      const env = {
        XPORT_DATABASE_URL: h.db.url,
        XERO_CLIENT_ID: h.sandbox.clientId,
        XERO_CLIENT_SECRET: h.sandbox.clientSecret,
        XERO_API_URL: h.sandbox.url,
        XERO_IDENTITY_URL: h.sandbox.url,
        XERO_LOGIN_URL: h.sandbox.url,
        XPORT_LEASE_MS: '3000',
        XPORT_XERO_TIMEOUT_MS: '2000',
        XPORT_POLL_MS: '100',
        XPORT_LOG_LEVEL: 'error',
      };
      // Every write answered after 600 ms: the contact's answer is awaited, then the invoices' call is in flight.
      await control(h, 'POST', '/faults', { faults: [{ kind: 'latency', rate: 1, latencyMs: 600, phase: 'before', match: { method: 'POST' } }] });
      const [contact = 0] = await post(h, customer('CUST-K', 'Killed Customer'));
      const first = spawnWorker(env);
      const seen = await waitUntil(async () => (await h.rt.store.exports.get(h.tenantId, contact))?.status === 'exported', 30_000, 5);
      await first.kill('SIGKILL');
      assert.ok(seen, `the contact was exported: ${first.output()}`);
      const atKill = await Promise.all(invoices.map((id) => h.rt.store.exports.get(h.tenantId, id)));
      assert.deepEqual(
        atKill.filter((e) => e?.status === 'waiting').map((e) => e?.sourceId),
        [],
        'nothing waits for an exported contact',
      );
      assert.equal((await h.rt.store.contacts.get(h.tenantId, 'customer', 'CUST-K'))?.linkedBy, 'export');

      await control(h, 'DELETE', '/faults');
      const second = spawnWorker(env);
      try {
        const done = await waitUntil(async () => (await Promise.all(invoices.map((id) => exportOf(h, id)))).every((e) => e.status === 'exported'), 45_000);
        assert.ok(done, `every invoice exported after the restart: ${second.output()}`);
      } finally {
        await second.kill('SIGKILL');
      }
      await sleep(50);
      for (const n of numbers) assert.equal(await countInvoices(h, n), 1, `${n} is in Xero exactly once`);
    });
  });
}
