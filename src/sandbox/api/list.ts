/**
 * GET on a collection: IDs, numbers, ContactIDs, Statuses, If-Modified-Since, createdByMyApp, where,
 * order, searchTerm, summaryOnly, and paging (page, pageSize 1–1000; values above 1000 are clamped,
 * the sandbox's own choice since Xero's is unknown).
 */
import { parseInstant } from '../format/dates';
import { parseWhere, type Predicate } from '../format/where';
import { envelope, ok, queryParseError, type ApiReply } from '../http/replies';
import type { Dict } from '../state/types';
import type { ApiRequest } from './types';

export interface ListSpec<R> {
  collection: string;
  records: Iterable<R>;
  id: (r: R) => string;
  number?: { param: string; get: (r: R) => string | undefined };
  contactId?: (r: R) => string;
  status?: (r: R) => string;
  updated?: (r: R) => number;
  createdBy?: (r: R) => string;
  /** Applied unless the request widens it (e.g. archived contacts need includeArchived=true). */
  visible?: (r: R, req: ApiRequest) => boolean;
  render: (r: R, summary: boolean) => Dict;
  paged: boolean;
}

const csv = (v: string | undefined) =>
  v
    ? v
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean)
    : null;

function header(req: ApiRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function filterRecords<R>(spec: ListSpec<R>, req: ApiRequest): R[] {
  const q = req.query;
  const ids = csv(q.ids);
  const numbers = spec.number ? csv(q[spec.number.param.toLowerCase()]) : null;
  const contacts = csv(q.contactids);
  const statuses = csv(q.statuses);
  const ims = header(req, 'if-modified-since');
  const since = ims ? parseInstant(ims) : null;
  const mine = q.createdbymyapp?.toLowerCase() === 'true';
  return [...spec.records].filter(
    (r) =>
      (!spec.visible || spec.visible(r, req)) &&
      (!ids || ids.includes(spec.id(r).toLowerCase())) &&
      (!numbers || !spec.number || numbers.includes((spec.number.get(r) ?? '').toLowerCase())) &&
      (!contacts || !spec.contactId || contacts.includes(spec.contactId(r).toLowerCase())) &&
      (!statuses || !spec.status || statuses.includes(spec.status(r).toLowerCase())) &&
      (since === null || !spec.updated || spec.updated(r) > since) &&
      (!mine || !spec.createdBy || spec.createdBy(r) === req.appId),
  );
}

function sortKey(v: unknown): string | number {
  if (typeof v === 'string') {
    const m = /^\/Date\((-?\d+)/.exec(v);
    return m ? Number(m[1]) : v.toLowerCase();
  }
  return typeof v === 'number' ? v : '';
}

function applyOrder(rows: Dict[], order: string | undefined): Dict[] {
  if (!order) return rows;
  const keys = order
    .split(',')
    .map((p) => p.trim().split(/\s+/))
    .map(([f = '', dir = 'ASC']) => ({ f, desc: dir.toUpperCase() === 'DESC' }));
  return [...rows].sort((a, b) => {
    for (const k of keys) {
      const x = sortKey(a[k.f]);
      const y = sortKey(b[k.f]);
      if (x < y) return k.desc ? 1 : -1;
      if (x > y) return k.desc ? -1 : 1;
    }
    return 0;
  });
}

function matchesSearch(row: Dict, term: string): boolean {
  const t = term.toLowerCase();
  return Object.values(row).some((v) => typeof v === 'string' && !v.startsWith('/Date(') && v.toLowerCase().includes(t));
}

export function listReply<R>(spec: ListSpec<R>, req: ApiRequest): ApiReply {
  let where: Predicate | null = null;
  try {
    if (req.query.where) where = parseWhere(req.query.where);
  } catch (e) {
    return queryParseError(`Error parsing the where clause: ${(e as Error).message}`);
  }
  const summary = req.query.summaryonly?.toLowerCase() === 'true';
  let rows = filterRecords(spec, req).map((r) => spec.render(r, summary));
  if (where) rows = rows.filter(where);
  if (req.query.searchterm) rows = rows.filter((r) => matchesSearch(r, req.query.searchterm ?? ''));
  rows = applyOrder(rows, req.query.order);
  const now = req.ctx.clock.now();
  if (!spec.paged || req.query.page === undefined) return ok(envelope(req.appId, now, { [spec.collection]: rows }));
  const page = Math.max(1, Number.parseInt(req.query.page, 10) || 1);
  const pageSize = Math.min(1000, Math.max(1, Number.parseInt(req.query.pagesize ?? '100', 10) || 100));
  const slice = rows.slice((page - 1) * pageSize, page * pageSize);
  const pagination = { page, pageSize, pageCount: Math.ceil(rows.length / pageSize), itemCount: rows.length };
  return ok(envelope(req.appId, now, { pagination, [spec.collection]: slice }));
}
