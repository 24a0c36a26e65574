/**
 * The export queue. An export is one attempt-able unit of work: one revision of one source
 * document on its way to one Xero organisation. Rows move queued → exporting → exported, or to
 * failed / waiting / skipped; attempts are kept in export_attempts with the Idempotency-Key that
 * was stored *before* the call went out.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect';
import type { Database, ExportRow } from '../schema';
import { iso } from '../clock';
import type { CatalogCode } from '../../domain/catalog';
import { ingestDocuments, type IngestOptions, type IngestOutcome, type PreparedDocument } from './ingest';

export type { IngestOptions, IngestOutcome, IngestResult, PreparedDocument, RevisionConflict } from './ingest';

export type ExportStatus = 'queued' | 'waiting' | 'exporting' | 'exported' | 'failed' | 'skipped';
/** Delta rows (beyond one per tenant and status) above which countByStatus folds them. */
const FOLD_AFTER = 64;

/** A failure as stored: `code` is a catalog code when written, but only a string when read back. */
export interface FailureInfo {
  message: string;
  code: string;
  errorClass: string;
  action: string;
}

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

/** The catalog code of an export that gave up waiting for its contact (it keeps waiting_for). */
export const CONTACT_NEVER_RECEIVED = 'contact_never_received' satisfies CatalogCode;

/**
 * The lock that a contact's export (link + release of its waiters) and an export starting to wait for
 * that contact both take, so that one always sees the other.
 */
export function contactWaitLockKey(tenantId: string, waitingFor: string): string {
  return `contact-wait:${tenantId}:${waitingFor}`;
}

export class ExportsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly adapter: DialectAdapter,
  ) {}

  /** Stores documents and queues their exports in one transaction: all or nothing (see ingest.ts). */
  async ingest(tenantId: string, docs: PreparedDocument[], o: IngestOptions): Promise<IngestOutcome> {
    return ingestDocuments(this.db, this.adapter, tenantId, docs, o);
  }

  /**
   * Claims up to `limit` due exports of the given kinds for one organisation under a lease.
   * On PostgreSQL the candidate rows are locked with FOR UPDATE SKIP LOCKED, so two workers never
   * claim the same row; on SQLite the single UPDATE … RETURNING is atomic.
   */
  async claim(p: { tenantId: string; kinds: string[]; limit: number; owner: string; leaseMs: number; now?: Date }): Promise<ExportRow[]> {
    const now = p.now ?? new Date();
    // A CTE, not "id IN (subquery … LIMIT n)": PostgreSQL may re-run such a subquery and update more than n rows.
    const rows = await this.db
      .with('candidates', (db) => this.adapter.lockForClaim(
        db.selectFrom('exports')
          .select('id')
          .where('tenant_id', '=', p.tenantId)
          .where('status', '=', 'queued')
          .where('kind', 'in', p.kinds)
          // Oldest first by id: most queued work is due, so walking tenant+status in id order finds the
          // batch at once; SQLite would otherwise range-scan next_attempt_at and sort the whole backlog.
          .where((eb) => eb(this.adapter.notIndexed(eb.ref('next_attempt_at')), '<=', iso(now)))
          .orderBy('id')
          .limit(p.limit),
      ))
      .updateTable('exports')
      .from('candidates')
      .set({ status: 'exporting', lease_owner: p.owner, lease_until: iso(new Date(now.getTime() + p.leaseMs)), updated_at: iso(now) })
      .whereRef('exports.id', '=', 'candidates.id')
      .where('exports.status', '=', 'queued')
      .returningAll()
      .execute();
    return (rows as ExportRow[]).sort((a, b) => a.id - b.id);
  }

  /** Organisations with due work, oldest work first, so that one big backlog cannot starve the rest. */
  async tenantsWithDueWork(now = new Date(), limit = 100): Promise<string[]> {
    // One index seek per organisation (its oldest due export), not a scan of every queued export.
    const rows = await this.db
      .selectFrom((db) => db.selectFrom('tenants')
        .select((eb) => ['tenants.id', eb.selectFrom('exports').select('exports.next_attempt_at')
          .whereRef('exports.tenant_id', '=', 'tenants.id')
          .where('exports.status', '=', 'queued')
          .where('exports.next_attempt_at', '<=', iso(now))
          .orderBy('exports.next_attempt_at')
          .limit(1)
          .as('due')])
        .where('tenants.status', '=', 'active')
        .where((eb) => eb.or([eb('tenants.paused_until', 'is', null), eb('tenants.paused_until', '<=', iso(now))]))
        .as('t'))
      .select(['t.id', 't.due'])
      .where('t.due', 'is not', null)
      .orderBy('t.due')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /** Work whose lease ran out (a worker died mid-call) goes back to the queue, to be reconciled first. */
  async recoverExpiredLeases(now = new Date()): Promise<number> {
    const rows = await this.db
      .updateTable('exports')
      .set({ status: 'queued', lease_owner: null, lease_until: null, needs_reconcile: 1, updated_at: iso(now) })
      .where('status', '=', 'exporting')
      .where('lease_until', '<', iso(now))
      .returning('id')
      .execute();
    return rows.length;
  }

  /**
   * Hands back every row `owner` still holds (its round failed, nothing of it is in flight): queued
   * again at once and looked up in Xero before any re-send, instead of waiting for the lease to run out.
   */
  async releaseClaims(owner: string, now = new Date()): Promise<number> {
    const rows = await this.db
      .updateTable('exports')
      .set({ status: 'queued', lease_owner: null, lease_until: null, needs_reconcile: 1, next_attempt_at: iso(now), updated_at: iso(now) })
      .where('status', '=', 'exporting')
      .where('lease_owner', '=', owner)
      .returning('id')
      .execute();
    return rows.length;
  }

  /** A stopping worker gives back what it still holds, the same way (a call may have gone out). */
  async handBack(owner: string, at: Date): Promise<number> {
    return this.releaseClaims(owner, at);
  }

  /** Extends the lease on the rows this owner still holds; returns how many it still holds. */
  async renewLease(ids: number[], owner: string, until: Date): Promise<number> {
    if (ids.length === 0) return 0;
    const rows = await this.db.updateTable('exports').set({ lease_until: iso(until) })
      .where('id', 'in', ids).where('lease_owner', '=', owner).where('status', '=', 'exporting')
      .returning('id').execute();
    return rows.length;
  }

  /**
   * Records the attempt and its Idempotency-Key before the call is made. With `owner`, only rows this
   * worker still holds under a live lease are recorded (and may be sent): a worker that stalled past its
   * lease must not send rows another worker has taken over. Returns the ids recorded.
   */
  async startAttempt(exportIds: number[], batchId: string, idempotencyKey: string, now = new Date(), owner?: string): Promise<number[]> {
    if (exportIds.length === 0) return [];
    return this.db.transaction().execute(async (trx) => {
      let q = trx.updateTable('exports').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('id', 'in', exportIds);
      if (owner) q = q.where('lease_owner', '=', owner).where('status', '=', 'exporting').where('lease_until', '>', iso(now));
      const held = (await q.returning('id').execute()).map((r) => r.id);
      if (held.length === 0) return [];
      const rows = await trx.selectFrom('exports').select(['id', 'attempts']).where('id', 'in', held).execute();
      await trx
        .insertInto('export_attempts')
        .values(rows.map((r) => ({ export_id: r.id, attempt_no: r.attempts, batch_id: batchId, idempotency_key: idempotencyKey, started_at: iso(now) })))
        .execute();
      return held;
    });
  }

  async finishAttempt(exportId: number, batchId: string, r: { outcome: string; httpStatus: number | null; error: string | null; correlationId: string | null }): Promise<void> {
    await this.db
      .updateTable('export_attempts')
      .set({ finished_at: iso(), outcome: r.outcome, http_status: r.httpStatus, error: r.error, correlation_id: r.correlationId })
      .where('export_id', '=', exportId)
      .where('batch_id', '=', batchId)
      .execute();
  }

  async markExported(id: number, x: { xeroId: string; xeroNumber: string | null; xeroTotal: string | null }, now = new Date()): Promise<void> {
    await this.db
      .updateTable('exports')
      .set({ status: 'exported', xero_id: x.xeroId, xero_number: x.xeroNumber, xero_total: x.xeroTotal, exported_at: iso(now), updated_at: iso(now),
        last_error: null, error_code: null, error_class: null, action_required: null, wait_reason: null, waiting_for: null,
        lease_owner: null, lease_until: null, needs_reconcile: 0 })
      .where('id', '=', id)
      .execute();
  }

  async markFailed(id: number, f: FailureInfo, now = new Date()): Promise<void> {
    await this.db
      .updateTable('exports')
      .set({ status: 'failed', last_error: f.message, error_code: f.code, error_class: f.errorClass, action_required: f.action,
        lease_owner: null, lease_until: null, wait_reason: null, waiting_for: null, updated_at: iso(now) })
      .where('id', '=', id)
      .execute();
  }

  /** Back to the queue for a later attempt (transient failure, or a pause of the organisation). */
  async requeue(ids: number[], p: { at: Date; failure?: FailureInfo | null; needsReconcile?: boolean; waitReason?: string | null }): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('exports')
      .set({
        status: 'queued', next_attempt_at: iso(p.at), lease_owner: null, lease_until: null, updated_at: iso(),
        wait_reason: p.waitReason ?? null,
        ...(p.failure ? { last_error: p.failure.message, error_code: p.failure.code, error_class: p.failure.errorClass, action_required: p.failure.action } : {}),
        ...(p.needsReconcile === undefined ? {} : { needs_reconcile: p.needsReconcile ? 1 : 0 }),
      })
      .where('id', 'in', ids)
      .execute();
  }

  /** Parks an export until something else happens (its contact is exported, a lock date moves). */
  async setWaiting(id: number, reason: string, waitingFor: string): Promise<void> {
    // Another worker may export the contact (and release its waiters) between our look at the link and
    // this update. Both sides take the same lock (PostgreSQL; SQLite writes are serialised anyway), and
    // this side looks at the link again under it: no export waits for a contact that is already in Xero.
    await this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('exports').select('tenant_id').where('id', '=', id).executeTakeFirst();
      if (!row) return;
      const [kind, ...rest] = waitingFor.split(':');
      const isContact = kind === 'customer' || kind === 'supplier';
      if (isContact) await this.adapter.lockKeyInTransaction(trx, contactWaitLockKey(row.tenant_id, waitingFor));
      await trx.updateTable('exports')
        .set({ status: 'waiting', wait_reason: reason, waiting_for: waitingFor, waiting_since: iso(), lease_owner: null, lease_until: null, updated_at: iso() })
        .where('id', '=', id).execute();
      if (!isContact) return;
      const link = await trx.selectFrom('contact_links').select('xero_contact_id')
        .where('tenant_id', '=', row.tenant_id).where('contact_kind', '=', kind).where('source_id', '=', rest.join(':')).executeTakeFirst();
      if (link) await new ExportsRepository(trx, this.adapter).releaseWaiting(row.tenant_id, waitingFor);
    });
  }

  /** Back to the queue: what `waitingFor` names is there now (also the exports that gave up waiting for it). */
  async releaseWaiting(tenantId: string, waitingFor: string): Promise<number> {
    const rows = await this.db.updateTable('exports')
      .set({ status: 'queued', wait_reason: null, waiting_for: null, waiting_since: null, next_attempt_at: iso(), updated_at: iso() })
      .where('tenant_id', '=', tenantId).where('status', '=', 'waiting').where('waiting_for', '=', waitingFor)
      .returning('id').execute();
    return rows.length + (await this.requeueGaveUp(tenantId, waitingFor));
  }

  /** Exports failed for waiting too long for `waitingFor` (a contact) back to the queue: it has arrived. */
  async requeueGaveUp(tenantId: string, waitingFor: string): Promise<number> {
    const rows = await this.db.updateTable('exports')
      .set({ status: 'queued', wait_reason: null, waiting_for: null, waiting_since: null, next_attempt_at: iso(), updated_at: iso(),
        last_error: null, error_code: null, error_class: null, action_required: null })
      .where('tenant_id', '=', tenantId).where('status', '=', 'failed').where('error_code', '=', CONTACT_NEVER_RECEIVED).where('waiting_for', '=', waitingFor)
      .returning('id').execute();
    return rows.length;
  }

  /** Exports that have waited for a contact since before `cutoff` (lock-date holds are not counted). */
  async staleContactWaits(cutoff: Date, limit = 500): Promise<Array<Pick<ExportRow, 'id' | 'tenant_id' | 'kind' | 'source_id' | 'waiting_for'>>> {
    return this.db.selectFrom('exports').select(['id', 'tenant_id', 'kind', 'source_id', 'waiting_for'])
      .where('status', '=', 'waiting').where('waiting_since', '<', iso(cutoff))
      .where((eb) => eb.or([eb('waiting_for', 'like', 'customer:%'), eb('waiting_for', 'like', 'supplier:%')]))
      .orderBy('id').limit(limit).execute();
  }

  /**
   * Whether an earlier revision of this export's document was sent without a known outcome (and
   * without a Xero id): superseded while queued for a retry, it may still have reached Xero.
   */
  async earlierRevisionMayBeInXero(row: Pick<ExportRow, 'tenant_id' | 'kind' | 'source_id' | 'revision'>): Promise<boolean> {
    const hit = await this.db.selectFrom('exports').select('id')
      .where('tenant_id', '=', row.tenant_id).where('kind', '=', row.kind).where('source_id', '=', row.source_id)
      .where('revision', '<', row.revision).where('xero_id', 'is', null)
      .where((eb) => eb.or([eb('attempts', '>', 0), eb('needs_reconcile', '=', 1)]))
      .limit(1).executeTakeFirst();
    return hit !== undefined;
  }

  /** Records the Xero object an export updates (found by a look-up) before the update is sent. */
  async setXeroId(id: number, xeroId: string): Promise<void> {
    await this.db.updateTable('exports').set({ xero_id: xeroId }).where('id', '=', id).execute();
  }

  /** The stored documents of the earlier revisions of this export's document, oldest first. */
  async earlierRevisionDocuments(row: Pick<ExportRow, 'tenant_id' | 'kind' | 'source_id' | 'revision'>): Promise<string[]> {
    const rows = await this.db.selectFrom('documents').select('payload')
      .where('tenant_id', '=', row.tenant_id).where('kind', '=', row.kind).where('source_id', '=', row.source_id)
      .where('revision', '<', row.revision).orderBy('revision').execute();
    return rows.map((r) => r.payload);
  }

  /** Starts an export's wait afresh (its contact was received after all, and is on its way). */
  async restartWait(id: number, now = new Date()): Promise<void> {
    await this.db.updateTable('exports').set({ waiting_since: iso(now) }).where('id', '=', id).where('status', '=', 'waiting').execute();
  }

  /**
   * Fails an export that waited too long for its contact, keeping what it waits for: the contact
   * arriving (or being linked) later puts it back in the queue. Only if it is still waiting.
   */
  async failContactWait(id: number, f: FailureInfo, now = new Date()): Promise<boolean> {
    const rows = await this.db.updateTable('exports')
      .set({ status: 'failed', last_error: f.message, error_code: f.code, error_class: f.errorClass, action_required: f.action, wait_reason: null, updated_at: iso(now) })
      .where('id', '=', id).where('status', '=', 'waiting')
      .returning('id').execute();
    return rows.length > 0;
  }

  async updateWaitReason(tenantId: string, waitingFor: string, reason: string): Promise<void> {
    await this.db.updateTable('exports').set({ wait_reason: reason, updated_at: iso() })
      .where('tenant_id', '=', tenantId).where('status', '=', 'waiting').where('waiting_for', '=', waitingFor).execute();
  }

  async get(tenantId: string, id: number): Promise<ExportRow | null> {
    const row = await this.db.selectFrom('exports').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ?? null;
  }

  async latestForSource(tenantId: string, kind: string, sourceId: string): Promise<ExportRow | null> {
    const row = await this.db.selectFrom('exports').selectAll()
      .where('tenant_id', '=', tenantId).where('kind', '=', kind).where('source_id', '=', sourceId)
      .where('status', '!=', 'skipped')
      .orderBy('revision', 'desc').orderBy('id', 'desc').executeTakeFirst();
    return row ?? null;
  }

  /** Records the date sent to Xero where the lock-date policy moved it (null: the source date was sent). */
  async setXeroDates(updates: Array<{ id: number; date: string | null }>): Promise<void> {
    for (const u of updates) await this.db.updateTable('exports').set({ xero_date: u.date }).where('id', '=', u.id).execute();
  }

  /** The total xport expects Xero to compute, shown beside Xero's own total. */
  async setDocumentTotal(documentId: number, total: string): Promise<void> {
    await this.db.updateTable('documents').set({ total }).where('id', '=', documentId).execute();
  }

  /** setDocumentTotal for a whole batch, in one transaction. */
  async setDocumentTotals(totals: Array<{ documentId: number; total: string }>): Promise<void> {
    if (totals.length === 0) return;
    const [only] = totals;
    if (totals.length === 1 && only) return this.setDocumentTotal(only.documentId, only.total);
    await this.db.transaction().execute(async (trx) => {
      for (const t of totals) await trx.updateTable('documents').set({ total: t.total }).where('id', '=', t.documentId).execute();
    });
  }

  async documentPayload(documentId: number): Promise<string> {
    const row = await this.db.selectFrom('documents').select('payload').where('id', '=', documentId).executeTakeFirstOrThrow();
    return row.payload;
  }

  async documentPayloads(documentIds: number[]): Promise<Map<number, string>> {
    if (documentIds.length === 0) return new Map();
    const rows = await this.db.selectFrom('documents').select(['id', 'payload']).where('id', 'in', documentIds).execute();
    return new Map(rows.map((r) => [r.id, r.payload]));
  }

  /**
   * Exports per status, from export_counts (kept by triggers on `exports`, migration 0006) rather
   * than counting the rows. Delta rows that PostgreSQL's triggers append are folded here once there
   * are more than FOLD_AFTER of them (SQLite's triggers update one row in place).
   */
  async countByStatus(tenantId: string | null): Promise<Record<ExportStatus, number>> {
    let q = this.db.selectFrom('export_counts')
      .select(['status', sql<number>`sum(n)`.as('n'), sql<number>`count(*) - count(distinct tenant_id)`.as('extra')]).groupBy('status');
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
      for (let i = 0; i < values.length; i += 500) await trx.insertInto('export_counts').values(values.slice(i, i + 500)).execute();
    });
  }

  async list(f: ExportFilter): Promise<Array<ExportRow & { reference: string; doc_date: string | null; total: string | null }>> {
    let q = this.db
      .selectFrom('exports')
      .innerJoin('documents', 'documents.id', 'exports.document_id')
      .selectAll('exports')
      .select(['documents.reference', 'documents.doc_date', 'documents.total'])
      .where('exports.tenant_id', '=', f.tenantId);
    if (f.statuses?.length) q = q.where('exports.status', 'in', f.statuses);
    if (f.kinds?.length) q = q.where('exports.kind', 'in', f.kinds);
    if (f.errorCode) q = q.where('exports.error_code', '=', f.errorCode);
    if (f.fromDate) q = q.where('documents.doc_date', '>=', f.fromDate);
    if (f.toDate) q = q.where('documents.doc_date', '<=', f.toDate);
    if (f.beforeId) q = q.where('exports.id', '<', f.beforeId);
    if (f.search) {
      const needle = f.search;
      q = q.where((eb) => eb.or([this.adapter.containsText(eb.ref('documents.reference'), needle), this.adapter.containsText(eb.ref('exports.last_error'), needle)]));
    }
    return q.orderBy('exports.id', 'desc').limit(Math.min(f.limit ?? 50, 500)).execute();
  }

  /** Failed exports grouped by error code and message: the "12 items: …" view. */
  async failureGroups(tenantId: string): Promise<Array<{ error_code: string | null; last_error: string | null; action_required: string | null; n: number }>> {
    return this.db
      .selectFrom('exports')
      .select(['error_code', 'last_error', 'action_required', sql<number>`count(*)`.as('n')])
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'failed')
      .groupBy(['error_code', 'last_error', 'action_required'])
      .orderBy(sql`count(*)`, 'desc')
      .limit(200)
      .execute();
  }

  async attempts(exportId: number) {
    return this.db.selectFrom('export_attempts').selectAll().where('export_id', '=', exportId).orderBy('attempt_no').execute();
  }

  /** failed → queued now (a person pressed Export). Returns the ids that changed. */
  async retry(tenantId: string, ids: number[] | 'all-failed', filter: { errorCode?: string } = {}): Promise<number[]> {
    let q = this.db
      .updateTable('exports')
      .set({ status: 'queued', next_attempt_at: iso(), updated_at: iso(), wait_reason: null })
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'failed');
    if (ids !== 'all-failed') q = q.where('id', 'in', ids.length ? ids : [-1]);
    if (filter.errorCode) q = q.where('error_code', '=', filter.errorCode);
    const rows = await q.returning('id').execute();
    return rows.map((r) => r.id);
  }

  async skip(tenantId: string, id: number): Promise<boolean> {
    const rows = await this.db.updateTable('exports').set({ status: 'skipped', wait_reason: 'skipped by a user', updated_at: iso() })
      .where('tenant_id', '=', tenantId).where('id', '=', id).where('status', 'in', ['failed', 'queued', 'waiting'])
      .returning('id').execute();
    return rows.length > 0;
  }

  /** Removes failed exports from the queue (the document itself is kept for its history). */
  async delete(tenantId: string, ids: number[] | 'all-failed'): Promise<Array<{ id: number; source_id: string; kind: string }>> {
    return this.db.transaction().execute(async (trx) => {
      let q = trx.selectFrom('exports').select(['id', 'source_id', 'kind']).where('tenant_id', '=', tenantId);
      q = ids === 'all-failed' ? q.where('status', '=', 'failed') : q.where('id', 'in', ids.length ? ids : [-1]).where('status', '!=', 'exporting');
      const rows = await q.execute();
      const rowIds = rows.map((r) => r.id);
      for (let i = 0; i < rowIds.length; i += 500) {
        const chunk = rowIds.slice(i, i + 500);
        await trx.deleteFrom('export_attempts').where('export_id', 'in', chunk).execute();
        await trx.deleteFrom('exports').where('id', 'in', chunk).execute();
      }
      return rows;
    });
  }

  /** Error codes of the failed exports with their counts (the error filter of the web UI). */
  async failureCodes(tenantId: string): Promise<Array<{ code: string; n: number }>> {
    const rows = await this.db.selectFrom('exports').select(['error_code', sql<number>`count(*)`.as('n')])
      .where('tenant_id', '=', tenantId).where('status', '=', 'failed').where('error_code', 'is not', null)
      .groupBy('error_code').orderBy('error_code').execute();
    return rows.map((r) => ({ code: r.error_code ?? '', n: Number(r.n) }));
  }
}
