/**
 * An export as the engine, the web layer and the CLI see it (see the glossary in types.ts). The
 * repositories map database rows to these types in one place each (src/db/repositories/export-rows.ts);
 * nothing outside src/db sees a row. Times are ISO-8601 UTC strings, as stored.
 */
import type { DocumentKind, ExportStatus } from './types';

export interface Export {
  id: number;
  tenantId: string;
  documentId: number;
  kind: DocumentKind;
  sourceId: string;
  /** Newer revisions of one (tenant, kind, source id) supersede older ones. */
  revision: number;
  status: ExportStatus;
  waitReason: string | null;
  /** What a waiting export waits for: `customer:<id>`, `supplier:<id>` or a lock-date hold. */
  waitingFor: string | null;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  errorCode: string | null;
  errorClass: string | null;
  actionRequired: string | null;
  xeroId: string | null;
  xeroNumber: string | null;
  xeroTotal: string | null;
  leaseOwner: string | null;
  leaseUntil: string | null;
  /** An attempt's outcome is unknown: the next attempt must look the document up in Xero first. */
  needsReconcile: boolean;
  createdAt: string;
  updatedAt: string;
  exportedAt: string | null;
  /** What Xero later reported about the exported document (VOIDED, DELETED), from webhooks. */
  xeroStatus: string | null;
  /** The date sent to Xero when the lock-date policy moved it; null when the source date was sent. */
  xeroDate: string | null;
  /** When the export last started waiting: a contact that never arrives fails it after a while. */
  waitingSince: string | null;
}

/** An export as lists and pages show it: with its document's reference, date and total. */
export interface ListedExport extends Export {
  reference: string;
  docDate: string | null;
  total: string | null;
}

/** What identifies an export's document across its revisions. */
export type ExportSource = Pick<Export, 'tenantId' | 'kind' | 'sourceId' | 'revision'>;

/** One try of an export: one Xero call it took part in, with its own Idempotency-Key. */
export interface ExportAttempt {
  id: number;
  exportId: number;
  attemptNo: number;
  batchId: string;
  idempotencyKey: string;
  startedAt: string;
  finishedAt: string | null;
  /** ok, error, unknown, transient or rate_limited; null while the call is out. */
  outcome: string | null;
  httpStatus: number | null;
  error: string | null;
  correlationId: string | null;
}

/** Failed exports that share an error code and message (the "12 items: …" view). */
export interface FailureGroup {
  errorCode: string | null;
  lastError: string | null;
  actionRequired: string | null;
  n: number;
}

/** One received document with the state of its export (null export fields: its export was deleted). */
export interface ListedDocument {
  id: number;
  kind: DocumentKind;
  sourceId: string;
  revision: number;
  reference: string;
  docDate: string | null;
  total: string | null;
  receivedAt: string;
  exportId: number | null;
  status: ExportStatus | null;
  attempts: number | null;
  xeroId: string | null;
  xeroNumber: string | null;
  xeroTotal: string | null;
  lastError: string | null;
  waitReason: string | null;
}

/** One revision of a source document, as the document page lists them. */
export interface DocumentRevision {
  id: number;
  revision: number;
  receivedAt: string;
}

/** What Xero answered for an attempt of one export. */
export interface AttemptResult {
  outcome: string;
  httpStatus: number | null;
  error: string | null;
  correlationId: string | null;
}

/** The Xero object an export became. */
export interface ExportedAs {
  xeroId: string;
  xeroNumber: string | null;
  xeroTotal: string | null;
}
