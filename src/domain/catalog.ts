/**
 * The error catalog: every failure xport can meet, recognised from Xero's answer (status, message,
 * headers), from the network, or from pre-validation, and turned into a class, a stable code, a cause
 * and an *Action Required*. Callers never string-match Xero's text themselves.
 */
import type { CatalogEntry, NetworkFailureKind } from './catalog-types.ts';
import { HTTP_ENTRIES } from './catalog-http.ts';
import { XERO_CONTACT_AND_STATE_ENTRIES } from './catalog-xero-contacts.ts';
import { XERO_MESSAGE_ENTRIES } from './catalog-xero-messages.ts';
import type { ErrorClass } from './types.ts';

export type { CatalogEntry, CatalogMatch, NetworkFailureKind } from './catalog-types.ts';

/** Every entry of the catalog, as written (literal codes, conditions and templates). */
type Entry = (typeof XERO_MESSAGE_ENTRIES)[number] | (typeof XERO_CONTACT_AND_STATE_ENTRIES)[number] | (typeof HTTP_ENTRIES)[number];
/** A code the catalog defines: an unknown one does not compile. */
export type CatalogCode = Entry['code'];
/** A code xport raises itself before sending a document (`prevalidation: true`, with a template). */
export type PrevalidationCode = Extract<Entry, { match: { prevalidation: true }; template: string }>['code'];
/** A code xport raises itself with a message of its own (any entry with a template). */
export type XportFailureCode = Extract<Entry, { template: string }>['code'];

export interface Classified {
  code: CatalogCode;
  class: ErrorClass;
  /** Xero's own text where there is one (verbatim), otherwise xport's. */
  message: string;
  cause: string;
  action: string;
}

/**
 * All entries, in the order docs/errors.md lists them. The order does not decide which entry matches:
 * see `mostSpecific`.
 */
export const CATALOG: readonly CatalogEntry<CatalogCode>[] = [...XERO_MESSAGE_ENTRIES, ...XERO_CONTACT_AND_STATE_ENTRIES, ...HTTP_ENTRIES];

const BY_CODE = new Map<string, CatalogEntry<CatalogCode>>(CATALOG.map((e) => [e.code, e]));
const UNKNOWN_VALIDATION: CatalogCode = 'xero_validation_error';
const UNKNOWN_SERVER: CatalogCode = 'xero_unexpected_error';
/** Placeholders a Xero message may not carry; the wording then stays readable. */
const DEFAULTS: Record<string, string> = {
  direction: 'sales or purchases',
  contact: 'this document needs',
  contactKind: 'contact',
  code: '(unknown)',
  lockDate: 'the lock date',
  source: 'a line',
  status: 'error',
  detail: 'no detail',
  problem: 'unknown',
};

export function catalogEntry(code: CatalogCode): CatalogEntry<CatalogCode> {
  const e = BY_CODE.get(code);
  if (!e) throw new Error(`unknown catalog code "${code}"`);
  return e;
}

/** Replaces `{name}` with params[name] (then a neutral default) in a catalog text. */
export function fillTemplate(text: string, params: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (_m, k: string) => params[k] ?? DEFAULTS[k] ?? '?');
}

/** Whether `code` is one the catalog defines (codes read back from the database or a request). */
export function isCatalogCode(code: string): code is CatalogCode {
  return BY_CODE.has(code);
}

/** Whether xport can raise `code` itself, with its own message (the entry has a template). */
export function isXportFailureCode(code: CatalogCode): code is XportFailureCode {
  return BY_CODE.get(code)?.template !== undefined;
}

function classified(e: CatalogEntry<CatalogCode>, message: string, params: Record<string, string>): Classified {
  return { code: e.code, class: e.class, message, cause: fillTemplate(e.cause, params), action: fillTemplate(e.action, params) };
}

type Hit = { entry: CatalogEntry<CatalogCode>; params: Record<string, string>; length: number };

/** The first of the entry's patterns that matches `text`: its named groups, and how much of the text it covered. */
function matchMessage(e: CatalogEntry<CatalogCode>, text: string): Hit | null {
  for (const re of e.match.messages ?? []) {
    const m = re.exec(text);
    if (m) return { entry: e, params: { ...(m.groups ?? {}) }, length: m[0].length };
  }
  return null;
}

/**
 * Of several entries that recognise the same answer, the one whose pattern covers more of the text,
 * then the first code in alphabetical order: the choice never depends on the order of the catalog
 * files. test/domain/catalog.test.ts checks that no known message needs the tie-break.
 */
function mostSpecific(hits: readonly Hit[]): Hit | null {
  let best: Hit | null = null;
  for (const h of hits) {
    if (!best || h.length > best.length || (h.length === best.length && h.entry.code < best.entry.code)) best = h;
  }
  return best;
}

/** Entries that recognise element-level messages: no status restriction, or one that includes 400. */
const ELEMENT_ENTRIES = CATALOG.filter((e) => e.match.messages && (!e.match.status || e.match.status.includes(400)));

/** The entries that recognise `text` as one element's message, specific ones apart from generic ones. */
export function elementMatches(text: string): { specific: Hit[]; generic: Hit[] } {
  const hits = ELEMENT_ENTRIES.map((e) => matchMessage(e, text)).filter((h): h is Hit => h !== null);
  return { specific: hits.filter((h) => !h.entry.generic), generic: hits.filter((h) => h.entry.generic) };
}

/** The first message (in Xero's order) with a specific match decides; a generic match only when none has one. */
function bestElementMatch(messages: readonly string[]): Hit | null {
  let generic: Hit | null = null;
  for (const text of messages) {
    const { specific, generic: vague } = elementMatches(text);
    const hit = mostSpecific(specific);
    if (hit) return hit;
    generic ??= mostSpecific(vague);
  }
  return generic;
}

/**
 * One element that Xero marked ERROR (or a 400's elements). The most specific recognised message
 * decides the code; a generic one ("Account must be valid.") only when nothing else matched.
 */
export function classifyElementErrors(messages: string[]): Classified {
  const texts = [...new Set(messages.map((m) => m.trim()).filter((m) => m !== ''))];
  const message = texts.length > 0 ? texts.join('; ') : 'Xero rejected the document without giving a reason.';
  const best = bestElementMatch(texts);
  if (best) return classified(best.entry, message, best.params);
  return classified(catalogEntry(UNKNOWN_VALIDATION), message, {});
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The messages inside a Xero error body: element ValidationErrors, or the top-level text. */
export function extractMessages(bodyText: string): { elements: string[]; text: string } {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    const plain = bodyText
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return { elements: [], text: plain.length > 500 ? `${plain.slice(0, 497)}...` : plain };
  }
  if (!isRecord(body)) return { elements: [], text: typeof body === 'string' ? body : '' };
  const elements: string[] = [];
  for (const el of Array.isArray(body.Elements) ? body.Elements : []) {
    const errors: unknown[] = isRecord(el) && Array.isArray(el.ValidationErrors) ? el.ValidationErrors : [];
    for (const ve of errors) if (isRecord(ve) && typeof ve.Message === 'string') elements.push(ve.Message);
  }
  const parts = [body.Detail, body.Message, body.error, body.error_description, body.detail, body.title].filter((p): p is string => typeof p === 'string' && p !== '');
  return { elements, text: parts[0] === undefined ? '' : parts.slice(0, body.error !== undefined ? 2 : 1).join(': ') };
}

function lowerKeys(h: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

/**
 * The entries that recognise a whole response: those whose status list holds it and whose header and
 * message conditions hold. An entry with such a condition is more specific than a status-only one.
 */
export function statusMatches(status: number, text: string, headers: Record<string, string | undefined>): { conditional: Hit[]; statusOnly: Hit[] } {
  const conditional: Hit[] = [];
  const statusOnly: Hit[] = [];
  for (const entry of CATALOG) {
    const m = entry.match;
    if (!m.status?.includes(status)) continue;
    if (m.header && !m.header.pattern.test(headers[m.header.name] ?? '')) continue;
    if (!m.header && !m.messages) {
      statusOnly.push({ entry, params: {}, length: 0 });
      continue;
    }
    const hit = m.messages ? matchMessage(entry, text) : { entry, params: {}, length: 0 };
    if (hit) conditional.push(hit);
  }
  return { conditional, statusOnly };
}

function statusEntryFor(status: number, text: string, headers: Record<string, string | undefined>): Hit | null {
  const { conditional, statusOnly } = statusMatches(status, text, headers);
  return mostSpecific(conditional) ?? mostSpecific(statusOnly);
}

/** A whole-response failure: 4xx/5xx (or a token-endpoint error) that is not one element's outcome. */
export function classifyHttpResponse(r: { status: number; headers: Record<string, string | undefined>; bodyText: string }): Classified {
  const headers = lowerKeys(r.headers);
  const { elements, text } = extractMessages(r.bodyText);
  const base = { status: String(r.status), problem: headers['x-rate-limit-problem'] ?? 'unknown' };
  if (elements.length > 0) return classifyElementErrors(elements);
  const hit = statusEntryFor(r.status, text, headers);
  if (hit) {
    const params = { ...base, ...hit.params };
    return classified(hit.entry, text !== '' ? text : fillTemplate(hit.entry.template ?? hit.entry.title, params), params);
  }
  if (r.status >= 400 && r.status < 500 && text !== '') return classifyElementErrors([text]);
  const fallback = catalogEntry(r.status >= 500 || r.status < 400 ? UNKNOWN_SERVER : UNKNOWN_VALIDATION);
  return classified(fallback, text !== '' ? text : fillTemplate(fallback.template ?? fallback.title, base), base);
}

export function classifyNetworkFailure(kind: NetworkFailureKind, detail: string): Classified {
  // One entry per kind (test/domain/catalog.test.ts), so `find` is not an order-dependent choice.
  const entry = CATALOG.find((e) => e.match.network?.includes(kind));
  if (!entry) throw new Error(`no catalog entry for network failure "${kind}"`);
  const params = { detail: detail.trim() === '' ? kind : detail.trim() };
  return classified(entry, fillTemplate(entry.template ?? entry.title, params), params);
}

/** A failure xport found before sending. Unknown or non-pre-validation codes are programming errors. */
export function prevalidationFailure(code: PrevalidationCode, params: Record<string, string>): Classified {
  const entry = catalogEntry(code);
  if (!entry.match.prevalidation || entry.template === undefined) {
    throw new Error(`catalog code "${code}" is not a pre-validation failure`, { cause: entry });
  }
  return classified(entry, fillTemplate(entry.template, params), params);
}

/**
 * A failure xport raises itself outside document pre-validation (no connection, reference data
 * unavailable, token trouble): any entry with a template. Unknown codes are programming errors.
 */
export function xportFailure(code: XportFailureCode, params: Record<string, string>): Classified {
  const entry = catalogEntry(code);
  if (entry.template === undefined) throw new Error(`catalog code "${code}" has no message template`, { cause: entry });
  return classified(entry, fillTemplate(entry.template, params), params);
}

/** Codes of every pre-validation failure (for docs and tests). */
export const PREVALIDATION_CODES: readonly PrevalidationCode[] = CATALOG.filter((e): e is CatalogEntry<PrevalidationCode> => e.match.prevalidation === true).map((e) => e.code);

/**
 * A transient failure that used up its retries: the catalog's action ("retries by itself") no longer
 * holds, so the failed row says what was tried and what the person can do now.
 */
export function retriesExhausted(c: Classified, attempts: number): Classified {
  return {
    ...c,
    action:
      `xport tried ${attempts} times, with increasing waits, and it failed every time: ${c.cause} ` +
      'Check that Xero is working (status.xero.com) and that this organisation is still connected, then press Export on this row to try again; it gets a fresh set of retries.',
  };
}
