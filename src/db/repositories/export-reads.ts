/**
 * The export queue's reads: single exports, lists and counts for the pages and the API, and what the
 * worker reads of a claim (stored documents, attempts, earlier revisions). Writes are in exports.ts
 * (the queue's states) and export-waits.ts (waiting for a contact or a lock date).
 */
import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect';
import type { Database } from '../schema';
import type { ExportStatus } from '../../domain/types';
import type { Export, ExportAttempt, ExportSource, FailureGroup, ListedExport } from '../../domain/export';
import type { AttemptRecord, EarlierRevisions } from '../../domain/in-xero';
import { precompiled } from '../precompiled';
import { FAILED, toExport, toExportAttempt, toListedExport } from './export-rows';

export type { ListedExport };

/** Delta rows (beyond one per tenant and status) above which countByStatus folds them. */
const FOLD_AFTER = 64;

export interface ExportFilter {
  tenantId: string;
  statuses?: ExportStatus[];
  kinds?: string[];
  errorCode?: string;
  search?: string;
  fromDate?: string;
  toDate?: string;
  beforeId?: number;
  limit?: number;
}

export class ExportReads {
  constructor(
    protected readonly db: Kysely<Database>,
    protected readonly adapter: DialectAdapter,
  ) {}

  /**
   * What is known of the earlier revisions of this export's document that have no Xero id: whether one
   * was sent (or handed back) without a known outcome — superseded while queued for a retry, it may
   * still have reached Xero — and when the latest of their attempts started.
   */
  async earlierRevisions(row: ExportSource): Promise<EarlierRevisions> {
    const earlier = await this.db
      .selectFrom('exports')
      .select(['id', 'attempts', 'needs_reconcile'])
      .where('tenant_id', '=', row.tenantId)
      .where('kind', '=', row.kind)
      .where('source_id', '=', row.sourceId)
      .where('revision', '<', row.revision)
      .where('xero_id', 'is', null)
      .where((eb) => eb.or([eb('attempts', '>', 0), eb('needs_reconcile', '=', 1)]))
      .execute();
    if (earlier.length === 0) return { uncertain: false, lastStartedAt: null };
    const last = await this.db
      .selectFrom('export_attempts')
      .select((eb) => eb.fn.max('started_at').as('at'))
      .where(
        'export_id',
        'in',
        earlier.map((e) => e.id),
      )
      .executeTakeFirst();
    return { uncertain: true, lastStartedAt: last?.at ?? null };
  }

  /** The attempts of many exports in one query, each export's in attempt order. */
  async attemptsOf(exportIds: number[]): Promise<Map<number, AttemptRecord[]>> {
    const out = new Map<number, AttemptRecord[]>(exportIds.map((id) => [id, []]));
    for (let i = 0; i < exportIds.length; i += 500) {
      const rows = await this.db
        .selectFrom('export_attempts')
        .select(['export_id', 'batch_id', 'outcome', 'http_status', 'started_at'])
        .where('export_id', 'in', exportIds.slice(i, i + 500))
        .orderBy('export_id')
        .orderBy('attempt_no')
        .execute();
      for (const r of rows) out.get(r.export_id)?.push({ batchId: r.batch_id, outcome: r.outcome, httpStatus: r.http_status, startedAt: r.started_at });
    }
    return out;
  }

  /** The stored documents of the earlier revisions of this export's document, oldest first. */
  async earlierRevisionDocuments(row: ExportSource): Promise<string[]> {
    const rows = await this.db
      .selectFrom('documents')
      .select('payload')
      .where('tenant_id', '=', row.tenantId)
      .where('kind', '=', row.kind)
      .where('source_id', '=', row.sourceId)
      .where('revision', '<', row.revision)
      .orderBy('revision')
      .execute();
    return rows.map((r) => r.payload);
  }

  async get(tenantId: string, id: number): Promise<Export | null> {
    const row = await this.db.selectFrom('exports').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? toExport(row) : null;
  }

  async latestForSource(tenantId: string, kind: string, sourceId: string): Promise<Export | null> {
    const row = await this.db
      .selectFrom('exports')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', kind)
      .where('source_id', '=', sourceId)
      .where('status', '!=', 'skipped')
      .orderBy('revision', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return row ? toExport(row) : null;
  }

  /** latestForSource for many sources of one organisation in one query, by "kind:sourceId" (null: none). */
  async latestForSources(tenantId: string, sources: ReadonlyArray<{ kind: string; sourceId: string }>): Promise<Map<string, Export | null>> {
    const out = new Map<string, Export | null>(sources.map((s) => [`${s.kind}:${s.sourceId}`, null]));
    for (let i = 0; i < sources.length; i += 500) {
      const chunk = sources.slice(i, i + 500);
      const rows = await this.db
        .selectFrom('exports')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('kind', 'in', [...new Set(chunk.map((s) => s.kind))])
        .where('source_id', 'in', [...new Set(chunk.map((s) => s.sourceId))])
        .where('status', '!=', 'skipped')
        .orderBy('revision', 'desc')
        .orderBy('id', 'desc')
        .execute();
      // Newest first: the first row of each source is its latest.
      for (const r of rows) {
        const key = `${r.kind}:${r.source_id}`;
        if (out.has(key) && out.get(key) === null) out.set(key, toExport(r));
      }
    }
    return out;
  }

  async documentPayload(documentId: number): Promise<string> {
    const row = await this.db.selectFrom('documents').select('payload').where('id', '=', documentId).executeTakeFirstOrThrow();
    return row.payload;
  }

  async documentPayloads(documentIds: number[]): Promise<Map<number, string>> {
    if (documentIds.length === 0) return new Map();
    const { rows } = await precompiled.run(this.db, this.adapter.name, `documentPayloads:${documentIds.length}`, documentIds, (ids) =>
      this.db.selectFrom('documents').select(['id', 'payload']).where('id', 'in', ids),
    );
    return new Map(rows.map((r) => [r.id, r.payload]));
  }

  /**
   * Exports per status, from export_counts (kept by triggers on `exports`, migration 0006) rather
   * than counting the rows. Delta rows that PostgreSQL's triggers append are folded here once there
   * are more than FOLD_AFTER of them (SQLite's triggers update one row in place).
   */
  async countByStatus(tenantId: string | null): Promise<Record<ExportStatus, number>> {
    let q = this.db
      .selectFrom('export_counts')
      .select(['status', sql<number>`sum(n)`.as('n'), sql<number>`count(*) - count(distinct tenant_id)`.as('extra')])
      .groupBy('status');
    if (tenantId) q = q.where('tenant_id', '=', tenantId);
    const rows = await q.execute();
    const counts: Record<ExportStatus, number> = { queued: 0, waiting: 0, exporting: 0, exported: 0, failed: 0, skipped: 0 };
    for (const r of rows) if (r.status in counts) counts[r.status as ExportStatus] = Number(r.n);
    if (rows.reduce((sum, r) => sum + Number(r.extra), 0) > FOLD_AFTER) await this.foldCounts(tenantId);
    return counts;
  }

  /**
   * Replaces the count rows of one organisation (or all) by one row per tenant and status. Safe beside
   * concurrent writers: it re-inserts the sum of exactly the rows its DELETE removed.
   */
  async foldCounts(tenantId: string | null): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      let del = trx.deleteFrom('export_counts');
      if (tenantId) del = del.where('tenant_id', '=', tenantId);
      const gone = await del.returning(['tenant_id', 'status', 'n']).execute();
      const sums = new Map<string, { tenant_id: string; status: string; n: number }>();
      for (const r of gone) {
        const key = `${r.tenant_id}\u0000${r.status}`;
        const s = sums.get(key) ?? { tenant_id: r.tenant_id, status: r.status, n: 0 };
        s.n += Number(r.n);
        sums.set(key, s);
      }
      const values = [...sums.values()].filter((s) => s.n !== 0);
      for (let i = 0; i < values.length; i += 500)
        await trx
          .insertInto('export_counts')
          .values(values.slice(i, i + 500))
          .execute();
    });
  }

  private listed(tenantId: string) {
    return this.db
      .selectFrom('exports')
      .innerJoin('documents', 'documents.id', 'exports.document_id')
      .selectAll('exports')
      .select(['documents.reference', 'documents.doc_date', 'documents.total'])
      .where('exports.tenant_id', '=', tenantId);
  }

  /** Exports by id with their document's reference, date and total, in id order (at most 500 ids a call). */
  async byIds(tenantId: string, ids: number[]): Promise<ListedExport[]> {
    if (ids.length === 0) return [];
    const rows = await this.listed(tenantId).where('exports.id', 'in', ids.slice(0, 500)).orderBy('exports.id').execute();
    return rows.map(toListedExport);
  }

  /** One export as the lists show it, or null. */
  async one(tenantId: string, id: number): Promise<ListedExport | null> {
    return (await this.byIds(tenantId, [id]))[0] ?? null;
  }

  async list(f: ExportFilter): Promise<ListedExport[]> {
    let q = this.listed(f.tenantId);
    if (f.statuses?.length) q = f.statuses.length === 1 && f.statuses[0] === 'failed' ? q.where('exports.status', '=', FAILED) : q.where('exports.status', 'in', f.statuses);
    if (f.kinds?.length) q = q.where('exports.kind', 'in', f.kinds);
    if (f.errorCode) q = q.where('exports.error_code', '=', f.errorCode);
    if (f.fromDate) q = q.where('documents.doc_date', '>=', f.fromDate);
    if (f.toDate) q = q.where('documents.doc_date', '<=', f.toDate);
    if (f.beforeId) q = q.where('exports.id', '<', f.beforeId);
    if (f.search) {
      const needle = f.search;
      q = q.where((eb) => eb.or([this.adapter.containsText(eb.ref('documents.reference'), needle), this.adapter.containsText(eb.ref('exports.last_error'), needle)]));
    }
    const rows = await q
      .orderBy('exports.id', 'desc')
      .limit(Math.min(f.limit ?? 50, 500))
      .execute();
    return rows.map(toListedExport);
  }

  /** Failed exports grouped by error code and message: the "12 items: …" view. */
  async failureGroups(tenantId: string): Promise<FailureGroup[]> {
    const rows = await this.db
      .selectFrom('exports')
      .select(['error_code', 'last_error', 'action_required', sql<number>`count(*)`.as('n')])
      .where('tenant_id', '=', tenantId)
      .where('status', '=', FAILED)
      .groupBy(['error_code', 'last_error', 'action_required'])
      .orderBy(sql`count(*)`, 'desc')
      .limit(200)
      .execute();
    return rows.map((r) => ({ errorCode: r.error_code, lastError: r.last_error, actionRequired: r.action_required, n: Number(r.n) }));
  }

  async attempts(exportId: number): Promise<ExportAttempt[]> {
    const rows = await this.db.selectFrom('export_attempts').selectAll().where('export_id', '=', exportId).orderBy('attempt_no').execute();
    return rows.map(toExportAttempt);
  }

  /** Error codes of the failed exports with their counts (the error filter of the web UI). */
  async failureCodes(tenantId: string): Promise<Array<{ code: string; n: number }>> {
    const rows = await this.db
      .selectFrom('exports')
      .select(['error_code', sql<number>`count(*)`.as('n')])
      .where('tenant_id', '=', tenantId)
      .where('status', '=', FAILED)
      .where('error_code', 'is not', null)
      .groupBy('error_code')
      .orderBy('error_code')
      .execute();
    return rows.map((r) => ({ code: r.error_code ?? '', n: Number(r.n) }));
  }
}
