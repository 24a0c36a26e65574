import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect';
import type { Database } from '../schema';
import type { DocumentRevision, ListedDocument } from '../../domain/export';
import type { DocumentKind, ExportStatus } from '../../domain/types';

/** A row of the documents ⟕ exports join that the list and the page read. */
interface DocumentJoinRow {
  id: number;
  kind: string;
  source_id: string;
  revision: number;
  reference: string;
  doc_date: string | null;
  total: string | null;
  received_at: string;
  export_id: number | null;
  status: string | null;
  attempts: number | null;
  xero_id: string | null;
  xero_number: string | null;
  xero_total: string | null;
  last_error: string | null;
  wait_reason: string | null;
}

function toListedDocument(r: DocumentJoinRow): ListedDocument {
  return {
    // Only xport writes kind and status, from the domain's unions.
    id: r.id,
    kind: r.kind as DocumentKind,
    sourceId: r.source_id,
    revision: r.revision,
    reference: r.reference,
    docDate: r.doc_date,
    total: r.total,
    receivedAt: r.received_at,
    exportId: r.export_id,
    status: r.status as ExportStatus | null,
    attempts: r.attempts,
    xeroId: r.xero_id,
    xeroNumber: r.xero_number,
    xeroTotal: r.xero_total,
    lastError: r.last_error,
    waitReason: r.wait_reason,
  };
}

export type { DocumentRevision, ListedDocument };

export interface DocumentListFilter {
  tenantId: string;
  kinds?: string[];
  /** Export statuses; 'deleted' selects documents whose export was deleted. */
  statuses?: string[];
  /** Failed or waiting, or queued again after an error. */
  problemsOnly?: boolean;
  fromDate?: string;
  toDate?: string;
  search?: string;
  /** Documents with an id below this (the previous page's cursor). */
  beforeId?: number;
  limit?: number;
}

/** Read-only view of every document and its export, for the web UI's /documents pages. */
/** The columns a listed document is made of (toListedDocument). */
const LISTED_COLUMNS = [
  'documents.id',
  'documents.kind',
  'documents.source_id',
  'documents.revision',
  'documents.reference',
  'documents.doc_date',
  'documents.total',
  'documents.received_at',
  'exports.id as export_id',
  'exports.status',
  'exports.attempts',
  'exports.xero_id',
  'exports.xero_number',
  'exports.xero_total',
  'exports.last_error',
  'exports.wait_reason',
] as const;

export class DocumentsViewRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly adapter: DialectAdapter,
  ) {}

  async list(f: DocumentListFilter): Promise<ListedDocument[]> {
    let q = this.db.selectFrom('documents').leftJoin('exports', 'exports.document_id', 'documents.id').select(LISTED_COLUMNS).where('documents.tenant_id', '=', f.tenantId);
    if (f.kinds?.length) q = q.where('documents.kind', 'in', f.kinds);
    if (f.statuses?.length) {
      const statuses = f.statuses.filter((s) => s !== 'deleted');
      const deleted = f.statuses.includes('deleted');
      q = q.where((eb) => eb.or([...(statuses.length ? [eb('exports.status', 'in', statuses)] : []), ...(deleted ? [eb('exports.id', 'is', null)] : [])]));
    }
    if (f.problemsOnly) {
      q = q.where((eb) => eb.or([eb('exports.status', 'in', ['failed', 'waiting']), eb.and([eb('exports.status', '=', 'queued'), eb('exports.last_error', 'is not', null)])]));
    }
    if (f.fromDate) q = q.where('documents.doc_date', '>=', f.fromDate);
    if (f.toDate) q = q.where('documents.doc_date', '<=', f.toDate);
    if (f.beforeId) q = q.where('documents.id', '<', f.beforeId);
    if (f.search) {
      const needle = f.search;
      q = q.where((eb) => eb.or([this.adapter.containsText(eb.ref('documents.reference'), needle), this.adapter.containsText(eb.ref('documents.source_id'), needle)]));
    }
    const rows = await q
      .orderBy('documents.id', 'desc')
      .limit(Math.min(f.limit ?? 50, 500))
      .execute();
    return rows.map(toListedDocument);
  }

  async get(tenantId: string, documentId: number): Promise<(ListedDocument & { payload: string }) | null> {
    const row = await this.db
      .selectFrom('documents')
      .leftJoin('exports', 'exports.document_id', 'documents.id')
      .select([...LISTED_COLUMNS, 'documents.payload'])
      .where('documents.tenant_id', '=', tenantId)
      .where('documents.id', '=', documentId)
      .executeTakeFirst();
    return row ? { ...toListedDocument(row), payload: row.payload } : null;
  }

  /** Other revisions of the same source document, newest first. */
  async revisions(tenantId: string, kind: string, sourceId: string): Promise<DocumentRevision[]> {
    const rows = await this.db
      .selectFrom('documents')
      .select(['id', 'revision', 'received_at'])
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', kind)
      .where('source_id', '=', sourceId)
      .orderBy('revision', 'desc')
      .limit(50)
      .execute();
    return rows.map((r) => ({ id: r.id, revision: r.revision, receivedAt: r.received_at }));
  }
}
