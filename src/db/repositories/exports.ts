/**
 * The export queue. An export is one attempt-able unit of work: one revision of one source
 * document on its way to one Xero organisation. Rows move queued → exporting → exported, or to
 * failed / waiting / skipped; attempts are kept in export_attempts with the Idempotency-Key that
 * was stored *before* the call went out.
 */
import type { ExportStatus } from '../../domain/types';
import type { AttemptResult, Export, ExportedAs } from '../../domain/export';
import { sql, type QueryCreator } from 'kysely';
import type { Database } from '../schema';
import { iso } from '../clock';
import { valuesList } from '../values-list';
import { ExportWaits, type FailureInfo } from './export-waits';
import { FAILED, toExport } from './export-rows';
import { precompiled, rowsOf } from '../precompiled';
import { ingestDocuments, type IngestOptions, type IngestOutcome, type PreparedDocument } from './ingest';

export type { IngestOptions, IngestOutcome, IngestResult, PreparedDocument, RevisionConflict } from './ingest';

export type { ExportStatus };
export type { ExportFilter, ListedExport } from './export-reads';
export { CONTACT_NEVER_RECEIVED, contactWaitLockKey, type FailureInfo } from './export-waits';

export class ExportsRepository extends ExportWaits {
  /** Stores documents and queues their exports in one transaction: all or nothing (see ingest.ts). */
  async ingest(tenantId: string, docs: PreparedDocument[], o: IngestOptions): Promise<IngestOutcome> {
    return ingestDocuments(this.db, this.adapter, tenantId, docs, o);
  }

  /**
   * Claims up to `limit` due exports of the given kinds for one organisation under a lease, oldest
   * (lowest id) first. Per kind, up to `limit` candidates in id order from exports_claim_by_kind
   * (migration 0019), merged in id order and cut to `limit`: a kind with nothing queued costs one
   * seek, however much of other kinds is queued. On PostgreSQL each kind's candidates are locked
   * with FOR UPDATE SKIP LOCKED on the rows themselves (a UNION cannot be locked, its branches can),
   * so two workers never claim the same row; on SQLite the single UPDATE … RETURNING is atomic.
   */
  async claim(p: { tenantId: string; kinds: string[]; limit: number; owner: string; leaseMs: number; now?: Date }): Promise<Export[]> {
    const now = p.now ?? new Date();
    const [kind0, ...others] = [...new Set(p.kinds)];
    if (kind0 === undefined) return [];
    const values: ClaimValues = [p.tenantId, iso(now), p.limit, p.owner, iso(new Date(now.getTime() + p.leaseMs)), kind0, ...others];
    const { rows } = await precompiled.run(this.db, this.adapter.name, `claim:${1 + others.length}`, values, (v) => this.claimQuery(v));
    return rows.map(toExport).sort((a, b) => a.id - b.id);
  }

  /** The claim's statement (one shape per number of kinds). */
  private claimQuery([tenantId, now, limit, owner, leaseUntil, kind0, ...others]: ClaimValues) {
    const ofKind = (db: QueryCreator<Database>, kind: string) =>
      this.adapter.lockForClaim(
        db
          .selectFrom('exports')
          .select('id')
          .where('tenant_id', '=', tenantId)
          .where('kind', '=', kind)
          // A literal, not a parameter: the partial index is used for the condition it can see.
          .where('status', '=', sql.lit('queued'))
          // Oldest first by id: most queued work is due, so walking the kind in id order finds the batch at
          // once; SQLite would otherwise range-scan next_attempt_at and sort the whole backlog.
          .where((eb) => eb(this.adapter.notIndexed(eb.ref('next_attempt_at')), '<=', now))
          .orderBy('id')
          .limit(limit),
      );
    // A CTE, not "id IN (subquery … LIMIT n)": PostgreSQL may re-run such a subquery and update more than n rows.
    return (
      this.db
        .with('candidates', (db) => {
          if (others.length === 0) return ofKind(db, kind0);
          // Each kind's candidates as a subquery (where a limit and a lock may stand), merged in id order.
          const branch = (kind: string) => db.selectFrom(ofKind(db, kind).as('k')).select('k.id');
          return others
            .reduce((merged, kind) => merged.unionAll(branch(kind)), branch(kind0))
            .orderBy('id')
            .limit(limit);
        })
        .updateTable('exports')
        .from('candidates')
        .set({ status: 'exporting', lease_owner: owner, lease_until: leaseUntil, updated_at: now })
        .whereRef('exports.id', '=', 'candidates.id')
        // Not by an index: SQLite would otherwise walk every queued export (exports_claim) and look each up
        // in the candidates, not the candidates up by id (it cannot tell that a merge of kinds is small).
        .where((eb) => eb(this.adapter.notIndexed(eb.ref('exports.status')), '=', 'queued'))
        // Nothing for an organisation paused meanwhile (by a person, or by another worker's rate limit).
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('tenants')
              .select('tenants.id')
              .where('tenants.id', '=', tenantId)
              .where('tenants.status', '=', 'active')
              .where((t) => t.or([t('tenants.paused_until', 'is', null), t('tenants.paused_until', '<=', now)])),
          ),
        )
        .returningAll()
    );
  }

  /**
   * Which of `kinds` have due queued work in the organisation, in one statement: a round skips the
   * endpoints with none instead of making a claim that comes back empty. Each kind is a walk of its
   * queued exports in id order (0019's partial index; `status` a literal so that SQLite may use it) that
   * stops at the first one due.
   */
  async dueKinds(tenantId: string, kinds: readonly string[], now = new Date()): Promise<Set<string>> {
    if (kinds.length === 0) return new Set();
    const { rows } = await precompiled.run(this.db, this.adapter.name, `dueKinds:${kinds.length}`, [tenantId, iso(now), ...kinds] as [string, string, ...string[]], ([tenant, at, ...names]) => {
      const k = valuesList(
        names.map((x) => [x]),
        ['text'],
      );
      return sql<{ kind: string }>`with k (kind) as (${k})
      select k.kind from k where exists (select 1 from exports where exports.tenant_id = ${tenant} and exports.status = ${sql.lit('queued')} and exports.kind = k.kind
        and ${this.adapter.notIndexed(sql.ref('exports.next_attempt_at'))} <= ${at})`;
    });
    return new Set(rows.map((r) => r.kind));
  }

  /** Organisations with due work, oldest work first, so that one big backlog cannot starve the rest. */
  async tenantsWithDueWork(now = new Date(), limit = 100): Promise<string[]> {
    // One index seek per organisation (its oldest due export), not a scan of every queued export.
    const { rows } = await precompiled.run(this.db, this.adapter.name, 'tenantsWithDueWork', [iso(now), limit] as const, ([at, most]) => this.tenantsWithDueWorkQuery(at, most));
    return rows.map((r) => r.id);
  }

  private tenantsWithDueWorkQuery(at: string, limit: number) {
    return this.db
      .selectFrom((db) =>
        db
          .selectFrom('tenants')
          .select((eb) => [
            'tenants.id',
            eb
              .selectFrom('exports')
              .select('exports.next_attempt_at')
              .whereRef('exports.tenant_id', '=', 'tenants.id')
              .where('exports.status', '=', 'queued')
              .where('exports.next_attempt_at', '<=', at)
              .orderBy('exports.next_attempt_at')
              .limit(1)
              .as('due'),
          ])
          .where('tenants.status', '=', 'active')
          .where((eb) => eb.or([eb('tenants.paused_until', 'is', null), eb('tenants.paused_until', '<=', at)]))
          .as('t'),
      )
      .select(['t.id', 't.due'])
      .where('t.due', 'is not', null)
      .orderBy('t.due')
      .limit(limit);
  }

  /** Work whose lease ran out (a worker died mid-call) goes back to the queue, to be reconciled first. */
  async recoverExpiredLeases(now = new Date()): Promise<number> {
    const { rows } = await precompiled.run(this.db, this.adapter.name, 'recoverExpiredLeases', [iso(now)] as const, ([at]) =>
      this.db
        .updateTable('exports')
        .set({ status: 'queued', lease_owner: null, lease_until: null, needs_reconcile: 1, updated_at: at })
        .where('status', '=', 'exporting')
        .where('lease_until', '<', at)
        .returning('id'),
    );
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
    const rows = await this.db
      .updateTable('exports')
      .set({ lease_until: iso(until) })
      .where('id', 'in', ids)
      .where('lease_owner', '=', owner)
      .where('status', '=', 'exporting')
      .returning('id')
      .execute();
    return rows.length;
  }

  /**
   * Records the attempt and its Idempotency-Key before the call is made. With `owner`, only rows this
   * worker still holds under a live lease are recorded (and may be sent): a worker that stalled past its
   * lease must not send rows another worker has taken over. Returns the ids recorded.
   */
  async startAttempt(exportIds: number[], batchId: string, idempotencyKey: string, now = new Date(), owner?: string): Promise<number[]> {
    if (exportIds.length === 0) return [];
    const at = iso(now);
    const values: HeldValues = [owner || null, at, ...exportIds];
    // Part of the shape, not read from the values (a build is given stand-ins for them).
    const ownerHeld = Boolean(owner);
    const heldShape = `${exportIds.length}:${ownerHeld ? 'owner' : 'any'}`;
    // The rows raised and, by RETURNING, each one's new attempt number: no second read.
    const held = (db: QueryCreator<Database>, [holder, until, ...ids]: HeldValues) => {
      let q = db
        .updateTable('exports')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('id', 'in', ids);
      if (ownerHeld) q = q.where('lease_owner', '=', holder).where('status', '=', 'exporting').where('lease_until', '>', until);
      return q.returning(['id', 'attempts']);
    };
    if (this.adapter.name === 'postgres') {
      // One statement, so one round trip (not begin, update, insert, commit): the UPDATE a data-modifying
      // CTE feeding the INSERT, atomic together.
      const { rows } = await precompiled.run(this.db, this.adapter.name, `startAttempt:${heldShape}`, [batchId, idempotencyKey, ...values] as const, ([batch, key, holder, startedAt, ...ids]) =>
        this.db
          .with('held', (db) => held(db, [holder, startedAt, ...ids]))
          .insertInto('export_attempts')
          .columns(['export_id', 'attempt_no', 'batch_id', 'idempotency_key', 'started_at'])
          .expression((eb) =>
            eb
              .selectFrom('held')
              .select(['held.id', 'held.attempts', sql<string>`${batch}`.as('batch_id'), sql<string>`${key}`.as('idempotency_key'), sql<string>`${startedAt}`.as('started_at')])
              .orderBy('held.id'),
          )
          .returning('export_id'),
      );
      return rows.map((r) => r.export_id);
    }
    return this.db.transaction().execute(async (trx) => {
      const { rows } = await precompiled.run(trx, this.adapter.name, `startAttempt.held:${heldShape}`, values, (v) => held(trx, v));
      if (rows.length === 0) return [];
      const attempts: AttemptRowValues = [batchId, idempotencyKey, at, ...rows.flatMap((r) => [r.id, r.attempts])];
      await precompiled.run(trx, this.adapter.name, `startAttempt.insert:${rows.length}`, attempts, ([batch, key, startedAt, ...cells]) =>
        trx
          .insertInto('export_attempts')
          .values(rowsOf<[number, number]>(cells, 2).map(([id, attemptNo]) => ({ export_id: id, attempt_no: attemptNo, batch_id: batch, idempotency_key: key, started_at: startedAt }))),
      );
      return rows.map((r) => r.id);
    });
  }

  async finishAttempt(exportId: number, batchId: string, r: AttemptResult): Promise<void> {
    await this.finishAttempts([exportId], batchId, r);
  }

  /** finishAttempt for many exports of one call with the same outcome, in one statement. */
  async finishAttempts(exportIds: number[], batchId: string, r: AttemptResult): Promise<void> {
    if (exportIds.length === 0) return;
    const values: FinishValues = [iso(), r.outcome, r.httpStatus, r.error, r.correlationId, batchId, ...exportIds];
    await precompiled.run(this.db, this.adapter.name, `finishAttempts:${exportIds.length}`, values, ([finishedAt, outcome, httpStatus, error, correlationId, batch, ...ids]) =>
      this.db
        .updateTable('export_attempts')
        .set({ finished_at: finishedAt, outcome, http_status: httpStatus, error, correlation_id: correlationId })
        .where('batch_id', '=', batch)
        .where('export_id', 'in', ids),
    );
  }

  async markExported(id: number, x: ExportedAs, now = new Date()): Promise<void> {
    await this.markManyExported([{ id, ...x }], now);
  }

  /** markExported for many exports, in one statement (a batch's accepted elements). */
  async markManyExported(rows: Array<{ id: number } & ExportedAs>, now = new Date()): Promise<void> {
    if (rows.length === 0) return;
    await precompiled.run(this.db, this.adapter.name, `markManyExported:${rows.length}`, exportedValues(rows, now), (v) => {
      const u = exportedUpdate(v);
      return sql`with v (id, xero_id, xero_number, xero_total) as (${u.values}) ${u.update}`;
    });
  }

  /**
   * A call's accepted elements recorded: exported, and their attempts of the call finished with `r`,
   * atomically. On PostgreSQL one statement (the exports' UPDATE a data-modifying CTE, which runs exactly
   * once whether or not it is read), so one round trip; on SQLite two statements, in a transaction of
   * their own unless the caller's.
   */
  async recordExported(rows: Array<{ id: number } & ExportedAs>, attempt: { batchId: string; result: AttemptResult } | null, now = new Date()): Promise<void> {
    if (rows.length === 0) return;
    if (attempt === null) return this.markManyExported(rows, now);
    if (this.adapter.name !== 'postgres') {
      const both = async (exports: ExportsRepository) => {
        await exports.markManyExported(rows, now);
        await exports.finishAttempts(
          rows.map((r) => r.id),
          attempt.batchId,
          attempt.result,
        );
      };
      if (this.db.isTransaction) return both(this);
      return this.db.transaction().execute((trx) => both(new ExportsRepository(trx, this.adapter)));
    }
    const r = attempt.result;
    const values: RecordValues = [iso(), r.outcome, r.httpStatus, r.error, r.correlationId, attempt.batchId, ...exportedValues(rows, now)];
    await precompiled.run(this.db, this.adapter.name, `recordExported:${rows.length}`, values, ([finishedAt, outcome, httpStatus, error, correlationId, batch, ...exported]) => {
      const u = exportedUpdate(exported);
      return sql`with v (id, xero_id, xero_number, xero_total) as (${u.values}), exported as (${u.update} returning exports.id)
      update export_attempts set finished_at = ${finishedAt}, outcome = ${outcome}, http_status = ${httpStatus}, error = ${error}, correlation_id = ${correlationId}
      where batch_id = ${batch} and export_id in (${sql.join(u.ids)})`;
    });
  }

  async markFailed(id: number, f: FailureInfo, now = new Date()): Promise<void> {
    await precompiled.run(this.db, this.adapter.name, 'markFailed', [id, f.message, f.code, f.errorClass, f.action, iso(now)] as const, ([row, message, code, errorClass, action, at]) =>
      this.db
        .updateTable('exports')
        .set({
          status: 'failed',
          last_error: message,
          error_code: code,
          error_class: errorClass,
          action_required: action,
          lease_owner: null,
          lease_until: null,
          wait_reason: null,
          waiting_for: null,
          updated_at: at,
        })
        .where('id', '=', row),
    );
  }

  /** Back to the queue for a later attempt (transient failure, or a pause of the organisation). */
  async requeue(ids: number[], p: { at: Date; failure?: FailureInfo | null; needsReconcile?: boolean; waitReason?: string | null }): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('exports')
      .set({
        status: 'queued',
        next_attempt_at: iso(p.at),
        lease_owner: null,
        lease_until: null,
        updated_at: iso(),
        wait_reason: p.waitReason ?? null,
        ...(p.failure ? { last_error: p.failure.message, error_code: p.failure.code, error_class: p.failure.errorClass, action_required: p.failure.action } : {}),
        ...(p.needsReconcile === undefined ? {} : { needs_reconcile: p.needsReconcile ? 1 : 0 }),
      })
      .where('id', 'in', ids)
      .execute();
  }

  /** Records the Xero object an export updates (found by a look-up) before the update is sent. */
  async setXeroId(id: number, xeroId: string): Promise<void> {
    await this.db.updateTable('exports').set({ xero_id: xeroId }).where('id', '=', id).execute();
  }

  /** Records the date sent to Xero where the lock-date policy moved it (null: the source date was sent), in one statement. */
  async setXeroDates(updates: Array<{ id: number; date: string | null }>): Promise<void> {
    await this.setWhereDistinct(
      'exports',
      'xero_date',
      updates.map((u) => [u.id, u.date]),
    );
  }

  /**
   * `column` of each row `id` set to its value, in one statement compiled once per row count; only the rows
   * whose value differs are written (an unchanged row rewritten still costs its page in the WAL).
   */
  private async setWhereDistinct(table: 'exports' | 'documents', column: 'xero_date' | 'total', rows: Array<[id: number, value: string | null]>): Promise<void> {
    if (rows.length === 0) return;
    const [t, c] = [sql.table(table), sql.ref(column)];
    await precompiled.run(
      this.db,
      this.adapter.name,
      `set ${table}.${column}:${rows.length}`,
      rows.flat(),
      (cells) =>
        sql`with v (id, new_value) as (${valuesList(rowsOf(cells, 2), ['integer', 'text'])}) update ${t} set ${c} = v.new_value from v where ${t}.id = v.id and ${t}.${c} is distinct from v.new_value`,
    );
  }

  /** The total xport expects Xero to compute, shown beside Xero's own total. */
  async setDocumentTotal(documentId: number, total: string): Promise<void> {
    await this.setDocumentTotals([{ documentId, total }]);
  }

  /** setDocumentTotal for a whole batch, in one statement. A claim sets every document's total again, and most are unchanged. */
  async setDocumentTotals(totals: Array<{ documentId: number; total: string }>): Promise<void> {
    await this.setWhereDistinct(
      'documents',
      'total',
      totals.map((t) => [t.documentId, t.total]),
    );
  }

  /** failed → queued now (a person pressed Export). Returns the ids that changed. */
  async retry(tenantId: string, ids: number[] | 'all-failed', filter: { errorCode?: string } = {}): Promise<number[]> {
    let q = this.db.updateTable('exports').set({ status: 'queued', next_attempt_at: iso(), updated_at: iso(), wait_reason: null }).where('tenant_id', '=', tenantId).where('status', '=', FAILED);
    if (ids !== 'all-failed') q = q.where('id', 'in', ids.length ? ids : [-1]);
    if (filter.errorCode) q = q.where('error_code', '=', filter.errorCode);
    const rows = await q.returning('id').execute();
    return rows.map((r) => r.id);
  }

  async skip(tenantId: string, id: number): Promise<boolean> {
    const rows = await this.db
      .updateTable('exports')
      .set({ status: 'skipped', wait_reason: 'skipped by a user', updated_at: iso() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('status', 'in', ['failed', 'queued', 'waiting'])
      .returning('id')
      .execute();
    return rows.length > 0;
  }

  /** Removes failed exports from the queue (the document itself is kept for its history). */
  async delete(tenantId: string, ids: number[] | 'all-failed'): Promise<Array<{ id: number; sourceId: string; kind: string }>> {
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
      return rows.map((r) => ({ id: r.id, sourceId: r.source_id, kind: r.kind }));
    });
  }
}

type ClaimValues = [tenantId: string, now: string, limit: number, owner: string, leaseUntil: string, kind0: string, ...others: string[]];
/** startAttempt's rows held: the owner (null: any), the time the lease must outlive, the ids. */
type HeldValues = [owner: string | null, at: string, ...ids: number[]];
type AttemptRowValues = [batchId: string, idempotencyKey: string, startedAt: string, ...idAndAttemptNo: number[]];
type Cell = string | number | null;
type FinishValues = [finishedAt: string, outcome: string, httpStatus: number | null, error: string | null, correlationId: string | null, batchId: string, ...ids: number[]];
/** The time recorded, then four cells a row: id, xero id, number, total. */
type ExportedValues = [at: string, ...cells: Cell[]];
type RecordValues = [finishedAt: string, outcome: string, httpStatus: number | null, error: string | null, correlationId: string | null, batchId: string, ...exported: ExportedValues];

const EXPORTED_CELLS = 4;

function exportedValues(rows: Array<{ id: number } & ExportedAs>, now: Date): ExportedValues {
  const values: ExportedValues = [iso(now)];
  // `?? null` as valuesList would: a number or total left undefined is recorded as null.
  for (const r of rows) values.push(r.id, r.xeroId, r.xeroNumber ?? null, r.xeroTotal ?? null);
  return values;
}

/** The UPDATE that records rows as exported, from the rows in a CTE `v` (a statement by itself, or a CTE of recordExported). */
function exportedUpdate([at, ...cells]: ExportedValues) {
  const rows = rowsOf<Cell[]>(cells, EXPORTED_CELLS);
  const values = valuesList(rows, ['integer', 'text', 'text', 'text']);
  const update = sql`update exports set status = 'exported', xero_id = v.xero_id, xero_number = v.xero_number, xero_total = v.xero_total, exported_at = ${at}, updated_at = ${at},
        last_error = null, error_code = null, error_class = null, action_required = null, wait_reason = null, waiting_for = null, lease_owner = null, lease_until = null, needs_reconcile = 0
      from v where exports.id = v.id`;
  return { values, update, ids: rows.map((r) => r[0]) };
}
