/**
 * How a look-up finds documents whatever their numbers hold (docs/reliability.md, "Look-ups").
 *
 * - `InvoiceNumbers=a,b` splits on commas, so it only carries numbers without a comma, a double
 *   quote (its documented examples quote the numbers) or a control character.
 * - In a `where` string literal Xero has no escape: `"` always ends the string (a `\"` is a syntax
 *   error) and a backslash is not documented either way. So `Field=="value"` is only used for values
 *   without `"`, `\` or control characters. Any other value is looked up with
 *   `Field.Contains("…")` on its longest run of safe characters, narrowed by type and contact where
 *   the endpoint has them; a value with no safe character at all by that narrowing alone.
 * - Whatever a call returns is matched on the client exactly (string equality, type, contact), so
 *   a broad call can never match the wrong document.
 * - Calls are split by the length of their query string (LOOKUP_QUERY_MAX), not by a count of keys.
 */
import type { XeroEndpoint } from '../domain/types';
import { ENDPOINTS } from '../domain/registry';

/**
 * The longest query string a look-up sends, in characters as sent (percent-encoded). Xero does not
 * publish a URL limit; 2,000 characters for the whole URL is the length every HTTP server and proxy
 * on the way is known to accept, and this leaves room for the host and path.
 */
export const LOOKUP_QUERY_MAX = 1900;

export interface LookupKey {
  /** Index of the payload in the caller's list. */
  i: number;
  key: string;
  type?: string;
  contactId?: string;
}

export interface LookupCall {
  query: Record<string, string>;
  items: LookupKey[];
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/u;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a value can go into a comma-separated list parameter and come back as itself. */
export function listSafe(v: string): boolean {
  return v !== '' && v === v.trim() && !v.includes(',') && !v.includes('"') && !CONTROL.test(v);
}

/** Whether a value can stand between the double quotes of a where string literal. */
export function whereSafe(v: string): boolean {
  return !v.includes('"') && !v.includes('\\') && !CONTROL.test(v);
}

/** The longest run of where-safe characters in a value ('' when there is none). */
export function safeSegment(v: string): string {
  let best = '';
  let run = '';
  for (const ch of v) {
    if (whereSafe(ch)) run += ch;
    else run = '';
    if (run.length > best.length) best = run;
  }
  return best;
}

const encodedLength = (query: Record<string, string>): number => new URLSearchParams(query).toString().length;

function narrowing(endpoint: XeroEndpoint, k: LookupKey): string[] {
  if (!ENDPOINTS[endpoint].narrowByTypeAndContact) return [];
  const parts: string[] = [];
  if (k.type && /^[A-Z]+$/.test(k.type)) parts.push(`Type=="${k.type}"`);
  if (k.contactId && GUID.test(k.contactId)) parts.push(`Contact.ContactID==Guid("${k.contactId}")`);
  return parts;
}

/** The where condition that finds one key: exact where it can be, otherwise a Contains narrowed down. */
export function keyCondition(endpoint: XeroEndpoint, k: LookupKey, budget = LOOKUP_QUERY_MAX): string | null {
  const field = ENDPOINTS[endpoint].keyField;
  const exact = `${field}=="${k.key}"`;
  if (whereSafe(k.key) && encodedLength({ where: exact }) <= budget) return exact;
  const narrow = narrowing(endpoint, k);
  let segment = safeSegment(k.key);
  const build = () => [...narrow, ...(segment ? [`${field}.Contains("${segment}")`] : [])].join(' AND ') || null;
  // A value too long to send whole: a shorter part of it still finds it (the match is on the client).
  // By code points: a cut through a surrogate pair would send a character the document does not hold.
  while (segment && encodedLength({ where: build() ?? '' }) > budget) {
    const points = [...segment];
    segment = points.slice(0, Math.floor(points.length * 0.8)).join('');
  }
  return build();
}

function baseQuery(endpoint: XeroEndpoint): Record<string, string> {
  return { page: '1', pageSize: '1000', ...ENDPOINTS[endpoint].lookupQuery };
}

/** Packs keys into as few calls as fit LOOKUP_QUERY_MAX; `param` joins values, `where` ORs conditions. */
function pack(keys: LookupKey[], render: (group: LookupKey[]) => Record<string, string>): LookupCall[] {
  const calls: LookupCall[] = [];
  let group: LookupKey[] = [];
  for (const k of keys) {
    if (group.length > 0 && encodedLength(render([...group, k])) > LOOKUP_QUERY_MAX) {
      calls.push({ query: render(group), items: group });
      group = [];
    }
    group.push(k);
  }
  if (group.length > 0) calls.push({ query: render(group), items: group });
  return calls;
}

/** The calls that look every key up; each key is in exactly one call. */
export function planLookups(endpoint: XeroEndpoint, keys: LookupKey[]): LookupCall[] {
  const base = baseQuery(endpoint);
  const param = ENDPOINTS[endpoint].listParam;
  const listed = param ? keys.filter((k) => listSafe(k.key) && encodedLength({ [param]: k.key, ...base }) <= LOOKUP_QUERY_MAX) : [];
  const rest = keys.filter((k) => !listed.includes(k));
  const calls = param ? pack(listed, (g) => ({ [param]: [...new Set(g.map((k) => k.key))].join(','), ...base })) : [];
  const budget = LOOKUP_QUERY_MAX - encodedLength(base) - 1;
  const conditioned = rest.map((k) => ({ k, c: keyCondition(endpoint, k, budget) }));
  // No condition at all (a value made only of quotes and backslashes, no type or contact): every record, paged.
  for (const { k } of conditioned.filter((x) => x.c === null)) calls.push({ query: base, items: [k] });
  const withCondition = conditioned.filter((x): x is { k: LookupKey; c: string } => x.c !== null);
  const conditionOf = new Map(withCondition.map((x) => [x.k, x.c]));
  const or = (g: LookupKey[]) => {
    const conditions = [...new Set(g.map((k) => conditionOf.get(k) ?? ''))];
    return conditions.length === 1 ? (conditions[0] ?? '') : conditions.map((c) => `(${c})`).join(' OR ');
  };
  calls.push(
    ...pack(
      withCondition.map((x) => x.k),
      (g) => ({ where: or(g), ...base }),
    ),
  );
  return calls;
}
