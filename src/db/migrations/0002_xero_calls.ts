import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * Xero calls in flight and recently started, shared by every process on this database: the
 * cross-process gate counts them to keep each organisation under 5 concurrent and 60 per minute,
 * and the app under 10,000 per minute.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('xero_calls')
    .addColumn('id', dialect === 'sqlite' ? 'integer' : 'serial', (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    /** A holder that dies mid-call frees its slot when this passes. */
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('xero_calls_tenant_started').on('xero_calls').columns(['tenant_id', 'started_at']).execute();
  await db.schema.createIndex('xero_calls_started').on('xero_calls').column('started_at').execute();
}
