/**
 * Ingest: documents in, exports queued, in one transaction (all or nothing). Revisions:
 * - given and already received with the same content: a duplicate (queued once);
 * - given and already received with other content: a conflict, and nothing of the request is stored;
 * - left out: the same content as the latest revision is a duplicate, other content becomes the next
 *   revision.
 * A new revision supersedes a queued, waiting or failed older one, and carries the Xero id of an
 * exported one so that it is sent as an update of that Xero object.
 *
 * Two requests for the same source document at once: PostgreSQL serialises them on an advisory lock
 * per (organisation, kind, sourceId), taken in a fixed order so that two requests cannot deadlock;
 * SQLite has one writer. The unique (tenant, kind, source_id, revision) key is the last guard: a
 * request that still loses a race (another process on the same SQLite file) is run again, once the
 * other has committed, and then sees its revision.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Result } from '../../domain/result';
import type { DialectAdapter } from '../dialect';
import type { Database } from '../schema';
import { iso } from '../clock';
import { Precompiled, rowsOf } from '../precompiled';
import type { ExportStatus } from '../../domain/types';

export interface PreparedDocument {
  kind: string;
  sourceId: string;
  /** null: left out by the sender, numbered from the content. */
  revision: number | null;
  payload: string;
  /** Hash of the canonical content without the revision (domain/content.ts). */
  contentHash: string;
  reference: string;
  docDate: string | null;
  total: string | null;
}

export interface IngestResult {
  sourceId: string;
  kind: string;
  revision: number;
  /** null when this revision was received before and its export has since been deleted. */
  exportId: number | null;
  /** `deleted`: this revision was received before and its export has since been deleted. */
  status: ExportStatus | 'deleted';
  duplicate: boolean;
}

export interface RevisionConflict {
  /** Position of the document in the request. */
  index: number;
  kind: string;
  sourceId: string;
  /** The revision posted, already received with other content. */
  revision: number;
  receivedAt: string;
  /** What to send the change as instead (or leave `revision` out). */
  nextRevision: number;
}

export type IngestOutcome = Result<{ results: IngestResult[] }, { conflicts: RevisionConflict[] }>;

export interface IngestOptions {
  /** Content hash of a stored payload that has none recorded (rows from before migration 0007). */
  hashStored: (payload: string) => string;
  now?: Date;
}

class ConflictRollback extends Error {
  constructor(readonly conflicts: RevisionConflict[]) {
    super('revision conflict');
  }
}

const ATTEMPTS = 3;

export async function ingestDocuments(db: Kysely<Database>, adapter: DialectAdapter, tenantId: string, docs: PreparedDocument[], o: IngestOptions): Promise<IngestOutcome> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const results = await db.transaction().execute((trx) => ingestInTransaction(trx, adapter, tenantId, docs, o));
      return { ok: true, results };
    } catch (err) {
      if (err instanceof ConflictRollback) return { ok: false, conflicts: err.conflicts };
      if (attempt >= ATTEMPTS || !lostRace(err)) throw err;
    }
  }
}

/** A unique-key violation (PostgreSQL 23505, SQLite CONSTRAINT_UNIQUE) or a stale SQLite snapshot. */
function lostRace(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_BUSY';
}

async function ingestInTransaction(trx: Transaction<Database>, adapter: DialectAdapter, tenantId: string, docs: PreparedDocument[], o: IngestOptions): Promise<IngestResult[]> {
  const keys = [...new Set(docs.map((d) => JSON.stringify(['ingest', tenantId, d.kind, d.sourceId])))].sort();
  await adapter.lockKeysInTransaction(trx, keys);
  const now = o.now ?? new Date();
  // Documents seen for the first time, once in the request (the common case), are inserted together;
  // the rest one by one in request order (a revision, a duplicate, the same document twice).
  const fresh = await freshIndexes(trx, adapter, tenantId, docs);
  const inserted = await insertFresh(trx, adapter, tenantId, docs, fresh, now);
  const results: IngestResult[] = [];
  const conflicts: RevisionConflict[] = [];
  for (const [index, doc] of docs.entries()) {
    const r = inserted.get(index) ?? (await ingestOne(trx, tenantId, doc, o.hashStored, now));
    if ('conflict' in r) conflicts.push({ index, ...r.conflict });
    else results.push(r);
  }
  if (conflicts.length > 0) throw new ConflictRollback(conflicts);
  return results;
}

const keyOf = (kind: string, sourceId: string): string => `${kind}\u0000${sourceId}`;
/** Rows per multi-row statement: well under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 500;

/** The positions of documents with no revision stored yet that appear once in the request. */
async function freshIndexes(trx: Transaction<Database>, adapter: DialectAdapter, tenantId: string, docs: PreparedDocument[]): Promise<Set<number>> {
  const seen = new Map<string, number>();
  for (const d of docs) seen.set(keyOf(d.kind, d.sourceId), (seen.get(keyOf(d.kind, d.sourceId)) ?? 0) + 1);
  const known = new Set<string>();
  const kinds = [...new Set(docs.map((d) => d.kind))];
  const ids = [...new Set(docs.map((d) => d.sourceId))];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const { rows } = await inserts.run(trx, adapter.name, `fresh:${kinds.length}:${chunk.length}`, [tenantId, ...kinds, ...chunk] as [string, ...string[]], ([tenant, ...names]) =>
      trx
        .selectFrom('documents')
        .select(['kind', 'source_id'])
        .distinct()
        .where('tenant_id', '=', tenant)
        .where('kind', 'in', names.slice(0, kinds.length))
        .where('source_id', 'in', names.slice(kinds.length)),
    );
    for (const r of rows) known.add(keyOf(r.kind, r.source_id));
  }
  const out = new Set<number>();
  docs.forEach((d, i) => {
    const k = keyOf(d.kind, d.sourceId);
    if (!known.has(k) && seen.get(k) === 1) out.add(i);
  });
  return out;
}

/**
 * The multi-row inserts, compiled once per row count (Kysely's parsing of 500 rows of values was ~2 % of
 * busy CPU). A cache of their own: up to CHUNK shapes each, which would otherwise push the exports'
 * statements out.
 */
const inserts = new Precompiled();
type DocumentCells = [kind: string, sourceId: string, revision: number, payload: string, contentHash: string, reference: string, docDate: string | null, total: string | null];
const DOCUMENT_CELLS = 8;
/** The organisation and the time received, then DOCUMENT_CELLS a row. */
type DocumentValues = [tenantId: string, receivedAt: string, ...cells: Array<DocumentCells[number]>];
type ExportCells = [documentId: number, kind: string, sourceId: string, revision: number];
const EXPORT_CELLS = 4;
type ExportValues = [tenantId: string, at: string, ...cells: Array<ExportCells[number]>];

/** Inserts the fresh documents and their queued exports in a few multi-row statements. */
async function insertFresh(trx: Transaction<Database>, adapter: DialectAdapter, tenantId: string, docs: PreparedDocument[], fresh: Set<number>, now: Date): Promise<Map<number, IngestResult>> {
  const out = new Map<number, IngestResult>();
  const t = iso(now);
  const order = [...fresh];
  for (let c = 0; c < order.length; c += CHUNK) {
    const chunk = order.map((i) => ({ i, doc: docs[i] as PreparedDocument, revision: (docs[i] as PreparedDocument).revision ?? 1 })).slice(c, c + CHUNK);
    const documentCells: DocumentValues = [tenantId, t];
    for (const { doc, revision } of chunk) documentCells.push(doc.kind, doc.sourceId, revision, doc.payload, doc.contentHash, doc.reference, doc.docDate, doc.total);
    const { rows: documentRows } = await inserts.run(trx, adapter.name, `documents:${chunk.length}`, documentCells, ([tenant, receivedAt, ...cells]) =>
      trx
        .insertInto('documents')
        .values(
          rowsOf<DocumentCells>(cells, DOCUMENT_CELLS).map(([kind, sourceId, revision, payload, contentHash, reference, docDate, total]) =>
            documentRow(tenant, { kind, sourceId, revision, payload, contentHash, reference, docDate, total }, revision, receivedAt),
          ),
        )
        .returning(['id', 'kind', 'source_id']),
    );
    const documentIds = new Map(documentRows.map((r) => [keyOf(r.kind, r.source_id), r.id]));
    const exportCells: ExportValues = [tenantId, t];
    for (const { doc, revision } of chunk) exportCells.push(documentIds.get(keyOf(doc.kind, doc.sourceId)) ?? -1, doc.kind, doc.sourceId, revision);
    const { rows: exportRows } = await inserts.run(trx, adapter.name, `exports:${chunk.length}`, exportCells, ([tenant, at, ...cells]) =>
      trx
        .insertInto('exports')
        .values(
          rowsOf<ExportCells>(cells, EXPORT_CELLS).map(([documentId, kind, sourceId, revision]) => ({
            tenant_id: tenant,
            document_id: documentId,
            kind,
            source_id: sourceId,
            revision,
            status: 'queued',
            wait_reason: null,
            attempts: 0,
            next_attempt_at: at,
            xero_id: null,
            needs_reconcile: 0,
            created_at: at,
            updated_at: at,
          })),
        )
        .returning(['id', 'kind', 'source_id']),
    );
    const exportIds = new Map(exportRows.map((r) => [keyOf(r.kind, r.source_id), r.id]));
    for (const { i, doc, revision } of chunk) {
      out.set(i, { sourceId: doc.sourceId, kind: doc.kind, revision, exportId: exportIds.get(keyOf(doc.kind, doc.sourceId)) ?? null, status: 'queued', duplicate: false });
    }
  }
  return out;
}

type OneOutcome = IngestResult | { conflict: Omit<RevisionConflict, 'index'> };

async function ingestOne(trx: Transaction<Database>, tenantId: string, doc: PreparedDocument, hashStored: (p: string) => string, now: Date): Promise<OneOutcome> {
  let q = trx
    .selectFrom('documents')
    .select(['id', 'revision', 'content_hash', 'payload', 'received_at'])
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', doc.kind)
    .where('source_id', '=', doc.sourceId);
  q = doc.revision === null ? q.orderBy('revision', 'desc').limit(1) : q.where('revision', '=', doc.revision);
  const known = await q.executeTakeFirst();
  if (!known) return insertRevision(trx, tenantId, doc, doc.revision ?? 1, now);
  const same = (known.content_hash ?? hashStored(known.payload)) === doc.contentHash;
  if (same) return duplicateOf(trx, doc, known);
  if (doc.revision === null) return insertRevision(trx, tenantId, doc, known.revision + 1, now);
  const latest = await trx
    .selectFrom('documents')
    .select('revision')
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', doc.kind)
    .where('source_id', '=', doc.sourceId)
    .orderBy('revision', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  return { conflict: { kind: doc.kind, sourceId: doc.sourceId, revision: doc.revision, receivedAt: known.received_at, nextRevision: latest.revision + 1 } };
}

async function duplicateOf(trx: Transaction<Database>, doc: PreparedDocument, known: { id: number; revision: number }): Promise<IngestResult> {
  const exp = await trx.selectFrom('exports').select(['id', 'status']).where('document_id', '=', known.id).orderBy('id', 'desc').executeTakeFirst();
  return { sourceId: doc.sourceId, kind: doc.kind, revision: known.revision, exportId: exp?.id ?? null, status: exp ? (exp.status as ExportStatus) : 'deleted', duplicate: true };
}

/** The stored row of one revision of a document. */
function documentRow(tenantId: string, doc: PreparedDocument, revision: number, receivedAt: string) {
  return {
    tenant_id: tenantId,
    kind: doc.kind,
    source_id: doc.sourceId,
    revision,
    payload: doc.payload,
    content_hash: doc.contentHash,
    reference: doc.reference,
    doc_date: doc.docDate,
    total: doc.total,
    received_at: receivedAt,
  };
}

async function insertRevision(trx: Transaction<Database>, tenantId: string, doc: PreparedDocument, revision: number, now: Date): Promise<IngestResult> {
  const t = iso(now);
  const { id: documentId } = await trx
    .insertInto('documents')
    .values(documentRow(tenantId, doc, revision, t))
    .returning('id')
    .executeTakeFirstOrThrow();
  const siblings = await trx
    .selectFrom('exports')
    .select(['id', 'revision', 'status', 'xero_id'])
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', doc.kind)
    .where('source_id', '=', doc.sourceId)
    .execute();
  const newer = siblings.find((s) => s.revision > revision && s.status !== 'skipped');
  const xeroId = siblings.filter((s) => s.xero_id).sort((a, b) => b.revision - a.revision)[0]?.xero_id ?? null;
  const supersededIds = siblings.filter((s) => s.revision < revision && ['queued', 'waiting', 'failed'].includes(s.status)).map((s) => s.id);
  // An older revision in flight may be creating the Xero object right now: look it up before sending
  // this one, so that it is sent as an update of that object rather than as a second one.
  const inFlight = siblings.some((s) => s.revision < revision && s.status === 'exporting');
  if (supersededIds.length > 0) {
    await trx
      .updateTable('exports')
      .set({ status: 'skipped', wait_reason: `superseded by revision ${revision}`, updated_at: t })
      .where('id', 'in', supersededIds)
      .execute();
  }
  const status = newer ? 'skipped' : 'queued';
  const { id } = await trx
    .insertInto('exports')
    .values({
      tenant_id: tenantId,
      document_id: documentId,
      kind: doc.kind,
      source_id: doc.sourceId,
      revision,
      status,
      wait_reason: newer ? `superseded by revision ${newer.revision}` : null,
      attempts: 0,
      next_attempt_at: t,
      xero_id: xeroId,
      needs_reconcile: inFlight ? 1 : 0,
      created_at: t,
      updated_at: t,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { sourceId: doc.sourceId, kind: doc.kind, revision, exportId: id, status, duplicate: false };
}
