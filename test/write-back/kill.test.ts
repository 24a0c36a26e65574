/**
 * A dispatcher process killed (SIGKILL) in the middle of deliveries loses nothing: after a restart
 * every event reaches the receiver, each document's events in order, and a receiver that dedupes by
 * webhook-id sees each once.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';
import { sleep, spawnWorker, waitUntil } from '../helpers/processes';
import { startReceiver, type Receiver } from './receiver';

const SECRET_KEY = crypto.randomBytes(32).toString('hex');
const customer = { kind: 'customer', sourceId: 'CUST-KILL', name: 'Killed Deliveries Ltd', email: 'ap@kill.test', firstName: 'Kim', lastName: 'Lo', currency: 'NZD' };
const invoice = (n: number) => ({
  kind: 'sales_invoice',
  sourceId: `SO-K${n}`,
  date: '2026-11-20',
  dueDate: '2026-12-20',
  contact: 'CUST-KILL',
  currency: 'NZD',
  amountsAre: 'exclusive',
  lines: [{ description: 'Widget', quantity: n, unitPrice: '10.00', taxCode: 'G.S.T.', account: 'sales' }],
});

for (const kind of databaseKinds()) {
  describe(`write-back deliveries across a killed process (${kind})`, () => {
    let h: Harness;
    let receiver: Receiver;
    before(async () => {
      h = await startHarness(kind, { env: { XPORT_SECRET_KEY: SECRET_KEY }, sandbox: { limits: { enabled: false } } });
      receiver = await startReceiver();
    });
    after(async () => {
      await h.close();
      await receiver.close();
    });

    test('every event is delivered after SIGKILLs mid-delivery, in order per document, once per webhook-id', { timeout: 120_000 }, async () => {
      const sub = (await h.api('POST', '/api/v1/webhooks', { url: receiver.url })).json as { id: string; secret: string };
      receiver.setSecret(sub.secret);
      assert.equal((await h.api('POST', '/api/v1/documents', { documents: [customer, ...[1, 2, 3, 4, 5].map(invoice)] })).status, 202);
      await h.drain();
      // The same document changed again: a second revision, exported after the first.
      assert.equal((await h.api('POST', '/api/v1/documents', { ...invoice(1), lines: [{ description: 'Widget', quantity: 9, unitPrice: '10.00', taxCode: 'G.S.T.', account: 'sales' }] })).status, 202);
      await h.drain();
      const env = {
        XPORT_DATABASE_URL: h.db.url,
        XPORT_SECRET_KEY: SECRET_KEY,
        XERO_CLIENT_ID: h.sandbox.clientId,
        XERO_CLIENT_SECRET: h.sandbox.clientSecret,
        XERO_API_URL: h.sandbox.url,
        XERO_IDENTITY_URL: h.sandbox.url,
        XERO_LOGIN_URL: h.sandbox.url,
        XPORT_WEBHOOK_TIMEOUT_MS: '1500',
        XPORT_POLL_MS: '100',
        XPORT_LOG_LEVEL: 'error',
      };

      // The first delivery hangs at the receiver; its process is killed while it waits for the answer.
      receiver.failNext(1, 'hang');
      const first = spawnWorker(env);
      assert.ok(await waitUntil(async () => receiver.requests.length >= 1, 30_000, 20), first.output());
      const hung = receiver.requests[0] ?? '';
      await first.kill('SIGKILL');
      const log = async () => ((await h.api('GET', `/api/v1/webhooks/${sub.id}/deliveries?limit=200`)).json as { deliveries: Array<{ eventId: string; status: string }> }).deliveries;
      assert.equal((await log()).find((d) => `msg_${d.eventId}` === hung)?.status, 'pending');

      // More kills at random moments while answers take a while.
      receiver.delayMs = 150;
      for (let i = 0; i < 3; i++) {
        const w = spawnWorker(env);
        await sleep(300 + Math.floor(Math.random() * 1500));
        await w.kill('SIGKILL');
      }
      receiver.delayMs = 0;
      const last = spawnWorker(env);
      try {
        const expected = (await log()).length;
        assert.ok(await waitUntil(async () => receiver.accepted.length >= expected && (await log()).every((d) => d.status === 'delivered'), 60_000, 100), last.output());
      } finally {
        await last.kill('SIGTERM');
      }

      const deliveries = await log();
      assert.deepEqual(new Set(receiver.accepted.map((e) => e.id)), new Set(deliveries.map((d) => `msg_${d.eventId}`)));
      assert.equal(receiver.accepted.length, deliveries.length, 'each webhook-id accepted once');
      assert.ok(receiver.requests.filter((id) => id === hung).length >= 2, 'the hung delivery was sent again after the kill');
      assert.equal(receiver.rejected, 0);
      // Per document, events arrive in the order they happened.
      const byDoc = new Map<string, number[]>();
      for (const e of receiver.accepted) {
        const key = `${String(e.data.kind)}:${String(e.data.sourceId)}`;
        byDoc.set(key, [...(byDoc.get(key) ?? []), Number(e.id.slice('msg_'.length))]);
      }
      for (const [key, ids] of byDoc)
        assert.deepEqual(
          ids,
          [...ids].sort((a, b) => a - b),
          key,
        );
      const revisions = receiver.accepted.filter((e) => e.data.sourceId === 'SO-K1' && e.type === 'export.exported').map((e) => e.data.revision);
      assert.deepEqual(revisions, [1, 2], 'SO-K1 exported, then its second revision');
    });
  });
}
