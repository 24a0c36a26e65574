/** Reconciliation tests: export documents to the sandbox, change them there as a Xero user would, read the outcome. */
import assert from 'node:assert/strict';
import type { Harness } from '../helpers/harness';
import { control, exportOf } from '../engine-e2e/helpers';

export interface Difference {
  kind: string;
  sourceId: string;
  exportId: number;
  issue: string;
  actions: Array<{ code: string; label: string }>;
  xport: Record<string, unknown>;
  xero: Record<string, unknown>;
}

export interface RunSummary {
  runId: number;
  outcome: string;
  message: string | null;
  calls: number;
  budget: number;
  checked: number;
  newDifferences: Array<{ kind: string; sourceId: string; issue: string }>;
  paid: number;
}

export async function runNow(h: Harness): Promise<RunSummary> {
  const res = await h.api('POST', '/api/v1/reconciliation/run');
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return res.json as RunSummary;
}

export async function report(h: Harness): Promise<{ documents: Difference[]; budget: { perDay: number; used: number; left: number }; balances: Array<Record<string, unknown>> }> {
  const res = await h.api('GET', '/api/v1/reconciliation');
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return res.json as { documents: Difference[]; budget: { perDay: number; used: number; left: number }; balances: Array<Record<string, unknown>> };
}

/** A document control in the sandbox (void, delete, edit, pay, approve) on the Xero document an export created. */
export async function inXero(h: Harness, exportId: number, action: 'void' | 'delete' | 'edit' | 'pay' | 'approve', body: unknown = {}): Promise<void> {
  const xeroId = (await exportOf(h, exportId)).xeroId;
  assert.ok(xeroId, `export ${exportId} has no Xero id`);
  await control(h, 'POST', `/organisations/${h.tenantId}/invoices/${xeroId}/${action}`, body);
}

/** The harness organisation's events as the pull feed (GET /api/v1/events) hands them out, oldest first. */
export async function outbox(h: Harness, type?: string): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
  const events: Array<{ type: string; data: Record<string, unknown> }> = [];
  for (let after: string | null = null; ;) {
    const res = await h.api('GET', `/api/v1/events?limit=500${after === null ? '' : `&after=${encodeURIComponent(after)}`}`);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const page = res.json as { events: Array<{ type: string; data: Record<string, unknown> }>; next: string | null };
    events.push(...page.events);
    if (page.events.length === 0 || page.next === null || page.next === after) break;
    after = page.next;
  }
  return events.filter((e) => type === undefined || e.type === type);
}

export const sorted = (list: Array<{ sourceId: string; issue: string }>): string[] => list.map((d) => `${d.sourceId}:${d.issue}`).sort();
