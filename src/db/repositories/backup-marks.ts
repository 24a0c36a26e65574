/**
 * What a backup restore changes in the database it puts back, and what it checks first: the queries
 * behind src/ops/backup.ts, kept in src/db beside the table types they are written against.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema';

/** Everything not exported gets a look-up in Xero before it is sent; claims in the backup are void. */
export async function markForLookUp(db: Kysely<Database>): Promise<{ marked: number; released: number }> {
  const now = new Date().toISOString();
  const released = await db.updateTable('exports').set({ status: 'queued', lease_owner: null, lease_until: null, updated_at: now }).where('status', '=', 'exporting').returning('id').execute();
  const marked = await db.updateTable('exports').set({ needs_reconcile: 1, updated_at: now }).where('status', '!=', 'exported').returning('id').execute();
  return { marked: marked.length, released: released.length };
}

/** Whether a worker works on this database right now (a live claim, or a Xero call in flight). */
export async function activeWork(db: Kysely<Database>): Promise<number> {
  const now = new Date().toISOString();
  const claims = await db
    .selectFrom('exports')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'exporting')
    .where('lease_until', '>', now)
    .executeTakeFirst();
  const calls = await db
    .selectFrom('xero_calls')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('finished_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(claims?.n ?? 0) + Number(calls?.n ?? 0);
}
