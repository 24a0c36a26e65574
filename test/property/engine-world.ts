/**
 * The world of the whole-engine property test: an xport over a real database and the sandbox over
 * real HTTP, faults of the sandbox (answers lost after the write, 429s), a worker that dies
 * mid-call and is replaced, and the settling and checks that follow.
 */
import assert from 'node:assert/strict';
import pino from 'pino';
import { ExportWorker } from '../../src/engine/worker';
import { OpenGate } from '../../src/engine/limiter';
import type { XeroClient } from '../../src/xero/client';
import { control } from '../engine-e2e/helpers';
import type { Harness } from '../helpers/harness';

export type Fault = 'none' | 'error500' | 'unavailable503' | 'drop' | 'hang' | 'rate429' | 'crash';

/** Arms one fault on the next write of each endpoint (answers lost after the write, or a 429 before). */
export async function armFault(h: Harness, fault: Exclude<Fault, 'none' | 'crash'>): Promise<void> {
  const faults = ['/Invoices', '/CreditNotes', '/ManualJournals', '/Contacts'].map((path) => ({
    kind: fault,
    phase: fault === 'rate429' ? 'before' : 'after',
    count: 1,
    retryAfter: 1,
    match: { method: 'POST', path },
  }));
  await control(h, 'POST', '/faults', { faults });
}

/**
 * One round of a worker that dies in the middle of its first write: the call reached the sandbox
 * (and was processed there), then the process is gone — no answer applied, no lease renewed. Its
 * rows are left `exporting` with an attempt that has no outcome, as after a SIGKILL.
 */
export async function crashingRound(h: Harness): Promise<void> {
  const real = h.rt.xero;
  const xero = Object.create(real) as XeroClient;
  // Each write reaches the sandbox and is processed; then the worker is gone: nothing after the call
  // runs (the error unwinds the round before any answer is applied, and its lease renewals stop).
  xero.call = async (c) => {
    const res = await real.call(c);
    if (c.method !== 'GET') throw new Error('the worker died mid-call');
    return res;
  };
  const doomed = new ExportWorker({ store: h.rt.store, xero, bus: h.rt.bus, gate: new OpenGate(), reference: h.rt.reference, logger: pino({ level: 'silent' }) }, { leaseMs: h.rt.config.leaseMs });
  await doomed.runOnce().catch(() => undefined);
  // The dead worker's leases run out (waiting for that is the lease tests' business).
  await h.rt.store.db
    .updateTable('exports')
    .set({ lease_until: new Date(0).toISOString() })
    .where('status', '=', 'exporting')
    .execute();
}

/**
 * Runs the engine until nothing is due, bringing retries and pauses forward (backoff has its own
 * tests) — but only once a retry has waited 2 s (the Xero timeout here is 1.5 s): a write whose answer timed out may still be landing
 * in the sandbox (as in Xero), and xport's backoff, not this test, decides how long it waits.
 */
export async function settle(h: Harness, budgetMs = 90_000): Promise<void> {
  const end = Date.now() + budgetMs;
  while (Date.now() < end) {
    await h.drain();
    const db = h.rt.store.db;
    const settledBefore = new Date(Date.now() - 2000).toISOString();
    await db
      .updateTable('exports')
      .set({ next_attempt_at: new Date(0).toISOString() })
      .where('status', '=', 'queued')
      .where('updated_at', '<', settledBefore)
      .execute();
    await db.updateTable('tenants').set({ paused_until: null }).execute();
    const c = await h.rt.store.exports.countByStatus(h.tenantId);
    if (c.queued + c.exporting === 0) {
      await h.drain();
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const open = await h.rt.store.db.selectFrom('exports').select(['kind', 'source_id', 'status', 'wait_reason', 'last_error']).where('status', 'in', ['queued', 'exporting']).execute();
  assert.fail(`the engine did not settle: ${JSON.stringify(open).slice(0, 2000)}`);
}

export type XeroRecord = Record<string, unknown>;

const ENDPOINTS = ['Invoices', 'CreditNotes', 'ManualJournals', 'Contacts'] as const;
const ID_OF: Record<(typeof ENDPOINTS)[number], string> = { Invoices: 'InvoiceID', CreditNotes: 'CreditNoteID', ManualJournals: 'ManualJournalID', Contacts: 'ContactID' };

/** Every record in the sandbox organisation, by endpoint, read through Xero's API (all pages). */
export async function everything(h: Harness): Promise<Map<string, { endpoint: string; record: XeroRecord }>> {
  const out = new Map<string, { endpoint: string; record: XeroRecord }>();
  for (const endpoint of ENDPOINTS) {
    for (let page = 1; ; page += 1) {
      const body = await h.xeroGet(`/${endpoint}?page=${page}&pageSize=1000${endpoint === 'Contacts' ? '&includeArchived=true' : ''}`);
      const list = (body[endpoint] ?? []) as XeroRecord[];
      for (const r of list) out.set(String(r[ID_OF[endpoint]]), { endpoint, record: r });
      if (list.length < 1000) break;
    }
  }
  return out;
}
