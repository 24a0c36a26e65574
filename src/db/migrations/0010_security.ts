import { sql, type Kysely } from 'kysely';

/**
 * Security hardening (docs/security.md):
 *  - web_sessions: web UI sessions keyed by the SHA-256 of the session id (never the id itself), with
 *    their user so that sessions per user can be capped and expired ones pruned by an index. The old
 *    sessions kept in clear in key_value, and the session-signing secret kept there, are deleted: the
 *    secret is now derived from the secret key, so everyone signs in once more after the upgrade.
 *  - users: names unique without regard to case. Names that already collide (`Admin` and `admin`)
 *    keep the oldest as it is and rename the others to `<name>-<id>`, so the upgrade cannot fail on them.
 *  - xero_webhook_events: the identity of each Xero webhook event handled, so a replayed delivery is
 *    processed once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('web_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('web_sessions_expires').on('web_sessions').column('expires_at').execute();
  await db.schema.createIndex('web_sessions_user').on('web_sessions').columns(['user_id', 'updated_at']).execute();
  await sql`delete from key_value where key like 'web-session:%' or key = 'web.session_secret'`.execute(db);

  await sql`update users set username = username || '-' || cast(id as text)
    where exists (select 1 from users older where lower(older.username) = lower(users.username) and older.id < users.id)`.execute(db);
  await sql`create unique index users_username_lower on users (lower(username))`.execute(db);

  await db.schema
    .createTable('xero_webhook_events')
    .addColumn('event_key', 'text', (c) => c.primaryKey())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('xero_webhook_events_received').on('xero_webhook_events').column('received_at').execute();
}
