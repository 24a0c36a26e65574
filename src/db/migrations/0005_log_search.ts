import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * SQLite: an FTS5 table with the trigram tokenizer finds any substring of three characters or more
 * through its index (case-insensitive, like PostgreSQL's pg_trgm). It is contentless with
 * contentless_delete (SQLite 3.43+, bundled by better-sqlite3), so retention pruning deletes by
 * rowid without re-reading the text; triggers keep it in step with every insert, update and delete.
 */
export const SQLITE_LOG_FTS = [
  "create virtual table connection_log_fts using fts5(message, document_ref, content='', contentless_delete=1, tokenize='trigram')",
  `create trigger connection_log_fts_insert after insert on connection_log begin
     insert into connection_log_fts (rowid, message, document_ref) values (new.id, new.message, new.document_ref); end`,
  `create trigger connection_log_fts_delete after delete on connection_log begin
     delete from connection_log_fts where rowid = old.id; end`,
  `create trigger connection_log_fts_update after update of message, document_ref on connection_log begin
     delete from connection_log_fts where rowid = old.id;
     insert into connection_log_fts (rowid, message, document_ref) values (new.id, new.message, new.document_ref); end`,
  'insert into connection_log_fts (rowid, message, document_ref) select id, message, document_ref from connection_log',
] as const;

/**
 * The Connection Log's free-text search through an index at millions of entries: on SQLite an FTS5
 * trigram table kept by triggers (filled from the entries already there); on PostgreSQL nothing new,
 * the pg_trgm indexes of 0001 already serve it.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  if (dialect === 'sqlite') for (const statement of SQLITE_LOG_FTS) await sql.raw(statement).execute(db);
}
