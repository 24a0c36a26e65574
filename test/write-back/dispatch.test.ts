/**
 * The dispatcher against a real receiver: two dispatchers sharing a database never send one delivery
 * twice, each document's events arrive in order, filters hold, retries that run out leave a failed
 * delivery that redelivery sends, secrets are stored only encrypted, and organisations are kept apart.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { appendEvents, type OutboxEvent } from '../../src/db/repositories/outbox';
import { WriteBackDispatcher } from '../../src/engine/write-back';
import { SecretBox } from '../../src/security/secret-box';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';
import { startReceiver, type Receiver } from './receiver';

interface Delivery {
  id: number;
  eventId: string;
  status: string;
  attempts: number;
  lastError: string | null;
}

for (const kind of databaseKinds()) {
  describe(`the write-back dispatcher (${kind})`, () => {
    let h: Harness;
    let receiver: Receiver;
    before(async () => {
      // Retries at once: two after the first attempt, then the delivery fails.
      h = await startHarness(kind, { runtime: { writeBackOptions: { schedule: [0, 0] } } });
      receiver = await startReceiver();
    });
    after(async () => {
      await h.close();
      await receiver.close();
    });

    async function subscribe(body: Record<string, unknown>, r = receiver): Promise<string> {
      const res = await h.api('POST', '/api/v1/webhooks', { url: r.url, ...body });
      assert.equal(res.status, 201, JSON.stringify(res.json));
      const sub = res.json as { id: string; secret: string };
      r.setSecret(sub.secret);
      return sub.id;
    }
    const deliveries = async (id: string) => ((await h.api('GET', `/api/v1/webhooks/${id}/deliveries?limit=200`)).json as { deliveries: Delivery[] }).deliveries;

    test('two dispatchers on one database send each delivery once, each document in order', async () => {
      const id = await subscribe({ events: ['document.paid'] });
      const events: OutboxEvent[] = [];
      for (let i = 0; i < 120; i++) events.push({ tenantId: h.tenantId, type: 'document.paid', docKey: `sales_invoice:D${i % 7}`, data: { sourceId: `D${i % 7}`, n: i } });
      for (let i = 0; i < events.length; i += 10) await appendEvents(h.rt.store.db, events.slice(i, i + 10));
      await appendEvents(h.rt.store.db, [{ tenantId: h.tenantId, type: 'export.failed', docKey: 'sales_invoice:D1', data: { sourceId: 'D1' } }]);
      const box = SecretBox.load(h.rt.config);
      const logger = pino({ level: 'silent' });
      const a = new WriteBackDispatcher({ store: h.rt.store, box, logger }, { batch: 8 });
      const b = new WriteBackDispatcher({ store: h.rt.store, box, logger }, { batch: 8 });
      await Promise.all([a.drain(), b.drain(), a.drain(), b.drain()]);
      await a.drain();
      assert.equal(receiver.requests.length, 120, 'no delivery sent twice');
      assert.equal(new Set(receiver.requests).size, 120);
      assert.ok((await deliveries(id)).every((d) => d.status === 'delivered'));
      for (let doc = 0; doc < 7; doc++) {
        const ns = receiver.accepted.filter((e) => e.data.sourceId === `D${doc}`).map((e) => Number(e.data.n));
        assert.deepEqual(
          ns,
          [...ns].sort((x, y) => x - y),
          `D${doc} in order`,
        );
      }
      assert.ok(!receiver.accepted.some((e) => e.type === 'export.failed'), 'the filter holds');
      assert.equal((await h.api('DELETE', `/api/v1/webhooks/${id}`)).status, 204);
    });

    test('retries that run out leave a failed delivery, later events of the document wait for it, and redelivery sends it under the same id', async () => {
      const r = await startReceiver();
      try {
        const id = await subscribe({}, r);
        r.failNext(3, 500);
        await appendEvents(h.rt.store.db, [{ tenantId: h.tenantId, type: 'document.paid', docKey: 'sales_invoice:R1', data: { sourceId: 'R1', step: 1 } }]);
        await appendEvents(h.rt.store.db, [{ tenantId: h.tenantId, type: 'document.paid', docKey: 'sales_invoice:R1', data: { sourceId: 'R1', step: 2 } }]);
        await h.rt.dispatcher.drain();
        const [second, first] = await deliveries(id);
        assert.equal(first?.status, 'failed');
        assert.equal(first?.attempts, 3);
        assert.match(first?.lastError ?? '', /HTTP 500/);
        // Step 2 went out only after step 1 had failed for good.
        assert.equal(second?.status, 'delivered');
        assert.deepEqual(
          r.accepted.map((e) => e.data.step),
          [2],
        );
        assert.equal((await h.api('POST', `/api/v1/webhooks/${id}/deliveries/${first?.id}/redeliver`)).status, 202);
        await h.rt.dispatcher.drain();
        assert.deepEqual(
          r.accepted.map((e) => e.data.step),
          [2, 1],
        );
        assert.equal(r.requests.filter((x) => x === `msg_${first?.eventId}`).length, 4);
        assert.equal((await h.api('POST', `/api/v1/webhooks/${id}/deliveries/999999/redeliver`)).status, 404);
        await h.api('DELETE', `/api/v1/webhooks/${id}`);
      } finally {
        await r.close();
      }
    });

    test('the secret is stored only encrypted; another organisation sees none of the subscriptions', async () => {
      const res = await h.api('POST', '/api/v1/webhooks', { url: 'https://erp.example.test/hook', events: ['export.exported', 'export.failed'] });
      const sub = res.json as { id: string; secret: string; events: string[] };
      assert.deepEqual(sub.events, ['export.exported', 'export.failed']);
      const rows = await h.rt.store.db.selectFrom('webhook_subscriptions').selectAll().execute();
      assert.ok(rows.length > 0 && rows.every((row) => !JSON.stringify(row).includes(sub.secret.slice('whsec_'.length))));
      assert.ok(!JSON.stringify((await h.api('GET', '/api/v1/webhooks')).json).includes('whsec_'));
      const other = (await h.rt.store.tenants.list()).find((t) => t.id !== h.tenantId);
      assert.ok(other, 'the sandbox has a second demo organisation');
      const { token } = await h.rt.apiTokens.create('test', { tenantId: other.id, name: 'other', role: 'admin' });
      assert.deepEqual((await h.api('GET', '/api/v1/webhooks', undefined, token)).json, { webhooks: [] });
      assert.equal((await h.api('DELETE', `/api/v1/webhooks/${sub.id}`, undefined, token)).status, 404);
      assert.equal((await h.api('GET', `/api/v1/webhooks/${sub.id}/deliveries`, undefined, token)).status, 404);
      const viewer = await h.rt.apiTokens.create('test', { tenantId: h.tenantId, name: 'viewer', role: 'viewer' });
      assert.equal((await h.api('POST', '/api/v1/webhooks', { url: 'https://x.test/' }, viewer.token)).status, 403);
      assert.equal((await h.api('DELETE', `/api/v1/webhooks/${sub.id}`, undefined, viewer.token)).status, 403);
      assert.equal((await h.api('DELETE', `/api/v1/webhooks/${sub.id}`)).status, 204);
      assert.equal((await h.api('DELETE', `/api/v1/webhooks/${sub.id}`)).status, 404);
    });
  });
}
