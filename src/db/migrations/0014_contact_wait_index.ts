import { sql, type Kysely } from 'kysely';

/**
 * The exports that wait (or gave up waiting) for something, by organisation, status and what they
 * wait for: the worker's repair of documents stuck waiting for a contact already in Xero reads them
 * every minute from this small index alone, not from the rows of a large queue. Partial: the rows
 * with nothing to wait for (nearly all) are not in it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('exports_contact_waits').on('exports').columns(['tenant_id', 'status', 'waiting_for']).where(sql.ref('waiting_for'), 'is not', null).execute();
}
