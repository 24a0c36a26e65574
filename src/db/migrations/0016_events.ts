import type { ColumnDataType, Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * The outbox of what happened to documents, organisations and connections (export.exported,
 * export.failed, document.paid, connection.lost, …): written in the same transaction as the change it
 * reports, read by the write-back webhooks and by the pull feed (GET /api/v1/events), newest last.
 * `doc_key` ("kind:sourceId") orders the events of one document; it is null for organisation events.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const id: ColumnDataType = dialect === 'sqlite' ? 'integer' : 'serial';
  await db.schema
    .createTable('events')
    .addColumn('id', id, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('doc_key', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('events_tenant').on('events').columns(['tenant_id', 'id']).execute();
  await db.schema.createIndex('events_created').on('events').column('created_at').execute();
}
