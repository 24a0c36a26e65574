import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * SQLite: the Connection Log's FTS5 index (0005: one table, kept by triggers) moves into one table
 * per UTC day of the entries' time, `connection_log_fts_YYYYMMDD`, so that retention drops whole
 * tables instead of deleting rows out of one large index (docs/performance.md). A contentless index
 * cannot be read back, so each day is indexed again from its entries. The triggers go: append writes
 * the index from now on. PostgreSQL: nothing (its pg_trgm indexes are unchanged).
 *
 * The statements are written out here, as they were on the day of this migration.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  if (dialect !== 'sqlite') return;
  await db.transaction().execute(async (trx) => {
    for (const t of ['connection_log_fts_insert', 'connection_log_fts_delete', 'connection_log_fts_update']) await sql.raw(`drop trigger if exists ${t}`).execute(trx);
    // Run once more after a crash between its commit and its bookkeeping row: already moved.
    const old = await sql`select 1 from sqlite_master where type = 'table' and name = 'connection_log_fts'`.execute(trx);
    if (old.rows.length === 0) return;
    const days = await sql<{ day: string }>`select distinct substr(at, 1, 10) as day from connection_log order by day`.execute(trx);
    for (const { day } of days.rows) {
      // Every xport writes `at` as toISOString(): a row with another shape (none is known) stays in the
      // log, found by its filters, but not by text.
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) continue;
      const t = `connection_log_fts_${day.replaceAll('-', '')}`;
      const next = new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);
      await sql.raw(`create virtual table if not exists ${t} using fts5(message, document_ref, content='', contentless_delete=1, tokenize='trigram')`).execute(trx);
      await sql
        .raw(
          `create trigger if not exists ${t}_update after update of message, document_ref on connection_log when substr(old.at, 1, 10) = '${day}' begin
         delete from ${t} where rowid = old.id;
         insert into ${t} (rowid, message, document_ref) values (new.id, new.message, new.document_ref); end`,
        )
        .execute(trx);
      await sql
        .raw(
          `insert into ${t} (rowid, message, document_ref)
         select id, message, document_ref from connection_log where at >= '${day}' and at < '${next}' and substr(at, 1, 10) = '${day}'`,
        )
        .execute(trx);
    }
    await sql`drop table if exists connection_log_fts`.execute(trx);
  });
}
