import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * Fewer index entries per export. Two of `exports`' indexes held an entry for every export although
 * their readers only ever look for rows where the column is set, so each document paid for entries
 * nobody reads, once when queued and twice more when exported (the exported UPDATE sets both columns):
 * - `exports_waiting_for (tenant_id, waiting_for)`: every reader of `waiting_for` also names the
 *   organisation and the status, and is served by 0014's partial `exports_contact_waits (tenant_id,
 *   status, waiting_for) where waiting_for is not null` (their plans named that index already). Dropped.
 * - `exports_tenant_xero_id (tenant_id, xero_id)`: looked up by a Xero id (webhooks) or for exports that
 *   have one (reconciliation); now partial, `where xero_id is not null`, so a queued export has no entry.
 * Each export's own entry in the Xero id index stays: it lands at a random place (Xero's ids are UUIDs),
 * which is the costliest of the index writes a document makes and the one these lookups need.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  // As in 0021: SQLite's migrations run outside a transaction, so one here; PostgreSQL's run in one.
  if (dialect === 'sqlite') await db.transaction().execute((trx) => rebuild(trx));
  else await rebuild(db);
}

async function rebuild(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('exports_waiting_for').execute();
  await db.schema.dropIndex('exports_tenant_xero_id').execute();
  await db.schema.createIndex('exports_tenant_xero_id').on('exports').columns(['tenant_id', 'xero_id']).where(sql.ref('xero_id'), 'is not', null).execute();
}
