import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect';

/**
 * Export counts per organisation and status without counting a million rows: the banner,
 * /queue and /api/v1/status read export_counts, which triggers on `exports` keep in step (so every
 * writer is counted, whichever code path it takes). Filled from the exports already there, in the
 * same transaction as the triggers are created.
 */
export async function up(db: Kysely<unknown>, adapter: DialectAdapter): Promise<void> {
  await db.schema
    .createTable('export_counts')
    .addColumn('id', adapter.autoIdType, (c) => adapter.idColumn(c))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('export_counts_tenant_status').on('export_counts').columns(['tenant_id', 'status']).execute();
  for (const statement of adapter.exportCountTriggers()) await sql.raw(statement).execute(db);
  await sql`insert into export_counts (tenant_id, status, n) select tenant_id, status, count(*) from exports group by tenant_id, status`.execute(db);
}
