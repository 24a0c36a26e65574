import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';
import { startReceiver, type Receiver } from './receiver';

const customer = { kind: 'customer', sourceId: 'CUST-WB1', name: 'Write Back Ltd', email: 'ap@wb.test', firstName: 'Ann', lastName: 'Lee', currency: 'NZD' };
const invoice = (sourceId: string, over: Record<string, unknown> = {}) => ({
  kind: 'sales_invoice',
  sourceId,
  date: '2026-11-20',
  dueDate: '2026-12-20',
  contact: 'CUST-WB1',
  currency: 'NZD',
  reference: `Ref ${sourceId}`,
  amountsAre: 'exclusive',
  lines: [{ productCode: 'WIDGET', description: 'Widget', quantity: 2, unitPrice: '19.95', discountRate: 0, taxCode: 'G.S.T.', account: 'sales' }],
  ...over,
});

for (const kind of databaseKinds()) {
  describe(`write-back webhooks (${kind})`, () => {
    let h: Harness;
    let receiver: Receiver;
    before(async () => {
      // Retries at once, three times.
      h = await startHarness(kind, { runtime: { writeBackOptions: { schedule: [0, 0, 0] } } });
      receiver = await startReceiver();
    });
    after(async () => {
      await h.close();
      await receiver.close();
    });

    test('a subscription receives export.exported with Xero id, number, date, total and xeroUrl, verified by standardwebhooks', async () => {
      const sub = await h.api('POST', '/api/v1/webhooks', { url: receiver.url });
      assert.equal(sub.status, 201);
      const created = sub.json as { id: string; url: string; events: null; secret: string };
      assert.match(created.secret, /^whsec_[A-Za-z0-9+/=]+$/);
      assert.equal(created.events, null);
      receiver.setSecret(created.secret);
      assert.equal((await h.api('POST', '/api/v1/documents', { documents: [customer, invoice('SO-WB1')] })).status, 202);
      await h.drain();
      await h.rt.dispatcher.drain();
      const exported = receiver.accepted.filter((e) => e.type === 'export.exported');
      // Deliveries of different documents go out side by side, so only the set is fixed (order is per document).
      assert.deepEqual(exported.map((e) => e.data.sourceId).sort(), ['CUST-WB1', 'SO-WB1']);
      const inv = exported.find((e) => e.data.sourceId === 'SO-WB1')?.data ?? {};
      const inXero = ((await h.xeroGet('/Invoices?InvoiceNumbers=SO-WB1')).Invoices as Array<Record<string, unknown>>)[0] ?? {};
      assert.equal(inv.xeroId, inXero.InvoiceID);
      assert.equal(inv.number, 'SO-WB1');
      assert.equal(inv.total, String(inXero.Total));
      assert.equal(inv.date, '2026-11-20');
      assert.equal(inv.kind, 'sales_invoice');
      assert.equal(inv.reference, 'SO-WB1 (Ref SO-WB1)');
      assert.match(String(inv.xeroUrl), /^https:\/\/go\.xero\.com\//);
      assert.equal(receiver.rejected, 0);
      const log = await h.api('GET', `/api/v1/webhooks/${created.id}/deliveries`);
      assert.equal(log.status, 200);
      const deliveries = (log.json as { deliveries: Array<{ status: string; eventId: string }> }).deliveries;
      assert.ok(deliveries.length >= 2 && deliveries.every((d) => d.status === 'delivered'));
      // The pull feed holds the same events, with the same ids.
      const feed = (await h.api('GET', '/api/v1/events?limit=1000')).json as { events: Array<{ id: string; type: string }>; next: string };
      for (const e of receiver.accepted) assert.ok(feed.events.some((f) => `msg_${f.id}` === e.id && f.type === e.type));
      const again = (await h.api('GET', `/api/v1/events?after=${feed.next}`)).json as { events: unknown[]; next: string };
      assert.deepEqual(again, { events: [], next: feed.next });
    });

    test('a failed export is delivered with its code, message and Action Required; failing receivers are retried', async () => {
      receiver.failNext(2, 503);
      assert.equal((await h.api('POST', '/api/v1/documents', invoice('SO-WB2', { lines: [{ description: 'x', quantity: 1, unitPrice: '1', taxCode: 'G.S.T.', account: '99999' }] }))).status, 202);
      await h.drain();
      await h.rt.dispatcher.drain();
      const failed = receiver.accepted.find((e) => e.type === 'export.failed' && e.data.sourceId === 'SO-WB2');
      assert.ok(failed, JSON.stringify(receiver.accepted.map((e) => e.type)));
      assert.equal(typeof failed.data.code, 'string');
      assert.equal(typeof failed.data.message, 'string');
      assert.equal(typeof failed.data.actionRequired, 'string');
      assert.ok(receiver.requests.filter((id) => id === failed.id).length >= 3, 'tried again after two 503s, under the same webhook-id');
    });

    test('bad subscriptions are refused with a precise 400 and nothing stored', async () => {
      const before = ((await h.api('GET', '/api/v1/webhooks')).json as { webhooks: unknown[] }).webhooks.length;
      for (const body of [
        { url: 'ftp://x.test/' },
        { url: 'not a url' },
        { url: 'https://u:p@x.test/' },
        { url: 'https://x.test/', events: ['export.nope'] },
        { url: 'https://x.test/', events: [] },
        {},
        { url: 'https://x.test/', extra: 1 },
      ]) {
        const res = await h.api('POST', '/api/v1/webhooks', body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal((res.json as { error: { code: string } }).error.code, 'invalid_webhook');
      }
      assert.equal(((await h.api('GET', '/api/v1/webhooks')).json as { webhooks: unknown[] }).webhooks.length, before);
    });
  });
}
