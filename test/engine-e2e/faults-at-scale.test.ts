/**
 * 2,000 documents (200 customers, 1,800 invoices) through a sandbox that answers 10% of the sends
 * with a 500, lets 5% hang past the client's timeout and drops 5% of the connections, half of the
 * hangs and drops *after* Xero saved the batch (the answer is lost, the write is not). Every document
 * must end up in Xero exactly once, counted in the sandbox itself.
 *
 * Backoff waits are real-time waits in the engine; the worker here runs on a clock the test moves
 * forward to the next due retry, so the test takes seconds, not the half hour the waits add up to.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OpenGate } from '../../src/engine/limiter';
import { ExportWorker } from '../../src/engine/worker';
import { startHarness, type Harness } from '../helpers/harness';
import { control, customer, isoDay, post } from './helpers';

const CUSTOMERS = 200;
const INVOICES = 1800;

async function allOf(h: Harness, endpoint: 'Invoices' | 'Contacts'): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for (let page = 1; ; page += 1) {
    const body = await h.xeroGet(`/${endpoint}?page=${page}&pageSize=1000${endpoint === 'Contacts' ? '&includeArchived=true' : '&summaryOnly=true'}`);
    const list = (body[endpoint] ?? []) as Array<Record<string, unknown>>;
    out.push(...list);
    if (list.length < 1000) return out;
  }
}

describe('2,000 documents through 500s, timeouts and dropped connections (sqlite)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('sqlite', { sandbox: { limits: { enabled: false } }, runtime: { noClientLimits: true }, env: { XPORT_XERO_TIMEOUT_MS: '1500' } });
  });
  after(async () => h.close());

  test('all exported, none twice', { timeout: 150_000 }, async () => {
    const customers = Array.from({ length: CUSTOMERS }, (_, i) => customer(`CUST-F${String(i).padStart(4, '0')}`, `Fault Customer ${i}`));
    const invoices = Array.from({ length: INVOICES }, (_, i) => ({
      kind: 'sales_invoice',
      sourceId: `SO-F${String(i).padStart(5, '0')}`,
      date: isoDay(0),
      dueDate: isoDay(30),
      contact: `CUST-F${String(i % CUSTOMERS).padStart(4, '0')}`,
      currency: 'NZD',
      lines: [{ productCode: 'WIDGET', description: 'Widget', quantity: (i % 5) + 1, unitPrice: '19.95', taxCode: 'G.S.T.', account: 'sales' }],
    }));
    for (let i = 0; i < invoices.length; i += 500) await post(h, ...(i === 0 ? customers : []), ...invoices.slice(i, i + 500));

    const sends = { method: 'POST' };
    await control(h, 'POST', '/faults', {
      faults: [
        { kind: 'error500', rate: 0.1, match: sends },
        { kind: 'hang', rate: 0.025, match: sends },
        { kind: 'hang', rate: 0.025, phase: 'after', match: sends },
        { kind: 'drop', rate: 0.025, match: sends },
        { kind: 'drop', rate: 0.025, phase: 'after', match: sends },
      ],
    });

    let offsetMs = 0;
    const { store, xero, bus, reference, logger } = h.rt;
    const worker = new ExportWorker({ store, xero, bus, gate: new OpenGate(), reference, logger, now: () => new Date(Date.now() + offsetMs) }, { batchSize: 10, pollMs: 10 });
    const started = Date.now();
    for (let round = 0; round < 200; round += 1) {
      await worker.drain();
      const next = await store.db
        .selectFrom('exports')
        .select((eb) => eb.fn.min<string>('next_attempt_at').as('at'))
        .where('status', 'in', ['queued', 'exporting'])
        .executeTakeFirst();
      if (!next?.at) break;
      offsetMs = Math.max(offsetMs, Date.parse(next.at) - Date.now() + 1);
    }
    const elapsed = Date.now() - started;

    const counts = await store.exports.countByStatus(h.tenantId);
    assert.deepEqual(
      { exported: counts.exported, failed: counts.failed, queued: counts.queued, waiting: counts.waiting, exporting: counts.exporting },
      { exported: CUSTOMERS + INVOICES, failed: 0, queued: 0, waiting: 0, exporting: 0 },
    );

    const faults = (await control(h, 'GET', '/faults')) as { faults?: Array<{ kind: string; phase: string; fired: number }> } | Array<{ kind: string; phase: string; fired: number }>;
    const fired = (Array.isArray(faults) ? faults : (faults.faults ?? [])).map((f) => `${f.kind}/${f.phase}: ${f.fired}`);
    await control(h, 'DELETE', '/faults');

    const inXero = await allOf(h, 'Invoices');
    const byNumber = new Map<string, number>();
    for (const inv of inXero) byNumber.set(String(inv.InvoiceNumber), (byNumber.get(String(inv.InvoiceNumber)) ?? 0) + 1);
    assert.equal(byNumber.size, INVOICES, 'every invoice is in Xero');
    assert.deepEqual(
      [...byNumber].filter(([, n]) => n > 1),
      [],
      'no invoice twice',
    );

    const contacts = (await allOf(h, 'Contacts')).filter((c) => String(c.ContactNumber ?? '').startsWith('CUST-F'));
    const byContact = new Map<string, number>();
    for (const c of contacts) byContact.set(String(c.ContactNumber), (byContact.get(String(c.ContactNumber)) ?? 0) + 1);
    assert.equal(byContact.size, CUSTOMERS, 'every customer is in Xero');
    assert.deepEqual(
      [...byContact].filter(([, n]) => n > 1),
      [],
      'no customer twice',
    );

    // Every document's invoice is linked to its own customer's Xero contact.
    const xeroIdOf = new Map(contacts.map((c) => [String(c.ContactNumber), String(c.ContactID)]));
    const wrong = inXero.filter((inv) => {
      const n = Number(String(inv.InvoiceNumber).slice(4));
      return (inv.Contact as { ContactID?: string }).ContactID !== xeroIdOf.get(`CUST-F${String(n % CUSTOMERS).padStart(4, '0')}`);
    });
    assert.equal(wrong.length, 0);

    const journal = (await control(h, 'GET', `/requests?tenantId=${h.tenantId}&method=POST`)) as { requests: Array<{ status: number | null; fault: string | null }> };
    const faulted = journal.requests.filter((r) => r.fault !== null).length;
    console.log(`  2,000 documents, ${journal.requests.length} sends, ${faulted} faulted (${fired.join(', ')}), ${elapsed} ms`);
    assert.ok(faulted >= journal.requests.length * 0.15, `faults were injected: ${faulted} of ${journal.requests.length}`);
  });
});
