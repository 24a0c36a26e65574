import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * Fewer index entries per event. Every export that changes status appends an event (0018's triggers),
 * and each event was entered in five indexes at once, two of them (the feed's and the sequence's) only
 * to hold a null until the sequencer gives the event its place: about half of what an exported row
 * costs SQLite. Now an event enters the primary key, `events_created` (retention) and a small partial
 * index of the events still without a place; it enters the feed's indexes when it gets its place.
 * `events_tenant` had no reader left (the feed reads by place, not by id).
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  // PostgreSQL runs each migration in a transaction already; SQLite's run outside one, so one here: a
  // process stopped half-way leaves the indexes of 0018, and the next start applies 0021 again whole.
  if (dialect === 'sqlite') await db.transaction().execute((trx) => rebuild(trx));
  else await rebuild(db);
}

async function rebuild(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('events_tenant').execute();
  await db.schema.dropIndex('events_feed').execute();
  await db.schema.dropIndex('events_seq').execute();
  await db.schema.createIndex('events_feed').on('events').columns(['tenant_id', 'seq']).where(sql.ref('seq'), 'is not', null).execute();
  await db.schema.createIndex('events_seq').on('events').column('seq').unique().where(sql.ref('seq'), 'is not', null).execute();
  await db.schema.createIndex('events_unsequenced').on('events').column('id').where(sql.ref('seq'), 'is', null).execute();
}
