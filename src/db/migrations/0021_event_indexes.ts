import { sql, type Kysely } from 'kysely';

/**
 * Fewer index entries per event. Every export that changes status appends an event (0018's triggers),
 * and each event was entered in five indexes at once, two of them (the feed's and the sequence's) only
 * to hold a null until the sequencer gives the event its place: about half of what an exported row
 * costs SQLite. Now an event enters the primary key, `events_created` (retention) and a small partial
 * index of the events still without a place; it enters the feed's indexes when it gets its place.
 * `events_tenant` had no reader left (the feed reads by place, not by id).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('events_tenant').execute();
  await db.schema.dropIndex('events_feed').execute();
  await db.schema.dropIndex('events_seq').execute();
  await db.schema.createIndex('events_feed').on('events').columns(['tenant_id', 'seq']).where(sql.ref('seq'), 'is not', null).execute();
  await db.schema.createIndex('events_seq').on('events').column('seq').unique().where(sql.ref('seq'), 'is not', null).execute();
  await db.schema.createIndex('events_unsequenced').on('events').column('id').where(sql.ref('seq'), 'is', null).execute();
}
