/** Undoes migration 0022 (tests that step a database back to an older schema and migrate it again). */
import type { Kysely } from 'kysely';

export async function stepBackLeanExportIndexes<DB>(db: Kysely<DB>): Promise<void> {
  // The same builder calls as 0001, 0003 and 0004 made them, so the same SQL text.
  await db.schema.dropIndex('exports_failed_code').execute();
  await db.schema.createIndex('exports_tenant_status_code').on('exports').columns(['tenant_id', 'status', 'error_code', 'id']).execute();
  await db.schema.dropIndex('exports_tenant_xero_id').execute();
  await db.schema.createIndex('exports_tenant_xero_id').on('exports').columns(['tenant_id', 'xero_id']).execute();
  await db.schema.createIndex('exports_waiting_for').on('exports').columns(['tenant_id', 'waiting_for']).execute();
}
