/**
 * One source document as the look-up shows it (GET /api/v1/documents/{kind}/{sourceId}): its latest
 * revision and that revision's export.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema';

export interface LatestDocument {
  revision: number;
  reference: string;
  date: string | null;
  total: string | null;
  receivedAt: string;
  export: {
    id: number;
    status: string;
    reason: string | null;
    errorCode: string | null;
    actionRequired: string | null;
    xeroId: string | null;
    xeroNumber: string | null;
    xeroTotal: string | null;
    xeroDate: string | null;
    exportedAt: string | null;
  } | null;
}

export class DocumentLookupRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The latest revision of a source document and the state of its export (null: never received). */
  async latestDocument(tenantId: string, kind: string, sourceId: string): Promise<LatestDocument | null> {
    const doc = await this.db
      .selectFrom('documents')
      .select(['id', 'revision', 'reference', 'doc_date', 'total', 'received_at'])
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', kind)
      .where('source_id', '=', sourceId)
      .orderBy('revision', 'desc')
      .executeTakeFirst();
    if (!doc) return null;
    const exp = await this.db
      .selectFrom('exports')
      .select(['id', 'status', 'wait_reason', 'last_error', 'error_code', 'action_required', 'xero_id', 'xero_number', 'xero_total', 'xero_date', 'exported_at'])
      .where('document_id', '=', doc.id)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return {
      revision: doc.revision,
      reference: doc.reference,
      date: doc.doc_date,
      total: doc.total,
      receivedAt: doc.received_at,
      export: exp
        ? {
            id: exp.id,
            status: exp.status,
            reason: exp.wait_reason ?? exp.last_error,
            errorCode: exp.error_code,
            actionRequired: exp.action_required,
            xeroId: exp.xero_id,
            xeroNumber: exp.xero_number,
            xeroTotal: exp.xero_total,
            xeroDate: exp.xero_date,
            exportedAt: exp.exported_at,
          }
        : null,
    };
  }
}
