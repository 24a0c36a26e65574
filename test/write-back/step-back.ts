/** Undoes migration 0018 (tests that step a database back to an older schema and migrate it again). */
import { sql, type Kysely } from 'kysely';

export async function stepBackWriteBack<DB>(db: Kysely<DB>, kind: 'sqlite' | 'postgres'): Promise<void> {
  for (const t of ['events_export_status', 'events_export_xero_status', 'events_export_skipped_on_arrival', 'events_export_deleted', 'events_contact_archived', 'events_connection']) {
    await sql.raw(kind === 'sqlite' ? `drop trigger ${t}` : `drop function ${t}() cascade`).execute(db);
  }
  for (const t of ['webhook_deliveries', 'webhook_subscription_types', 'webhook_subscriptions']) await sql.raw(`drop table ${t}`).execute(db);
}
