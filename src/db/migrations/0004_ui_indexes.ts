import type { Kysely } from 'kysely';

/**
 * Indexes for the web UI's grids at 100,000 rows: documents of one organisation newest first
 * (/documents), and failed exports by error code (the error filter and its counts on /queue).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('documents_tenant_id').on('documents').columns(['tenant_id', 'id']).execute();
  await db.schema.createIndex('exports_tenant_status_code').on('exports').columns(['tenant_id', 'status', 'error_code', 'id']).execute();
}
