import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * Fewer index entries per export. Three of `exports`' indexes held an entry for every export although
 * their readers only ever look for rows where the column is set, so each document paid for entries
 * nobody reads, once when queued and again at each status change on the way to exported:
 * - `exports_waiting_for (tenant_id, waiting_for)`: every reader of `waiting_for` also names the
 *   organisation and the status, and is served by 0014's partial `exports_contact_waits (tenant_id,
 *   status, waiting_for) where waiting_for is not null` (their plans named that index already). Dropped.
 * - `exports_tenant_xero_id (tenant_id, xero_id)`: looked up by a Xero id (webhooks) or for exports that
 *   have one (reconciliation); now partial, `where xero_id is not null`, so a queued export has no entry.
 * - `exports_tenant_status_code (tenant_id, status, error_code, id)` served the Failed Exports page (groups
 *   and counts by error code, the list filtered by one) and the retry of one code, all of failed exports
 *   only; every export moved in it three times on its way to exported. Replaced by `exports_failed_code
 *   (tenant_id, error_code, status, id) where status = 'failed'`, which holds failed exports alone (its
 *   readers write `status = 'failed'` as a literal, so that SQLite sees it may use it; `status` is in it so
 *   that SQLite counts the codes from the index alone).
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
  await db.schema.dropIndex('exports_tenant_status_code').execute();
  await db.schema.createIndex('exports_failed_code').on('exports').columns(['tenant_id', 'error_code', 'status', 'id']).where(sql.ref('status'), '=', sql.lit('failed')).execute();
}
