/**
 * Xero's webhooks make reconciliation sooner: the sandbox's signed delivery for a voided invoice
 * reaches xport's /webhooks/xero, and a run follows by itself, reporting the void with its event.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { startReconcileSchedule } from '../../src/engine/reconciliation/schedule';
import { startHarness, type Harness } from '../helpers/harness';
import { control, customer, post, salesInvoice } from '../engine-e2e/helpers';
import { inXero, outbox } from './helpers';

const KEY = 'reconcile-webhook-key-0123456789';

async function waitFor<T>(probe: () => Promise<T | null | undefined>, what: string, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('reconciliation after a Xero webhook', () => {
  let h: Harness;
  let stop: () => void = () => {};
  before(async () => {
    h = await startHarness('sqlite', { sandbox: { limits: { enabled: false } }, runtime: { noClientLimits: true }, env: { XERO_WEBHOOK_KEY: KEY } });
    await control(h, 'PUT', '/webhooks', { url: `${h.url}/webhooks/xero`, key: KEY });
    // The schedule as serve starts it, off but for webhooks, with a short delay.
    stop = startReconcileSchedule(h.rt.store, h.rt.reconciliation.reconciler, pino({ level: 'silent' }), { everyHours: 0, bus: h.rt.bus, soonMs: 50 });
  });
  after(async () => {
    stop();
    await h.close();
  });

  test('a void in Xero is reconciled without waiting for the schedule', { timeout: 30_000 }, async () => {
    await post(h, customer('CUST-W', 'Webhook Customer'));
    await h.drain();
    const [id] = await post(h, salesInvoice('SO-W1', 'CUST-W'));
    await h.drain();
    assert.deepEqual(await h.rt.reconciliation.reconciler.repo.runs(h.tenantId), [], 'no run yet');
    await inXero(h, id ?? 0, 'void');
    const run = await waitFor(async () => (await h.rt.reconciliation.reconciler.repo.runs(h.tenantId)).find((r) => r.trigger === 'webhook' && r.finishedAt), 'a run after the webhook');
    assert.equal(run.newDifferences, 1);
    const events = await outbox(h, 'document.changed_in_xero');
    assert.deepEqual(
      events.map((e) => [e.data.sourceId, e.data.issue]),
      [['SO-W1', 'voided_in_xero']],
    );
  });
});
