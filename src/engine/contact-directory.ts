/**
 * Xero's contacts as the settings pages need them: search by name, email or account number, look
 * one up to check a link, and names for many ids. Every read goes through the call gate (it counts
 * against Xero's limits like any call) and answers are cached for a few minutes, so typing in the
 * picker or reopening settings does not spend the organisation's minute allowance.
 */
import { parseJson, type XeroClient } from '../xero/client';
import { throughGate, type CallGate } from './limiter';

export interface XeroContactSummary {
  id: string;
  name: string;
  email: string | null;
  accountNumber: string | null;
  status: string;
}

export type Lookup = { ok: true; contact: XeroContactSummary | null } | { ok: false; reason: string };

const TTL_MS = 5 * 60_000;
const MAX_ENTRIES = 2_000;
const IDS_PER_CALL = 50;

function summary(c: Record<string, unknown>): XeroContactSummary | null {
  if (typeof c.ContactID !== 'string') return null;
  const s = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return { id: c.ContactID.toLowerCase(), name: s(c.Name) ?? '(no name)', email: s(c.EmailAddress), accountNumber: s(c.AccountNumber), status: s(c.ContactStatus) ?? 'ACTIVE' };
}

export class ContactDirectory {
  private readonly cache = new Map<string, { at: number; value: unknown }>();

  constructor(
    private readonly xero: XeroClient,
    private readonly gate: CallGate,
    private readonly now: () => number = Date.now,
  ) {}

  private remember<T>(key: string, value: T): T {
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value ?? '');
    this.cache.set(key, { at: this.now(), value });
    return value;
  }

  private recall<T>(key: string): T | undefined {
    const hit = this.cache.get(key);
    return hit && this.now() - hit.at < TTL_MS ? (hit.value as T) : undefined;
  }

  private async get(tenantId: string, path: string): Promise<{ ok: true; contacts: XeroContactSummary[] } | { ok: false; reason: string; status?: number }> {
    const res = await throughGate(this.gate, tenantId)(() => this.xero.call({ method: 'GET', path, tenantId }));
    if (res.kind !== 'response') return { ok: false, reason: res.kind === 'network' ? `Xero could not be reached (${res.detail})` : res.reason };
    if (res.status !== 200) return { ok: false, reason: `Xero answered HTTP ${res.status}`, status: res.status };
    const body = parseJson(res.bodyText) as { Contacts?: Array<Record<string, unknown>> } | null;
    return { ok: true, contacts: (body?.Contacts ?? []).map(summary).filter((c): c is XeroContactSummary => c !== null) };
  }

  /** Contacts whose name, email or account number contains the term (Xero's searchTerm), first page. */
  async search(tenantId: string, term: string): Promise<{ ok: true; contacts: XeroContactSummary[] } | { ok: false; reason: string }> {
    const key = `s:${tenantId}:${term.toLowerCase()}`;
    const hit = this.recall<XeroContactSummary[]>(key);
    if (hit) return { ok: true, contacts: hit };
    const res = await this.get(tenantId, `/Contacts?searchTerm=${encodeURIComponent(term)}&page=1&pageSize=25&includeArchived=true`);
    if (!res.ok) return res;
    for (const c of res.contacts) this.remember(`c:${tenantId}:${c.id}`, c);
    return { ok: true, contacts: this.remember(key, res.contacts) };
  }

  /** One contact by its ContactID: `contact: null` when Xero says there is none. */
  async lookup(tenantId: string, id: string): Promise<Lookup> {
    const hit = this.recall<XeroContactSummary>(`c:${tenantId}:${id.toLowerCase()}`);
    if (hit) return { ok: true, contact: hit };
    const res = await this.get(tenantId, `/Contacts/${encodeURIComponent(id)}`);
    if (!res.ok) return res.status === 404 ? { ok: true, contact: null } : res;
    const c = res.contacts[0] ?? null;
    return { ok: true, contact: c ? this.remember(`c:${tenantId}:${c.id}`, c) : null };
  }

  /** Names for many ids (cached ones without a call; the rest 50 per call); ids Xero does not know are left out. */
  async names(tenantId: string, ids: string[]): Promise<Map<string, XeroContactSummary>> {
    const out = new Map<string, XeroContactSummary>();
    const missing: string[] = [];
    for (const id of new Set(ids.map((i) => i.toLowerCase()))) {
      const hit = this.recall<XeroContactSummary>(`c:${tenantId}:${id}`);
      if (hit) out.set(id, hit);
      else if (/^[0-9a-f-]{36}$/.test(id)) missing.push(id);
    }
    for (let i = 0; i < missing.length; i += IDS_PER_CALL) {
      const res = await this.get(tenantId, `/Contacts?IDs=${missing.slice(i, i + IDS_PER_CALL).join(',')}&includeArchived=true`);
      if (!res.ok) break;
      for (const c of res.contacts) out.set(c.id, this.remember(`c:${tenantId}:${c.id}`, c));
    }
    return out;
  }
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/**
 * A Xero ContactID from what a person pastes: the id itself, or the contact's page in Xero
 * (go.xero.com/Contacts/View/<id>, go.xero.com/app/<org>/contacts/contact/<id>, …). Null otherwise.
 */
export function contactIdFrom(input: string): string | null {
  const v = input.trim();
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) return v.toLowerCase();
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || !/(^|\.)xero\.com$/i.test(url.hostname) || !/contact/i.test(url.pathname + url.search)) return null;
  const m = GUID.exec(url.pathname) ?? GUID.exec(url.search);
  return m ? m[0].toLowerCase() : null;
}
