/**
 * Realistic Connection Log entries for benches, shaped like the ones the engine writes
 * (src/engine/connection-log-writer.ts): exports, Xero calls, validation errors with Xero's own
 * messages, retries, pauses, ingests and reference refreshes, spread evenly over a time window
 * across several organisations of different sizes. Deterministic (seeded) so runs compare.
 */
import type { LogEntryInput } from '../../src/db/repositories/connection-log';

export const BENCH_TENANTS = [
  { id: 'bench-org-1', name: 'Kauri Outdoor Ltd', share: 0.4 },
  { id: 'bench-org-2', name: 'Pohutukawa Foods Ltd', share: 0.25 },
  { id: 'bench-org-3', name: 'Rimu Hardware Ltd', share: 0.15 },
  { id: 'bench-org-4', name: 'Totara Books Ltd', share: 0.12 },
  { id: 'bench-org-5', name: 'Matai Garden Supplies Ltd', share: 0.08 },
] as const;

const XERO_ERRORS = [
  ['account_code_invalid', "Account code '200' is not a valid code for this document."],
  ['tax_code_invalid', "The TaxType code 'OUTPUT2' does not exist or cannot be used with account code '200'."],
  ['email_invalid', 'Email address must be valid.'],
  ['contact_archived', 'The contact is archived in Xero: restore it or link another one.'],
  ['period_lock_date', 'The document date cannot be before the period lock date (31 Mar 2026).'],
  ['contact_name_exists', 'The contact name Acme Trading is already assigned to another contact.'],
  ['line_amount_mismatch', 'The line amounts do not add up to the document total.'],
] as const;

const KINDS = [
  ['sales_invoice', 'INV'],
  ['sales_credit', 'CN'],
  ['purchase_bill', 'BILL'],
  ['supplier_credit', 'SC'],
  ['journal', 'MJ'],
] as const;

/** Small seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}

function tenantFor(x: number): string {
  let acc = 0;
  for (const t of BENCH_TENANTS) {
    acc += t.share;
    if (x < acc) return t.id;
  }
  return BENCH_TENANTS[0].id;
}

/** A document reference such as INV-0041234; `n` is spread so that each appears in a few entries. */
export function documentRef(kindIndex: number, n: number): string {
  const [, prefix] = KINDS[kindIndex % KINDS.length] ?? KINDS[0];
  return `${prefix}-${String(n).padStart(7, '0')}`;
}

export interface EntryWindow {
  total: number;
  from: Date;
  to: Date;
  seed?: number;
}

/** Entry `i` of `w.total`, at its place in the window (ids and times rise together, as in real life). */
export function makeEntry(i: number, w: EntryWindow, rand: () => number): LogEntryInput {
  const at = new Date(w.from.getTime() + Math.floor(((w.to.getTime() - w.from.getTime()) * i) / w.total));
  const tenantId = tenantFor(rand());
  const kindIndex = Math.floor(rand() * KINDS.length);
  const ref = documentRef(kindIndex, Math.floor(i / 3));
  const kind = KINDS[kindIndex]?.[0] ?? 'sales_invoice';
  const x = rand();
  const base = { tenantId, at, exportId: i + 1, documentRef: ref };
  if (x < 0.5) return { ...base, level: 'info', event: 'export.exported', message: `${ref} exported to Xero (${uuid(rand)})`, details: { kind, durationMs: 200 + Math.floor(rand() * 900) } };
  if (x < 0.65) {
    const size = 1 + Math.floor(rand() * 50);
    const status = rand() < 0.97 ? 200 : pick(rand, [429, 500, 503]);
    return {
      tenantId,
      at,
      level: status < 400 ? 'info' : 'error',
      event: 'xero.call',
      message: `PUT /Invoices: ${size} element(s) sent, HTTP ${status} in ${150 + Math.floor(rand() * 2000)} ms`,
      details: { endpoint: '/Invoices', size, httpStatus: status },
    };
  }
  if (x < 0.75) return { tenantId, at, level: 'info', event: 'documents.ingested', message: `${1 + Math.floor(rand() * 200)} document(s) received (0 already known)` };
  if (x < 0.85) {
    const [code, message] = pick(rand, XERO_ERRORS);
    return { ...base, level: 'error', event: 'export.failed', message: `${ref}: ${message}`, details: { kind, code, class: 'validation', httpStatus: 400 } };
  }
  if (x < 0.9) {
    const why = pick(rand, ['Xero is not answering (HTTP 503 Service Unavailable)', 'Xero rate limit reached (HTTP 429, Retry-After 37 s)', 'The connection to Xero timed out after 30 s']);
    return { ...base, level: 'error', event: 'export.retry', message: `${ref}: ${why}; retrying at ${at.toISOString()} (attempt ${2 + Math.floor(rand() * 4)})` };
  }
  if (x < 0.95) return { ...base, level: 'info', event: 'export.waiting', message: `${ref}: waiting for its contact to be exported first` };
  if (x < 0.97) return { tenantId, at, level: 'info', event: 'reference.refreshed', message: 'Reference data read from Xero: 84 accounts, 12 taxRates, 2 trackingCategories, 3 currencies' };
  if (x < 0.985)
    return {
      tenantId,
      at,
      level: 'error',
      event: 'tenant.paused',
      message: `Exports paused until ${new Date(at.getTime() + 3_600_000).toISOString()}: Xero daily limit reached (5000 calls)`,
      details: { code: 'rate_limit_day' },
    };
  return { tenantId, at, level: 'info', event: 'tenant.resumed', message: 'Exports resumed: the pause ended' };
}

function uuid(rand: () => number): string {
  const hex = () =>
    Math.floor(rand() * 0x10000)
      .toString(16)
      .padStart(4, '0');
  return `${hex()}${hex()}-${hex()}-4${hex().slice(1)}-a${hex().slice(1)}-${hex()}${hex()}${hex()}`;
}
