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
import { ENDPOINTS } from '../domain/registry';
import { planLookups, type LookupKey } from './lookup-plan';
import { xeroDateToIso } from './reference';

export type LookupResult = { found: true; xeroId: string; number: string | null; total: string | null; date: string | null } | { found: false } | { error: string };

/** Pages one look-up call may read before it gives up (and the export is looked up again later). */
export const LOOKUP_MAX_PAGES = 10;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The natural key of a payload, or null when it cannot (or need not) be looked up. */
export function naturalKey(endpoint: XeroEndpoint, payload: Record<string, unknown>): string | null {
  if (str(payload[ENDPOINTS[endpoint].idField])) return null;
  return str(payload[ENDPOINTS[endpoint].keyField]);
}

/**
 * Exactly the document looked for: the same key (string equality) — or one an earlier revision of
 * it had — the same type and contact; never a deleted one.
 */
function matches(endpoint: XeroEndpoint, x: Record<string, unknown>, payload: Record<string, unknown>, keys: ReadonlySet<string>): boolean {
  const key = x[ENDPOINTS[endpoint].keyField];
  if (x.Status === 'DELETED' || typeof key !== 'string' || !keys.has(key)) return false;
  if (endpoint === 'Invoices' || endpoint === 'CreditNotes') {
    if (payload.Type !== undefined && x.Type !== payload.Type) return false;
    // ACCPAY numbers are not unique in Xero: the contact must match as well.
    const contactId = (payload.Contact as { ContactID?: string } | undefined)?.ContactID;
    if (contactId && (x.Contact as { ContactID?: string } | undefined)?.ContactID !== contactId) return false;
  }
  return true;
}

function resultOf(endpoint: XeroEndpoint, match: Record<string, unknown>): LookupResult {
  const numberField = ENDPOINTS[endpoint].numberField;
  return {
    found: true,
    xeroId: String(match[ENDPOINTS[endpoint].idField]),
    number: numberField ? String(match[numberField] ?? '') || null : null,
    total: match.Total === undefined ? null : String(match.Total),
    date: xeroDateToIso(match.Date) ?? null,
  };
}

type Around = <T>(call: () => Promise<T>) => Promise<T>;

/** Every page of one look-up call, or the reason it could not be read. */
async function fetchAll(
  xero: XeroClient,
  tenantId: string,
  endpoint: XeroEndpoint,
  query: Record<string, string>,
  around: Around,
): Promise<{ list: Array<Record<string, unknown>> } | { error: string }> {
  const list: Array<Record<string, unknown>> = [];
  for (let page = 1; ; page += 1) {
    const res = await around(() => xero.call({ method: 'GET', path: `/${endpoint}`, tenantId, query: { ...query, page: String(page) } }));
    if (res.kind !== 'response') return { error: res.kind === 'network' ? res.detail : res.reason };
    if (res.status !== 200) return { error: `lookup answered HTTP ${res.status}` };
    const body = parseJson(res.bodyText) as Record<string, unknown> | null;
    list.push(...((body?.[endpoint] ?? []) as Array<Record<string, unknown>>));
    const pages = (body?.pagination as { pageCount?: number } | undefined)?.pageCount ?? 1;
    if (page >= pages) return { list };
    if (page >= LOOKUP_MAX_PAGES) return { error: `lookup matched more than ${LOOKUP_MAX_PAGES} pages of ${endpoint}` };
  }
}

/**
 * Looks every payload up in as few GETs as fit the URL limit (lookup-plan.ts). `around` wraps
 * each call (the call gate). `earlierKeys[i]` are keys earlier revisions of payload i were sent
 * with (a journal's narration changes with its content). Results are in the order of `payloads`.
 */
export async function findManyInXero(
  xero: XeroClient,
  tenantId: string,
  endpoint: XeroEndpoint,
  payloads: Array<Record<string, unknown>>,
  around: Around = (call) => call(),
  earlierKeys: ReadonlyArray<readonly string[]> = [],
): Promise<LookupResult[]> {
  const keySets = payloads.map((p, i) => {
    const key = naturalKey(endpoint, p);
    return new Set(key === null ? [] : [key, ...(earlierKeys[i] ?? [])]);
  });
  const keys: LookupKey[] = [];
  payloads.forEach((p, i) => {
    const contactId = str((p.Contact as { ContactID?: unknown } | undefined)?.ContactID) ?? undefined;
    for (const key of keySets[i] ?? []) keys.push({ i, key, type: str(p.Type) ?? undefined, contactId });
  });
  const seen = payloads.map((): Array<Record<string, unknown>> => []);
  const errors = new Map<number, string>();
  for (const call of planLookups(endpoint, keys)) {
    const got = await fetchAll(xero, tenantId, endpoint, call.query, around);
    for (const k of call.items) {
      if ('error' in got) errors.set(k.i, got.error);
      else seen[k.i]?.push(...got.list);
    }
  }
  return payloads.map((p, i): LookupResult => {
    const error = errors.get(i);
    if (error !== undefined) return { error };
    const keySet = keySets[i] ?? new Set<string>();
    const main = naturalKey(endpoint, p);
    const candidates = (seen[i] ?? []).filter((x) => matches(endpoint, x, p, keySet));
    // This revision's own record first; else one an earlier revision created.
    const match = candidates.find((x) => x[ENDPOINTS[endpoint].keyField] === main) ?? candidates[0];
    return match ? resultOf(endpoint, match) : { found: false };
  });
}

export async function findInXero(
  xero: XeroClient,
  tenantId: string,
  endpoint: XeroEndpoint,
  payload: Record<string, unknown>,
  around?: <T>(call: () => Promise<T>) => Promise<T>,
): Promise<LookupResult> {
  const [result] = await findManyInXero(xero, tenantId, endpoint, [payload], around);
  return result ?? { found: false };
}

export function xeroIdOf(endpoint: XeroEndpoint, element: Record<string, unknown>): { id: string | null; number: string | null; total: string | null } {
  const id = element[ENDPOINTS[endpoint].idField];
  const numberField = ENDPOINTS[endpoint].numberField;
  const num = numberField ? element[numberField] : null;
  return {
    id: typeof id === 'string' && id !== '00000000-0000-0000-0000-000000000000' ? id : null,
    number: typeof num === 'string' ? num : null,
    total: element.Total === undefined || element.Total === null ? null : String(element.Total),
  };
}
