/**
 * Helpers for the engine's end-to-end tests: documents go in through xport's HTTP API, the sandbox is
 * steered through its /_sandbox controls and Xero's own API, both over real HTTP.
 */
import assert from 'node:assert/strict';
import type { Harness } from '../helpers/harness';

export interface ExportView {
  id: number;
  status: string;
  kind: string;
  sourceId: string;
  revision: number;
  error: string | null;
  errorCode: string | null;
  errorClass: string | null;
  actionRequired: string | null;
  reason: string | null;
  xeroId: string | null;
  attempts: number;
  nextAttemptAt: string | null;
  attemptsHistory: Array<{ attempt: number; outcome: string | null; httpStatus: number | null; error: string | null; idempotencyKey: string }>;
}

export function isoDay(offsetDays = 0, from = new Date()): string {
  return new Date(from.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** Posts documents to POST /api/v1/documents and returns their export ids, in order. */
export async function post(h: Harness, ...docs: unknown[]): Promise<number[]> {
  const res = await h.api('POST', '/api/v1/documents', { documents: docs });
  assert.equal(res.status, 202, JSON.stringify(res.json));
  return (res.json as { documents: Array<{ exportId: number }> }).documents.map((d) => d.exportId);
}

export async function exportOf(h: Harness, id: number): Promise<ExportView> {
  const res = await h.api('GET', `/api/v1/exports/${id}`);
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return res.json as ExportView;
}

export async function retry(h: Harness, id: number): Promise<void> {
  const res = await h.api('POST', `/api/v1/exports/${id}/retry`);
  assert.equal(res.status, 200, JSON.stringify(res.json));
}

export async function patchSettings(h: Harness, patch: unknown): Promise<void> {
  const res = await h.api('PATCH', '/api/v1/settings', patch);
  assert.equal(res.status, 200, JSON.stringify(res.json));
}

export async function refreshReference(h: Harness): Promise<void> {
  const res = await h.api('POST', '/api/v1/reference/refresh');
  assert.equal(res.status, 200, JSON.stringify(res.json));
}

/** A /_sandbox control call; throws on anything but 2xx. */
export async function control(h: Harness, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${h.sandbox.url}/_sandbox${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`sandbox ${method} ${path} answered ${res.status}: ${text}`);
  return text ? (JSON.parse(text) as unknown) : null;
}

/** A call to the sandbox's Xero API as another Xero user would make it (not through xport). */
export async function xeroSend(h: Harness, method: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${h.sandbox.url}/api.xro/2.0${path}`, {
    method,
    body: JSON.stringify(body),
    headers: { authorization: `Bearer ${await h.sandboxToken()}`, 'xero-tenant-id': h.tenantId, accept: 'application/json', 'content-type': 'application/json' },
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`sandbox ${method} ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

export async function xeroList(h: Harness, path: string): Promise<Array<Record<string, unknown>>> {
  const body = await h.xeroGet(path);
  const key = Object.keys(body).find((k) => Array.isArray(body[k]));
  return key ? (body[key] as Array<Record<string, unknown>>) : [];
}

export async function contactIdByName(h: Harness, name: string): Promise<string> {
  const list = await xeroList(h, `/Contacts?where=${encodeURIComponent(`Name=="${name}"`)}&includeArchived=true`);
  const id = list[0]?.ContactID;
  assert.ok(typeof id === 'string', `no Xero contact named ${name}`);
  return id;
}

export async function setLockDates(h: Harness, dates: { PeriodLockDate?: string | null; EndOfYearLockDate?: string | null }): Promise<void> {
  await control(h, 'PATCH', `/organisations/${h.tenantId}`, dates);
}

/** Asserts a failure a bookkeeper can act on: the class and code, Xero's or xport's reason, an action that says what to do. */
export function assertActionable(e: ExportView, want: { code: string; errorClass: string; error: RegExp; action: RegExp }): void {
  assert.equal(e.status, 'failed', `expected a failed export, got ${e.status} (${e.reason ?? e.error ?? ''})`);
  assert.equal(e.errorCode, want.code, e.error ?? '');
  assert.equal(e.errorClass, want.errorClass);
  assert.match(e.error ?? '', want.error);
  assert.match(e.actionRequired ?? '', want.action);
  // Written for a bookkeeper: a sentence or more, no stack traces or HTTP jargon.
  assert.ok((e.actionRequired ?? '').length > 40, e.actionRequired ?? '');
  assert.doesNotMatch(e.actionRequired ?? '', /undefined|\{\w+\}|Error:|at .*\.ts/);
}

export function assertExported(e: ExportView): void {
  assert.equal(e.status, 'exported', `${e.sourceId}: ${e.status} ${e.errorCode ?? ''} ${e.error ?? e.reason ?? ''}`);
}

export async function logMessages(h: Harness, q: string, level: 'all' | 'info' | 'error' = 'all'): Promise<string[]> {
  const res = await h.api('GET', `/api/v1/log?level=${level}&q=${encodeURIComponent(q)}&limit=200`);
  return (res.json as { entries: Array<{ message: string }> }).entries.map((e) => e.message);
}

export const invoiceLine = (over: Record<string, unknown> = {}) => ({ productCode: 'WIDGET', description: 'Widget', quantity: 2, unitPrice: '19.95', taxCode: 'G.S.T.', account: 'sales', ...over });

export function salesInvoice(sourceId: string, contact: string, over: Record<string, unknown> = {}) {
  return { kind: 'sales_invoice', sourceId, date: isoDay(0), dueDate: isoDay(30), contact, currency: 'NZD', lines: [invoiceLine()], ...over };
}

export function customer(sourceId: string, name: string, over: Record<string, unknown> = {}) {
  return { kind: 'customer', sourceId, name, email: `${sourceId.toLowerCase()}@example.test`, currency: 'NZD', ...over };
}

export function supplier(sourceId: string, name: string, over: Record<string, unknown> = {}) {
  return { kind: 'supplier', sourceId, name, email: `${sourceId.toLowerCase()}@example.test`, currency: 'NZD', ...over };
}

export function purchaseBill(sourceId: string, contact: string, over: Record<string, unknown> = {}) {
  return { kind: 'purchase_bill', sourceId, date: isoDay(0), dueDate: isoDay(20), contact, currency: 'NZD', lines: [invoiceLine({ taxCode: 'G.S.T.', account: 'purchases' })], ...over };
}

/** How many times an invoice number is in the sandbox (all types and statuses). */
export async function countInvoices(h: Harness, number: string): Promise<number> {
  return (await xeroList(h, `/Invoices?InvoiceNumbers=${encodeURIComponent(number)}`)).length;
}
