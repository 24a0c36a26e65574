import { sql, type ColumnDataType, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * PostgreSQL's trigram indexes for "contains" search on the Connection Log (ILIKE '%…%'); SQLite
 * gets its search index in 0005.
 */
const POSTGRES_TEXT_SEARCH = [
  'create extension if not exists pg_trgm',
  'create index if not exists connection_log_message_trgm on connection_log using gin (message gin_trgm_ops)',
  'create index if not exists connection_log_ref_trgm on connection_log using gin (document_ref gin_trgm_ops)',
] as const;

/** The first schema: tenants, documents, the export queue, attempts, the connection log and auth. */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  // Auto-increment ids: SQLite's integer primary key with AUTOINCREMENT; PostgreSQL's serial.
  const id: ColumnDataType = dialect === 'sqlite' ? 'integer' : 'serial';
  const idColumn = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey());
  await db.schema
    .createTable('tenants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('connection_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('paused_until', 'text')
    .addColumn('pause_reason', 'text')
    .addColumn('pause_code', 'text')
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('documents')
    .addColumn('id', id, idColumn)
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('doc_date', 'text')
    .addColumn('total', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('documents_identity', ['tenant_id', 'kind', 'source_id', 'revision'])
    .execute();

  await db.schema
    .createTable('exports')
    .addColumn('id', id, idColumn)
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('document_id', 'integer', (c) => c.notNull().references('documents.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('wait_reason', 'text')
    .addColumn('waiting_for', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('error_code', 'text')
    .addColumn('error_class', 'text')
    .addColumn('action_required', 'text')
    .addColumn('xero_id', 'text')
    .addColumn('xero_number', 'text')
    .addColumn('xero_total', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('needs_reconcile', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('exported_at', 'text')
    .execute();
  await db.schema.createIndex('exports_claim').on('exports').columns(['status', 'tenant_id', 'next_attempt_at', 'id']).execute();
  await db.schema.createIndex('exports_tenant_status').on('exports').columns(['tenant_id', 'status', 'id']).execute();
  await db.schema.createIndex('exports_source').on('exports').columns(['tenant_id', 'kind', 'source_id']).execute();
  await db.schema.createIndex('exports_waiting_for').on('exports').columns(['tenant_id', 'waiting_for']).execute();
  await db.schema.createIndex('exports_document').on('exports').column('document_id').execute();

  await db.schema
    .createTable('export_attempts')
    .addColumn('id', id, idColumn)
    .addColumn('export_id', 'integer', (c) => c.notNull().references('exports.id').onDelete('cascade'))
    .addColumn('attempt_no', 'integer', (c) => c.notNull())
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('outcome', 'text')
    .addColumn('http_status', 'integer')
    .addColumn('error', 'text')
    .addColumn('correlation_id', 'text')
    .execute();
  await db.schema.createIndex('export_attempts_export').on('export_attempts').columns(['export_id', 'attempt_no']).execute();

  await db.schema
    .createTable('connection_log')
    .addColumn('id', id, idColumn)
    .addColumn('tenant_id', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('export_id', 'integer')
    .addColumn('document_ref', 'text')
    .addColumn('details', 'text')
    .addColumn('actor', 'text')
    .execute();
  await db.schema.createIndex('connection_log_tenant_id').on('connection_log').columns(['tenant_id', 'id']).execute();
  await db.schema.createIndex('connection_log_tenant_level_id').on('connection_log').columns(['tenant_id', 'level', 'id']).execute();
  await db.schema.createIndex('connection_log_at').on('connection_log').column('at').execute();
  await db.schema.createIndex('connection_log_export').on('connection_log').column('export_id').execute();
  if (dialect === 'postgres') for (const statement of POSTGRES_TEXT_SEARCH) await sql.raw(statement).execute(db);

  await db.schema
    .createTable('contact_links')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('contact_kind', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('xero_contact_id', 'text', (c) => c.notNull())
    .addColumn('linked_by', 'text', (c) => c.notNull())
    .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('contact_links_pk', ['tenant_id', 'contact_kind', 'source_id'])
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', id, idColumn)
    .addColumn('tenant_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().defaultTo('admin'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', id, idColumn)
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('reference_cache')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('fetched_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('reference_cache_pk', ['tenant_id', 'kind'])
    .execute();

  await db.schema
    .createTable('xero_connections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('token_ciphertext', 'text')
    .addColumn('access_expires_at', 'text')
    .addColumn('refresh_expires_at', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('refresh_lock_until', 'text')
    .addColumn('refresh_lock_owner', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('key_value')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
