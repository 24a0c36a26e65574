/**
 * POST /webhooks/xero against the real sandbox's webhook sender, on every database: signatures
 * (good, bad, missing), the intent-to-receive handshake, a contact archived in Xero (its documents
 * are then held with the action), an exported invoice voided in Xero (marked and logged), and the
 * reads from Xero going through the call gate.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { XeroChangesRepository } from '../../src/db/repositories/xero-changes';
import type { CallGate } from '../../src/engine/limiter';
import { XeroWebhookHandler } from '../../src/engine/xero-webhooks';
import { webhooksIdle, xeroSignature } from '../../src/web/xero/webhooks';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';
import { waitFor } from '../helpers/processes';

const KEY = 'webhook-key-for-tests-0123456789';

/** A gate that lets every call through and remembers who asked and whether the slot was given back. */
class CountingGate implements CallGate {
  readonly calls: Array<{ tenantId: string; released: boolean }> = [];
  async acquire(tenantId: string): Promise<() => void> {
    const call = { tenantId, released: false };
    this.calls.push(call);
    return () => {
      call.released = true;
    };
  }
  observe(): void {}
}
const customer = { kind: 'customer', sourceId: 'WH-CUST', name: 'Webhook Traders', email: 'ap@webhook.test', currency: 'NZD' };
const invoice = (sourceId: string) => ({
  kind: 'sales_invoice',
  sourceId,
  revision: 1,
  date: '2026-11-20',
  dueDate: '2026-12-20',
  contact: 'WH-CUST',
  currency: 'NZD',
  amountsAre: 'exclusive',
  lines: [{ productCode: 'WIDGET', description: 'Widget', quantity: 1, unitPrice: '10.00', discountRate: 0, taxCode: 'G.S.T.', account: 'sales' }],
});

for (const kind of databaseKinds()) {
  describe(`Xero webhooks (${kind})`, () => {
    let h: Harness;
    const post = (body: string, signature?: string) =>
      fetch(`${h.url}/webhooks/xero`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...(signature === undefined ? {} : { 'x-xero-signature': signature }) },
      });
    before(async () => {
      h = await startHarness(kind, { env: { XERO_WEBHOOK_KEY: KEY } });
    });
    after(() => h.close());

    it('answers 200 with no body to a correctly signed delivery, 401 to a wrong or missing signature', async () => {
      const body = '{"events":[],"lastEventSequence":0,"firstEventSequence":0,"entropy":"S0m3r4Nd0mt3xt"}';
      const good = await post(body, xeroSignature(body, KEY));
      assert.equal(good.status, 200);
      assert.equal(await good.text(), '');
      assert.equal((await post(body, xeroSignature(body, `${KEY}x`))).status, 401);
      assert.equal((await post(body)).status, 401);
      // The signature covers the raw bytes: the same JSON re-spaced does not verify.
      assert.equal((await post(body.replace(/,/g, ', '), xeroSignature(body, KEY))).status, 401);
    });

    it("passes the sandbox's intent-to-receive handshake", async () => {
      const res = await fetch(`${h.sandbox.url}/_sandbox/webhooks`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: `${h.url}/webhooks/xero`, key: KEY }),
      });
      const cfg = (await res.json()) as { status: string; detail: string };
      assert.equal(cfg.status, 'active', cfg.detail);
    });

    it('a contact archived in Xero marks its link, and documents for it are held with the action', async () => {
      assert.equal((await h.api('POST', '/api/v1/documents', { documents: [customer, invoice('WH-001')] })).status, 202);
      await h.drain();
      const link = await h.rt.store.contacts.get(h.tenantId, 'customer', 'WH-CUST');
      assert.ok(link);
      const archive = await fetch(`${h.sandbox.url}/_sandbox/organisations/${h.tenantId}/contacts/${link.xeroContactId}/archive`, { method: 'POST' });
      assert.equal(archive.status, 200);
      await waitFor(async () => (await h.rt.store.contacts.get(h.tenantId, 'customer', 'WH-CUST'))?.archived, 'the contact link to be marked archived');
      await webhooksIdle(h.rt);
      const log = await h.api('GET', '/api/v1/log?level=error&q=archived');
      assert.ok((log.json as { entries: Array<{ message: string }> }).entries.some((e) => e.message.includes(link.xeroContactId)));
      assert.equal((await h.api('POST', '/api/v1/documents', invoice('WH-002'))).status, 202);
      await h.drain();
      const failed = await h.api('GET', '/api/v1/exports?status=failed');
      const row = (failed.json as { exports: Array<{ sourceId: string; errorCode: string; actionRequired: string }> }).exports.find((e) => e.sourceId === 'WH-002');
      assert.equal(row?.errorCode, 'contact_archived');
      assert.match(row?.actionRequired ?? '', /restore it in Xero/);
    });

    it('an exported invoice voided in Xero is marked and logged', async () => {
      const exported = await h.api('GET', '/api/v1/exports?status=exported&kind=sales_invoice');
      const row = (exported.json as { exports: Array<{ id: number; sourceId: string; xeroId: string }> }).exports.find((e) => e.sourceId === 'WH-001');
      assert.ok(row);
      const res = await fetch(`${h.sandbox.url}/_sandbox/organisations/${h.tenantId}/invoices/${row.xeroId}/void`, { method: 'POST' });
      assert.equal(res.status, 200);
      const changes = new XeroChangesRepository(h.rt.store.db);
      assert.equal(await waitFor(() => changes.xeroStatusOf(h.tenantId, row.id), 'the export to be marked voided'), 'VOIDED');
      const log = await h.api('GET', '/api/v1/log?level=error&q=WH-001');
      assert.ok((log.json as { entries: Array<{ message: string }> }).entries.some((e) => /voided in Xero/.test(e.message)));
    });

    it("reads what changed from Xero through the call gate, holding one of the organisation's slots", async () => {
      const exported = await h.api('GET', '/api/v1/exports?status=exported&kind=sales_invoice');
      const row = (exported.json as { exports: Array<{ sourceId: string; xeroId: string }> }).exports.find((e) => e.sourceId === 'WH-001');
      assert.ok(row);
      const gate = new CountingGate();
      const handler = new XeroWebhookHandler({ store: h.rt.store, xero: h.rt.xero, gate, bus: h.rt.bus, logger: h.rt.logger });
      await handler.process([{ resourceId: row.xeroId, eventCategory: 'INVOICE', eventType: 'UPDATE', tenantId: h.tenantId, eventDateUtc: '2026-12-02T07:00:00.000Z' }]);
      assert.deepEqual(gate.calls, [{ tenantId: h.tenantId, released: true }]);
    });
  });
}
