/** Webhooks: intent to receive, signed CONTACT/INVOICE events, retries after a failed delivery. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NZ, call, clientToken, control, withSandbox } from './helpers';

const KEY = 'webhook-signing-key';

interface Received {
  body: string;
  valid: boolean;
}

async function receiver(failFirst: number): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  let events = 0;
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const valid = createHmac('sha256', KEY).update(body).digest('base64') === req.headers['x-xero-signature'];
      received.push({ body, valid });
      const hasEvents = (JSON.parse(body) as { events: unknown[] }).events.length > 0;
      if (hasEvents && valid && events++ < failFirst) {
        res.statusCode = 500;
        res.end();
        return;
      }
      res.statusCode = valid ? 200 : 401;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, close: () => new Promise((r) => server.close(() => r())) };
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}

test('intent to receive, then signed CONTACT and INVOICE events, retried after a 500', async () => {
  const hook = await receiver(1);
  try {
    await withSandbox(async (s) => {
      const cfg = await control(s, 'PUT', '/webhooks', { url: hook.url, key: KEY, retryDelaysMs: [50, 50] });
      assert.equal(cfg.status, 200);
      assert.equal((cfg.json as { status: string }).status, 'active');
      assert.deepEqual(
        hook.received.map((r) => r.valid),
        [true, false],
        'one correctly and one wrongly signed payload',
      );
      const t = await clientToken(s);
      await call(s, t, 'PUT', '/Invoices', { body: { Invoices: [{ Type: 'ACCREC', Contact: { Name: 'Hooked Ltd' }, LineItems: [{ Quantity: 1, UnitAmount: 1, AccountCode: '200' }] }] } });
      await until(() => hook.received.length >= 4);
      const deliveries = hook.received.slice(2);
      assert.equal(deliveries.length, 2, 'first delivery failed with 500, the retry succeeded');
      assert.equal(deliveries[0]?.body, deliveries[1]?.body);
      const payload = JSON.parse(deliveries[1]?.body ?? '{}') as { events: Array<Record<string, string>>; firstEventSequence: number; lastEventSequence: number };
      assert.deepEqual(
        payload.events.map((e) => [e.eventCategory, e.eventType, e.tenantId, e.tenantType]),
        [
          ['CONTACT', 'CREATE', NZ, 'ORGANISATION'],
          ['INVOICE', 'CREATE', NZ, 'ORGANISATION'],
        ],
      );
      assert.match(payload.events[1]?.resourceUrl ?? '', new RegExp(`/api.xro/2.0/Invoices/${payload.events[1]?.resourceId}$`));
      assert.match(payload.events[0]?.eventDateUtc ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
      assert.deepEqual([payload.firstEventSequence, payload.lastEventSequence], [1, 2]);
      const log = (await control(s, 'GET', '/webhooks')).json as { deliveries: Array<{ status: number; attempt: number }> };
      assert.deepEqual(
        log.deliveries.map((d) => [d.attempt, d.status]),
        [
          [1, 500],
          [2, 200],
        ],
      );
    });
  } finally {
    await hook.close();
  }
});

test('a receiver that accepts unsigned payloads fails intent to receive and gets no events', async () => {
  const server = createServer((_req, res) => {
    res.statusCode = 200;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await withSandbox(async (s) => {
      const { port } = server.address() as AddressInfo;
      const cfg = await control(s, 'PUT', '/webhooks', { url: `http://127.0.0.1:${port}/`, key: KEY });
      assert.equal(cfg.status, 409);
      assert.equal((cfg.json as { status: string }).status, 'failed');
    });
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});
