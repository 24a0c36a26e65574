/** Small presentation helpers shared by the pages: labels, times, numbers, links to Xero. */
import type { Runtime } from '../../app/runtime';
import { KIND_LABELS } from '../../domain/documents';
import type { DocumentKind } from '../../domain/types';
import { clockTime, dateTime, whenWords } from '../../domain/words';
import { xeroUrl } from '../../domain/xero-links';
import { organisationShortCode } from '../organisation-short-code';
import { html, type Html } from './html';

export { count, money, plural } from '../../domain/words';

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind as DocumentKind] ?? kind;
}

export const KIND_OPTIONS = Object.entries(KIND_LABELS) as Array<[DocumentKind, string]>;

export const STATUS_LABELS: Record<string, string> = {
  queued: 'Queued',
  waiting: 'Waiting',
  exporting: 'Exporting',
  exported: 'Exported',
  failed: 'Failed',
  skipped: 'Skipped',
  deleted: 'Deleted',
};

export function statusBadge(status: string | null): Html {
  const s = status ?? 'deleted';
  return html`<span class="badge badge-${s}">${STATUS_LABELS[s] ?? s}</span>`;
}

/**
 * A time in the organisation's time zone: "2 Dec 2026, 1:31 pm", "1:31 pm", or with words
 * ("1:31 pm, in 2 hours"); the exact instant stays in the datetime attribute and the tooltip.
 */
export function time(isoValue: string | null | undefined, style: 'datetime' | 'time' | 'when' = 'datetime', tz = 'UTC', now = new Date()): Html {
  if (!isoValue) return html`<span class="muted">—</span>`;
  const d = new Date(isoValue);
  if (Number.isNaN(d.getTime())) return html`${isoValue}`;
  const text = style === 'time' ? clockTime(d, tz) : style === 'when' ? whenWords(isoValue, now, tz) : dateTime(d, tz);
  return html`<time datetime="${d.toISOString()}" title="${d.toISOString()}">${text}</time>`;
}

/** Where "Open in Xero" links go: Xero's web app, through the organisation's short code when known. Null against a sandbox. */
export interface XeroWeb {
  shortCode: string | null;
}

/** The organisation's links into Xero's web app, or null when xport talks to a sandbox (it has no web app). */
export async function xeroWeb(rt: Runtime, tenantId: string): Promise<XeroWeb | null> {
  return isRealXero(rt.config.xero.apiUrl) ? { shortCode: await organisationShortCode(rt, tenantId) } : null;
}

/**
 * A Xero object by its name or number, never its GUID (kept in the tooltip), with an "Open in Xero"
 * link that selects the object's organisation first (its short code) and opens the object; against a
 * sandbox there is no web app, so the name alone.
 */
export function xeroLink(kind: string, xeroId: string | null, label: string | null, web: XeroWeb | null): Html {
  if (!xeroId) return html`<span class="muted">—</span>`;
  const text = html`<span title="${xeroId}">${label ?? 'in Xero'}</span>`;
  const href = web ? xeroUrl(kind, xeroId, web.shortCode) : null;
  if (!href) return text;
  return html`${text} <a class="small" href="${href}" target="_blank" rel="noopener noreferrer">Open in Xero</a>`;
}

export function isRealXero(apiUrl: string): boolean {
  return /^https:\/\/api\.xero\.com$/.test(apiUrl);
}

/** Reads one query/body value as a trimmed string (forms may repeat a field). */
export function str(v: unknown): string {
  if (Array.isArray(v)) return str(v[0]);
  return typeof v === 'string' ? v.trim() : '';
}

export function strs(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x.trim() : ''));
  return typeof v === 'string' ? [v.trim()] : [];
}

export function positiveInt(v: unknown): number | undefined {
  const n = Number(str(v));
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export function isoDate(v: unknown): string | undefined {
  const s = str(v);
  return /^\d{4}-\d{2}-\d{2}$/.test(s) ? s : undefined;
}

/** Builds a URL with the given query parameters (empty values left out). */
export function urlWith(path: string, params: Record<string, string | number | undefined | null | boolean>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '' && v !== false) q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
