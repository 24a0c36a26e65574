/**
 * Source documents: what xport accepts (schemas in document-schemas.ts), request parsing with precise
 * messages, e.g. `documents[2].lines[0].unitPrice: must be a decimal number with at most 4 decimal places,
 * got "abc"`, and small facts about a document (its label, reference, contact, date, Xero endpoint).
 */
import type { z } from 'zod';
import {
  ACCOUNT_ROLES,
  DOCUMENT_KINDS,
  MAX_DOCUMENTS_PER_REQUEST,
  documentSchemas,
  type AccountRole,
  type ContactDocument,
  type ItemDocument,
  type JournalDocument,
  type SourceDocument,
} from './document-schemas.ts';
import { fastParseDocument } from './document-fast.ts';
import { describeInput } from './fields.ts';
import type { Result } from './result.ts';
import type { DocumentKind } from './types.ts';

export * from './document-schemas.ts';

export function isContactDocument(d: SourceDocument): d is ContactDocument {
  return d.kind === 'customer' || d.kind === 'supplier';
}
export function isItemDocument(d: SourceDocument): d is ItemDocument {
  return d.kind === 'sales_invoice' || d.kind === 'sales_credit' || d.kind === 'purchase_bill' || d.kind === 'supplier_credit';
}
export function isAccountRole(s: string): s is AccountRole {
  return (ACCOUNT_ROLES as readonly string[]).includes(s);
}

/** Sales-side documents use the sales tax mapping and the sales account role by default. */
export function directionOf(doc: ItemDocument | JournalDocument): 'sales' | 'purchases' {
  return doc.kind === 'purchase_bill' || doc.kind === 'supplier_credit' ? 'purchases' : 'sales';
}

/** What the "Exported Item" column shows: the contact's name, or the document number (+ reference). */
export function documentReference(doc: SourceDocument): string {
  if (isContactDocument(doc)) return doc.name;
  if (isItemDocument(doc) && doc.reference !== undefined) return `${doc.sourceId} (${doc.reference})`;
  return doc.sourceId;
}

export function requiredContact(doc: SourceDocument): { kind: 'customer' | 'supplier'; sourceId: string } | null {
  switch (doc.kind) {
    case 'sales_invoice':
    case 'sales_credit':
      return { kind: 'customer', sourceId: doc.contact };
    case 'purchase_bill':
    case 'supplier_credit':
      return { kind: 'supplier', sourceId: doc.contact };
    default:
      return null;
  }
}

export function documentDate(doc: SourceDocument): string | null {
  return isContactDocument(doc) ? null : doc.date;
}

export interface DocumentIssue {
  /** Position in `documents` (0 for a single-document body). */
  index: number;
  sourceId: string | null;
  kind: string | null;
  /** e.g. `documents[2].lines[0].unitPrice`; empty for the body itself. */
  path: string;
  /** The whole line to show: `<path>: <what is wrong>`. */
  message: string;
}

type ParseOutcome = Result<{ documents: SourceDocument[] }, { issues: DocumentIssue[] }>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function joinPath(prefix: string, parts: readonly PropertyKey[]): string {
  let out = prefix;
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}

function issue(index: number, doc: unknown, path: string, what: string): DocumentIssue {
  const rec = isRecord(doc) ? doc : {};
  const sourceId = typeof rec.sourceId === 'string' ? rec.sourceId : null;
  const kind = typeof rec.kind === 'string' ? rec.kind : null;
  return { index, sourceId, kind, path, message: path === '' ? what : `${path}: ${what}` };
}

/** Turns zod's built-in issues into plain sentences; schema-level messages (money, dates) win over this. */
const errorMap: z.core.$ZodErrorMap = (iss) => {
  if (iss.code === 'invalid_type') {
    if (iss.input === undefined) return 'is required';
    const expected = iss.expected === 'object' ? 'an object' : iss.expected === 'array' ? 'a list' : `a ${iss.expected}`;
    return `must be ${expected}, got ${describeInput(iss.input)}`;
  }
  if (iss.code === 'invalid_value') {
    return `must be one of ${iss.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeInput(iss.input)}`;
  }
  if (iss.code === 'too_small' && iss.origin === 'string') return 'must not be empty';
  if (iss.code === 'too_big' && iss.origin === 'string') return `must be at most ${String(iss.maximum)} characters`;
  return undefined;
};

/** parseOne with zod alone (no fast path): what the fast path is checked against in tests. */
export function parseWithZod(doc: unknown, kind: DocumentKind): ReturnType<(typeof documentSchemas)[DocumentKind]['safeParse']> {
  return documentSchemas[kind].safeParse(doc, { error: errorMap });
}

function parseOne(doc: unknown, index: number, prefix: string): Result<{ doc: SourceDocument }, { issues: DocumentIssue[] }> {
  if (!isRecord(doc)) return { ok: false, issues: [issue(index, doc, prefix, `must be a document object, got ${describeInput(doc)}`)] };
  const kind = doc.kind;
  if (typeof kind !== 'string' || !(DOCUMENT_KINDS as readonly string[]).includes(kind)) {
    const what = kind === undefined ? 'is required' : `must be one of ${DOCUMENT_KINDS.join(', ')}, got ${describeInput(kind)}`;
    return { ok: false, issues: [issue(index, doc, joinPath(prefix, ['kind']), what)] };
  }
  // The common valid document needs no zod (document-fast.ts returns what zod would, or defers to it).
  const fast = fastParseDocument(kind as DocumentKind, doc);
  if (fast) return { ok: true, doc: fast };
  const schema = documentSchemas[kind as DocumentKind];
  const r = schema.safeParse(doc, { error: errorMap });
  if (r.success) return { ok: true, doc: r.data };
  const issues: DocumentIssue[] = [];
  for (const zi of r.error.issues) {
    if (zi.code === 'unrecognized_keys') {
      for (const key of zi.keys) issues.push(issue(index, doc, joinPath(prefix, [...zi.path, key]), 'unknown field'));
    } else {
      issues.push(issue(index, doc, joinPath(prefix, zi.path), zi.message));
    }
  }
  return { ok: false, issues };
}

/**
 * Accepts one document object (it has `kind`) or `{"documents":[…]}` with 1..1000 documents.
 * All-or-nothing: any issue fails the whole request, so nothing of an invalid request is stored.
 */
export function parseDocumentsRequest(body: unknown): ParseOutcome {
  if (!isRecord(body)) {
    return { ok: false, issues: [issue(0, null, '', `body must be a document object or {"documents":[…]}, got ${describeInput(body)}`)] };
  }
  if (!('documents' in body) || 'kind' in body) {
    const r = parseOne(body, 0, '');
    return r.ok ? { ok: true, documents: [r.doc] } : r;
  }
  const extra = Object.keys(body).filter((k) => k !== 'documents');
  if (extra.length > 0) return { ok: false, issues: extra.map((k) => issue(0, null, k, 'unknown field')) };
  const list = body.documents;
  if (!Array.isArray(list)) return { ok: false, issues: [issue(0, null, 'documents', `must be a list, got ${describeInput(list)}`)] };
  if (list.length === 0 || list.length > MAX_DOCUMENTS_PER_REQUEST) {
    return { ok: false, issues: [issue(0, null, 'documents', `must hold 1 to ${MAX_DOCUMENTS_PER_REQUEST} documents, got ${list.length}`)] };
  }
  const documents: SourceDocument[] = [];
  const issues: DocumentIssue[] = [];
  list.forEach((d: unknown, i: number) => {
    const r = parseOne(d, i, `documents[${i}]`);
    if (r.ok) documents.push(r.doc);
    else issues.push(...r.issues);
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, documents };
}
