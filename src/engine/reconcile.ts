/**
 * Exactly once: when an earlier attempt's outcome is unknown (timeout, dropped connection, a 5xx
 * that may have come after the write, a worker that died mid-call), look the documents up in Xero
 * by their natural keys before sending them again. Found: exported, with Xero's id. Not found: safe
 * to send. Natural keys are ones xport itself sets, so a record someone else created never matches:
 * ContactNumber (= the source id) for contacts, the number (+ type and contact) for invoices and
 * credit notes, and the narration (which ends with "[sourceId]") for manual journals.
 * Updates (the payload carries Xero's id) are not looked up: sending one again is harmless.
 */
import type { XeroEndpoint } from '../domain/types';
import { parseJson, type XeroClient } from '../xero/client';

export type LookupResult = { found: true; xeroId: string; number: string | null; total: string | null } | { found: false } | { error: string };

/** Keys per lookup call: one GET answers a whole batch while keeping the URL short. */
export const LOOKUP_CHUNK = 25;

const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export const ID_FIELD: Record<XeroEndpoint, string> = { Contacts: 'ContactID', Invoices: 'InvoiceID', CreditNotes: 'CreditNoteID', ManualJournals: 'ManualJournalID' };
const NUMBER_FIELD: Record<XeroEndpoint, string | null> = { Contacts: null, Invoices: 'InvoiceNumber', CreditNotes: 'CreditNoteNumber', ManualJournals: null };
/** The field each endpoint is looked up by. */
const KEY_FIELD: Record<XeroEndpoint, string> = { Contacts: 'ContactNumber', Invoices: 'InvoiceNumber', CreditNotes: 'CreditNoteNumber', ManualJournals: 'Narration' };

/** The natural key of a payload, or null when it cannot (or need not) be looked up. */
export function naturalKey(endpoint: XeroEndpoint, payload: Record<string, unknown>): string | null {
  if (str(payload[ID_FIELD[endpoint]])) return null;
  return str(payload[KEY_FIELD[endpoint]]);
}

function lookupQuery(endpoint: XeroEndpoint, keys: string[]): Record<string, string> {
  if (endpoint === 'Invoices') return { InvoiceNumbers: keys.join(','), page: '1', pageSize: '1000' };
  const where = keys.map((k) => `${KEY_FIELD[endpoint]}==${quote(k)}`).join(' OR ');
  return { where, page: '1', pageSize: '1000', ...(endpoint === 'Contacts' ? { includeArchived: 'true' } : {}) };
}

function matches(endpoint: XeroEndpoint, x: Record<string, unknown>, payload: Record<string, unknown>): boolean {
  if (x.Status === 'DELETED' || x[KEY_FIELD[endpoint]] !== payload[KEY_FIELD[endpoint]]) return false;
  if (endpoint === 'Invoices' || endpoint === 'CreditNotes') {
    if (payload.Type !== undefined && x.Type !== payload.Type) return false;
    // ACCPAY numbers are not unique in Xero: the contact must match as well.
    const contactId = (payload.Contact as { ContactID?: string } | undefined)?.ContactID;
    if (contactId && (x.Contact as { ContactID?: string } | undefined)?.ContactID !== contactId) return false;
  }
  return true;
}

function resultOf(endpoint: XeroEndpoint, match: Record<string, unknown>): LookupResult {
  const numberField = NUMBER_FIELD[endpoint];
  return {
    found: true,
    xeroId: String(match[ID_FIELD[endpoint]]),
    number: numberField ? String(match[numberField] ?? '') || null : null,
    total: match.Total === undefined ? null : String(match.Total),
  };
}

/**
 * Looks every payload up, one GET per LOOKUP_CHUNK keys. `around` wraps each call (the call gate).
 * Results are in the order of `payloads`.
 */
export async function findManyInXero(
  xero: XeroClient, tenantId: string, endpoint: XeroEndpoint, payloads: Array<Record<string, unknown>>,
  around: <T>(call: () => Promise<T>) => Promise<T> = (call) => call(),
): Promise<LookupResult[]> {
  const results: LookupResult[] = payloads.map(() => ({ found: false }));
  const keyed = payloads.map((p, i) => ({ i, p, key: naturalKey(endpoint, p) })).filter((k): k is { i: number; p: Record<string, unknown>; key: string } => k.key !== null);
  for (let c = 0; c < keyed.length; c += LOOKUP_CHUNK) {
    const chunk = keyed.slice(c, c + LOOKUP_CHUNK);
    const query = lookupQuery(endpoint, [...new Set(chunk.map((k) => k.key))]);
    const res = await around(() => xero.call({ method: 'GET', path: `/${endpoint}`, tenantId, query }));
    let error: string | null = null;
    let list: Array<Record<string, unknown>> = [];
    if (res.kind !== 'response') error = res.kind === 'network' ? res.detail : res.reason;
    else if (res.status !== 200) error = `lookup answered HTTP ${res.status}`;
    else {
      const body = parseJson(res.bodyText) as Record<string, unknown> | null;
      list = (body?.[endpoint] ?? []) as Array<Record<string, unknown>>;
      const pages = (body?.pagination as { pageCount?: number } | undefined)?.pageCount ?? 1;
      if (pages > 1) error = `lookup matched more than one page of ${endpoint}`;
    }
    for (const k of chunk) {
      if (error) { results[k.i] = { error }; continue; }
      const match = list.find((x) => matches(endpoint, x, k.p));
      results[k.i] = match ? resultOf(endpoint, match) : { found: false };
    }
  }
  return results;
}

export async function findInXero(
  xero: XeroClient, tenantId: string, endpoint: XeroEndpoint, payload: Record<string, unknown>,
  around?: <T>(call: () => Promise<T>) => Promise<T>,
): Promise<LookupResult> {
  const [result] = await findManyInXero(xero, tenantId, endpoint, [payload], around);
  return result ?? { found: false };
}

export function xeroIdOf(endpoint: XeroEndpoint, element: Record<string, unknown>): { id: string | null; number: string | null; total: string | null } {
  const id = element[ID_FIELD[endpoint]];
  const numberField = NUMBER_FIELD[endpoint];
  const num = numberField ? element[numberField] : null;
  return {
    id: typeof id === 'string' && id !== '00000000-0000-0000-0000-000000000000' ? id : null,
    number: typeof num === 'string' ? num : null,
    total: element.Total === undefined || element.Total === null ? null : String(element.Total),
  };
}
