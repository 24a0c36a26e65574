/** Undoes migration 0018 (tests that step a database back to an older schema and migrate it again). */
import { sql, type Kysely } from 'kysely';

export async function stepBackWriteBack<DB>(db: Kysely<DB>, kind: 'sqlite' | 'postgres'): Promise<void> {
  if (kind === 'sqlite') {
    for (const t of ['events_export_status', 'events_export_xero_status', 'events_export_deleted', 'events_contact_archived', 'events_connection']) await sql.raw(`drop trigger ${t}`).execute(db);
  } else {
    for (const f of ['events_from_exports', 'events_from_contact_links', 'events_from_tenants']) await sql.raw(`drop function ${f}() cascade`).execute(db);
  }
  for (const t of ['webhook_deliveries', 'webhook_subscription_types', 'webhook_subscriptions']) await sql.raw(`drop table ${t}`).execute(db);
}
