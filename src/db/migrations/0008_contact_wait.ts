import { sql, type Kysely } from 'kysely';

/**
 * When an export started waiting (for a contact): a document whose contact never arrives goes to
 * Failed Exports after XPORT_CONTACT_WAIT_HOURS, counted from here. Exports already waiting count
 * from now.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('exports').addColumn('waiting_since', 'text').execute();
  await sql`update exports set waiting_since = ${new Date().toISOString()} where status = 'waiting'`.execute(db);
}
