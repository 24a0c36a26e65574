/**
 * The one place where rows of `exports` and `export_attempts` become the domain's Export,
 * ListedExport and ExportAttempt: every repository method that hands exports or attempts out of
 * src/db maps them here.
 */
import { sql, type Selectable } from 'kysely';
import type { ExportAttemptsTable, ExportRow } from '../schema';
import type { Export, ExportAttempt, ListedExport } from '../../domain/export';
import type { DocumentKind, ExportStatus } from '../../domain/types';

/**
 * `status = 'failed'` written as a literal: SQLite uses the partial index of failed exports by error code
 * (`exports_failed_code`, migration 0022) only for a condition it can see, never for a bound parameter.
 */
export const FAILED = sql.lit('failed');

export type ListedExportRow = ExportRow & { reference: string; doc_date: string | null; total: string | null };

export function toExport(r: ExportRow): Export {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    documentId: r.document_id,
    // Only xport writes these columns, from the same unions.
    kind: r.kind as DocumentKind,
    sourceId: r.source_id,
    revision: r.revision,
    status: r.status as ExportStatus,
    waitReason: r.wait_reason,
    waitingFor: r.waiting_for,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    errorCode: r.error_code,
    errorClass: r.error_class,
    actionRequired: r.action_required,
    xeroId: r.xero_id,
    xeroNumber: r.xero_number,
    xeroTotal: r.xero_total,
    leaseOwner: r.lease_owner,
    leaseUntil: r.lease_until,
    needsReconcile: Number(r.needs_reconcile) !== 0,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    exportedAt: r.exported_at,
    xeroStatus: r.xero_status,
    xeroDate: r.xero_date,
    waitingSince: r.waiting_since,
  };
}

export function toListedExport(r: ListedExportRow): ListedExport {
  return { ...toExport(r), reference: r.reference, docDate: r.doc_date, total: r.total };
}

export function toExportAttempt(r: Selectable<ExportAttemptsTable>): ExportAttempt {
  return {
    id: r.id,
    exportId: r.export_id,
    attemptNo: r.attempt_no,
    batchId: r.batch_id,
    idempotencyKey: r.idempotency_key,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    outcome: r.outcome,
    httpStatus: r.http_status,
    error: r.error,
    correlationId: r.correlation_id,
  };
}
