/**
 * The end-of-run check: every document is in Xero exactly once (counted by its natural key in the
 * sandbox, read page by page through the Accounting API) with the Xero id xport recorded, or is
 * failed with a reason and absent from Xero. The request journal adds what the run went through.
 */
import type { Store } from '../../../src/db/store';
import type { JournalEntry } from '../../../src/sandbox/index';
import { xeroKeyOf } from './documents';

export interface SandboxApi {
  url: string;
  get(path: string): Promise<Record<string, unknown>>;
  journal(): Promise<JournalEntry[]>;
}

export async function sandboxApi(url: string, clientId: string, clientSecret: string, tenantId: string): Promise<SandboxApi> {
  const tokenRes = await fetch(`${url}/connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
  });
  const token = ((await tokenRes.json()) as { access_token: string }).access_token;
  return {
    url,
    async get(path) {
      // The checker's own reads must not trip the organisation's limits or faults: retried until answered.
      for (let attempt = 0; ; attempt += 1) {
        const res = await fetch(`${url}/api.xro/2.0${path}`, { headers: { authorization: `Bearer ${token}`, 'xero-tenant-id': tenantId, accept: 'application/json' } }).catch(() => null);
        if (res?.status === 200) return (await res.json()) as Record<string, unknown>;
        if (attempt > 200) throw new Error(`sandbox GET ${path} answered ${res?.status ?? 'nothing'}`);
        await new Promise((r) => setTimeout(r, res?.status === 429 ? 1000 : 100));
      }
    },
    async journal() {
      const res = await fetch(`${url}/_sandbox/requests?tenantId=${tenantId}`);
      const body = (await res.json()) as { requests?: JournalEntry[] } | JournalEntry[];
      return Array.isArray(body) ? body : (body.requests ?? []);
    },
  };
}

/** Natural key → Xero ids of the records found under it. */
export async function recordsInXero(api: SandboxApi): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const add = (key: string, id: unknown) => out.set(key, [...(out.get(key) ?? []), String(id)]);
  const pages = async (collection: string, extra: string, each: (r: Record<string, unknown>) => void) => {
    for (let page = 1; ; page += 1) {
      const body = await api.get(`/${collection}?page=${page}&pageSize=1000${extra}`);
      const list = (body[collection] ?? []) as Array<Record<string, unknown>>;
      list.forEach(each);
      if (list.length < 1000) return;
    }
  };
  await pages('Contacts', '&includeArchived=true', (c) => {
    if (c.ContactNumber) add(`contact:${String(c.ContactNumber)}`, c.ContactID);
  });
  await pages('Invoices', '', (r) => {
    if (r.Status !== 'DELETED') add(`${String(r.Type)}:${String(r.InvoiceNumber)}`, r.InvoiceID);
  });
  await pages('CreditNotes', '', (r) => {
    if (r.Status !== 'DELETED') add(`${String(r.Type)}:${String(r.CreditNoteNumber)}`, r.CreditNoteID);
  });
  await pages('ManualJournals', '', (r) => {
    const m = /\[([^\]]+)\]$/.exec(String(r.Narration ?? ''));
    if (m?.[1] && r.Status !== 'DELETED') add(`journal:${m[1]}`, r.ManualJournalID);
  });
  return out;
}

export interface Verdict {
  documents: number;
  exported: number;
  failed: number;
  /** Exported and found in Xero exactly once, with the recorded id. */
  exactlyOnce: number;
  duplicates: string[];
  /** Exported in xport but not (or under another id) in Xero. */
  missing: string[];
  /** Failed without a reason, or failed yet present in Xero. */
  badFailures: string[];
  /** Neither exported nor failed. */
  unfinished: string[];
  /** Failed although they were good documents (e.g. too many transient failures). */
  unexpectedFailures: string[];
  /** Bad documents that did not fail. */
  notFailed: string[];
  failureReasons: Record<string, number>;
  ok: boolean;
}

export async function verifyExactlyOnce(store: Store, tenantId: string, api: SandboxApi, mustFail: Set<string>, prefixes: string[]): Promise<Verdict> {
  const inXero = await recordsInXero(api);
  const rows = await store.db
    .selectFrom('exports')
    .select(['kind', 'source_id', 'status', 'xero_id', 'last_error', 'error_code'])
    .where('tenant_id', '=', tenantId)
    .where('status', '!=', 'skipped')
    .execute();
  const v: Verdict = {
    documents: rows.length,
    exported: 0,
    failed: 0,
    exactlyOnce: 0,
    duplicates: [],
    missing: [],
    badFailures: [],
    unfinished: [],
    unexpectedFailures: [],
    notFailed: [],
    failureReasons: {},
    ok: false,
  };
  const ours = (key: string) => prefixes.some((p) => key.split(':').slice(1).join(':').startsWith(p));
  for (const [key, ids] of inXero) if (ours(key) && ids.length > 1) v.duplicates.push(`${key} ×${ids.length}`);
  for (const r of rows) {
    const key = xeroKeyOf(r.kind, r.source_id);
    const ids = inXero.get(key) ?? [];
    if (r.status === 'exported') {
      v.exported += 1;
      if (ids.length === 1 && ids[0] === r.xero_id) v.exactlyOnce += 1;
      else if (ids.length === 0 || !ids.includes(r.xero_id ?? '')) v.missing.push(`${key} (recorded ${r.xero_id ?? 'no id'}, Xero has ${ids.join(', ') || 'nothing'})`);
      if (mustFail.has(r.source_id)) v.notFailed.push(key);
    } else if (r.status === 'failed') {
      v.failed += 1;
      const reason = `${r.error_code ?? '?'}: ${(r.last_error ?? '').slice(0, 90)}`;
      v.failureReasons[reason] = (v.failureReasons[reason] ?? 0) + 1;
      if (!r.last_error || !r.error_code || ids.length > 0) v.badFailures.push(`${key} (${r.last_error ?? 'no reason'}; in Xero ${ids.length}×)`);
      if (!mustFail.has(r.source_id)) v.unexpectedFailures.push(`${key}: ${r.last_error ?? ''}`);
    } else {
      v.unfinished.push(`${key} (${r.status})`);
    }
  }
  for (const id of mustFail) if (!rows.some((r) => r.source_id === id && r.status === 'failed')) v.notFailed.push(id);
  v.notFailed = [...new Set(v.notFailed)];
  v.ok = v.duplicates.length === 0 && v.missing.length === 0 && v.badFailures.length === 0 && v.unfinished.length === 0 && v.notFailed.length === 0;
  return v;
}

export interface JournalSummary {
  calls: number;
  writes: number;
  lookups: number;
  elementsSent: number;
  replayed: number;
  faults: Record<string, number>;
  unanswered: number;
}

export function summariseJournal(entries: JournalEntry[]): JournalSummary {
  const s: JournalSummary = { calls: entries.length, writes: 0, lookups: 0, elementsSent: 0, replayed: 0, faults: {}, unanswered: 0 };
  for (const e of entries) {
    if (e.method === 'POST' || e.method === 'PUT') {
      s.writes += 1;
      s.elementsSent += e.elements ?? 0;
    }
    if (e.method === 'GET' && (e.query.includes('where') || e.query.toLowerCase().includes('invoicenumbers'))) s.lookups += 1;
    if (e.replayed) s.replayed += 1;
    if (e.fault) s.faults[e.fault] = (s.faults[e.fault] ?? 0) + 1;
    if (e.status === null) s.unanswered += 1;
  }
  return s;
}
