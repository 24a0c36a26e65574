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

export interface Classified {
  code: string;
  class: ErrorClass;
  /** Xero's own text where there is one (verbatim), otherwise xport's. */
  message: string;
  cause: string;
  action: string;
}

export const CATALOG: readonly CatalogEntry[] = [...XERO_MESSAGE_ENTRIES, ...XERO_CONTACT_AND_STATE_ENTRIES, ...HTTP_ENTRIES];

const BY_CODE = new Map(CATALOG.map((e) => [e.code, e]));
const UNKNOWN_VALIDATION = 'xero_validation_error';
const UNKNOWN_SERVER = 'xero_unexpected_error';
/** Placeholders a Xero message may not carry; the wording then stays readable. */
const DEFAULTS: Record<string, string> = {
  direction: 'sales or purchases', contact: 'this document needs', contactKind: 'contact', code: '(unknown)',
  lockDate: 'the lock date', source: 'a line', status: 'error', detail: 'no detail', problem: 'unknown',
};

export function catalogEntry(code: string): CatalogEntry {
  const e = BY_CODE.get(code);
  if (!e) throw new Error(`unknown catalog code "${code}"`);
  return e;
}

/** Replaces `{name}` with params[name] (then a neutral default) in a catalog text. */
export function fillTemplate(text: string, params: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (_m, k: string) => params[k] ?? DEFAULTS[k] ?? '?');
}

function classified(e: CatalogEntry, message: string, params: Record<string, string>): Classified {
  return { code: e.code, class: e.class, message, cause: fillTemplate(e.cause, params), action: fillTemplate(e.action, params) };
}

function matchMessage(e: CatalogEntry, text: string): Record<string, string> | null {
  for (const re of e.match.messages ?? []) {
    const m = re.exec(text);
    if (m) return { ...(m.groups ?? {}) };
  }
  return null;
}

/** Entries that recognise element-level messages: no status restriction, or one that includes 400. */
const ELEMENT_ENTRIES = CATALOG.filter((e) => e.match.messages && (!e.match.status || e.match.status.includes(400)));

function bestElementMatch(messages: readonly string[]): { entry: CatalogEntry; params: Record<string, string> } | null {
  let generic: { entry: CatalogEntry; params: Record<string, string> } | null = null;
  for (const text of messages) {
    for (const entry of ELEMENT_ENTRIES) {
      const params = matchMessage(entry, text);
      if (!params) continue;
      if (!entry.generic) return { entry, params };
      generic ??= { entry, params };
    }
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
    const plain = bodyText.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
    return { elements: [], text: plain.length > 500 ? `${plain.slice(0, 497)}...` : plain };
  }
  if (!isRecord(body)) return { elements: [], text: typeof body === 'string' ? body : '' };
  const elements: string[] = [];
  for (const el of Array.isArray(body.Elements) ? body.Elements : []) {
    const errors: unknown[] = isRecord(el) && Array.isArray(el.ValidationErrors) ? el.ValidationErrors : [];
    for (const ve of errors) if (isRecord(ve) && typeof ve.Message === 'string') elements.push(ve.Message);
  }
  const parts = [body.Detail, body.Message, body.error, body.error_description, body.detail, body.title]
    .filter((p): p is string => typeof p === 'string' && p !== '');
  return { elements, text: parts[0] === undefined ? '' : parts.slice(0, body.error !== undefined ? 2 : 1).join(': ') };
}

function lowerKeys(h: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

function statusEntryFor(status: number, text: string, headers: Record<string, string | undefined>) {
  for (const entry of CATALOG) {
    const m = entry.match;
    if (!m.status?.includes(status)) continue;
    if (m.header && !m.header.pattern.test(headers[m.header.name] ?? '')) continue;
    const params = m.messages ? matchMessage(entry, text) : {};
    if (params) return { entry, params };
  }
  return null;
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
  const entry = CATALOG.find((e) => e.match.network?.includes(kind));
  if (!entry) throw new Error(`no catalog entry for network failure "${kind}"`);
  const params = { detail: detail.trim() === '' ? kind : detail.trim() };
  return classified(entry, fillTemplate(entry.template ?? entry.title, params), params);
}

/** A failure xport found before sending. Unknown or non-pre-validation codes are programming errors. */
export function prevalidationFailure(code: string, params: Record<string, string>): Classified {
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
export function xportFailure(code: string, params: Record<string, string>): Classified {
  const entry = catalogEntry(code);
  if (entry.template === undefined) throw new Error(`catalog code "${code}" has no message template`, { cause: entry });
  return classified(entry, fillTemplate(entry.template, params), params);
}

/** Codes of every pre-validation failure (for docs and tests). */
export const PREVALIDATION_CODES: readonly string[] = CATALOG.filter((e) => e.match.prevalidation).map((e) => e.code);

/**
 * A transient failure that used up its retries: the catalog's action ("retries by itself") no longer
 * holds, so the failed row says what was tried and what the person can do now.
 */
export function retriesExhausted(c: Classified, attempts: number): Classified {
  return {
    ...c,
    action: `xport tried ${attempts} times, with increasing waits, and it failed every time: ${c.cause} `
      + 'Check that Xero is working (status.xero.com) and that this organisation is still connected, then press Export on this row to try again; it gets a fresh set of retries.',
  };
}
