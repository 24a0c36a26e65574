/**
 * The one place where SQLite and PostgreSQL differ. Everything else in src/db is
 * written once against Kysely and asks the adapter for the few things the engines do differently:
 * row locking for claims, auto-increment ids, case-insensitive text search and its index (the
 * Connection Log's, on SQLite one table per day, in src/db/log-index.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  sql,
  type ColumnDataType,
  type ColumnDefinitionBuilder,
  type Expression,
  type SelectQueryBuilder,
  type SqlBool,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import { ensurePrivateFile, PRIVATE_DIR_MODE } from '../security/file-modes';
import { sqliteLogIndex, type LogIndex } from './log-index';
import type { Database } from './schema';
import { escapeLike, hasNul, NOTHING } from './text-match';

export interface DialectAdapter {
  readonly name: 'sqlite' | 'postgres';
  /** Column type of an auto-increment integer primary key. */
  readonly autoIdType: ColumnDataType;
  /** Marks the auto-increment primary key (SQLite's AUTOINCREMENT; PostgreSQL's serial needs nothing more). */
  idColumn(c: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  /** Lock the selected rows for a claim; other claimers skip them instead of waiting. */
  lockForClaim<DB, TB extends keyof DB, O>(qb: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O>;
  /** Case-insensitive "contains" on a text column. */
  containsText(column: Expression<string | null>, needle: string): Expression<SqlBool>;
  /** Statements run once after the initial migration to make free-text search fast. */
  textSearchIndexes(): string[];
  /**
   * Statements of migration 0005 that index the Connection Log's text for "contains" search:
   * an FTS5 trigram table kept by triggers on SQLite (replaced by one table per day in 0015); nothing
   * on PostgreSQL, whose pg_trgm GIN indexes on message and document_ref (textSearchIndexes) already
   * serve ILIKE '%…%'.
   */
  logSearchIndexes(): string[];
  /**
   * The Connection Log's "contains" search and what keeps it: on SQLite one FTS5 table per day, written
   * by append and dropped by retention (src/db/log-index.ts, migration 0015); on PostgreSQL the GIN
   * indexes, which need nothing from the writer.
   */
  readonly logIndex: LogIndex;
  /**
   * Triggers of migration 0006 that keep export_counts in step with every insert, delete and status
   * change of `exports`: per row on SQLite (one writer, so one row per tenant and status is updated in
   * place); per statement on PostgreSQL, appending one delta row per tenant and status, so concurrent
   * writers never wait on a shared counter row.
   */
  exportCountTriggers(): string[];
  /** Keeps the planner from using an index for a condition on `column` (SQLite's unary +); PostgreSQL plans from statistics. */
  notIndexed<T>(column: Expression<T>): Expression<T>;
  /** Serialises transactions on `key` until the transaction ends (SQLite's single writer already does). */
  lockKeyInTransaction(trx: Transaction<Database>, key: string): Promise<void>;
}

export interface OpenedDatabase {
  db: Kysely<Database>;
  adapter: DialectAdapter;
  url: string;
  close(): Promise<void>;
}

/**
 * Migration 0005 on SQLite: an FTS5 table with the trigram tokenizer finds any substring of three
 * characters or more through its index (case-insensitive, like PostgreSQL's pg_trgm), kept by
 * triggers. Migration 0015 moves it into one table per day (src/db/log-index.ts).
 */
const SQLITE_LOG_FTS = [
  "create virtual table connection_log_fts using fts5(message, document_ref, content='', contentless_delete=1, tokenize='trigram')",
  `create trigger connection_log_fts_insert after insert on connection_log begin
     insert into connection_log_fts (rowid, message, document_ref) values (new.id, new.message, new.document_ref); end`,
  `create trigger connection_log_fts_delete after delete on connection_log begin
     delete from connection_log_fts where rowid = old.id; end`,
  `create trigger connection_log_fts_update after update of message, document_ref on connection_log begin
     delete from connection_log_fts where rowid = old.id;
     insert into connection_log_fts (rowid, message, document_ref) values (new.id, new.message, new.document_ref); end`,
  'insert into connection_log_fts (rowid, message, document_ref) select id, message, document_ref from connection_log',
];

const SQLITE_COUNT = (sign: '+' | '-', row: 'new' | 'old') => `
     ${sign === '+' ? `insert into export_counts (tenant_id, status, n) select new.tenant_id, new.status, 0
       where not exists (select 1 from export_counts where tenant_id = new.tenant_id and status = new.status);` : ''}
     update export_counts set n = n ${sign} 1
       where id = (select min(id) from export_counts where tenant_id = ${row}.tenant_id and status = ${row}.status);`;

const SQLITE_EXPORT_COUNTS = [
  `create trigger export_counts_insert after insert on exports begin ${SQLITE_COUNT('+', 'new')} end`,
  `create trigger export_counts_delete after delete on exports begin ${SQLITE_COUNT('-', 'old')} end`,
  `create trigger export_counts_update after update of status, tenant_id on exports
     when old.status is not new.status or old.tenant_id is not new.tenant_id begin ${SQLITE_COUNT('-', 'old')} ${SQLITE_COUNT('+', 'new')} end`,
];

const POSTGRES_EXPORT_COUNTS = [
  `create function export_counts_apply() returns trigger language plpgsql as $$
   begin
     if tg_op = 'INSERT' then
       insert into export_counts (tenant_id, status, n) select tenant_id, status, count(*) from new_rows group by tenant_id, status;
     elsif tg_op = 'DELETE' then
       insert into export_counts (tenant_id, status, n) select tenant_id, status, -count(*) from old_rows group by tenant_id, status;
     else
       insert into export_counts (tenant_id, status, n)
         select tenant_id, status, sum(d) from (
           select tenant_id, status, -1 as d from old_rows union all select tenant_id, status, 1 from new_rows) changes
         group by tenant_id, status having sum(d) <> 0;
     end if;
     return null;
   end $$`,
  'create trigger export_counts_insert after insert on exports referencing new table as new_rows for each statement execute function export_counts_apply()',
  'create trigger export_counts_update after update on exports referencing old table as old_rows new table as new_rows for each statement execute function export_counts_apply()',
  'create trigger export_counts_delete after delete on exports referencing old table as old_rows for each statement execute function export_counts_apply()',
];

const sqliteAdapter: DialectAdapter = {
  name: 'sqlite',
  autoIdType: 'integer',
  idColumn: (c) => c.primaryKey().autoIncrement(),
  // SQLite serialises writers; a claim is one UPDATE … RETURNING statement, so no row locks are needed.
  lockForClaim: (qb) => qb,
  containsText: (column, needle) => hasNul(needle) ? NOTHING : sql<SqlBool>`${column} like ${'%' + escapeLike(needle) + '%'} escape '\\'`,
  textSearchIndexes: () => [],
  logSearchIndexes: () => SQLITE_LOG_FTS,
  logIndex: sqliteLogIndex,
  exportCountTriggers: () => SQLITE_EXPORT_COUNTS,
  notIndexed: <T>(column: Expression<T>) => sql<T>`+${column}`,
  lockKeyInTransaction: async () => {},
};

function postgresContains(column: Expression<string | null>, needle: string): Expression<SqlBool> {
  if (hasNul(needle)) return NOTHING;
  return sql<SqlBool>`${column} ilike ${'%' + escapeLike(needle) + '%'}`;
}

const postgresAdapter: DialectAdapter = {
  name: 'postgres',
  autoIdType: 'serial',
  idColumn: (c) => c.primaryKey(),
  lockForClaim: (qb) => qb.forUpdate().skipLocked(),
  containsText: (column, needle) => postgresContains(column, needle),
  textSearchIndexes: () => [
    'create extension if not exists pg_trgm',
    'create index if not exists connection_log_message_trgm on connection_log using gin (message gin_trgm_ops)',
    'create index if not exists connection_log_ref_trgm on connection_log using gin (document_ref gin_trgm_ops)',
  ],
  logSearchIndexes: () => [],
  exportCountTriggers: () => POSTGRES_EXPORT_COUNTS,
  notIndexed: (column) => column,
  logIndex: {
    writtenByAppend: false,
    add: async () => {},
    contains: async (_db, needle) => sql<SqlBool>`(${postgresContains(sql.ref('connection_log.message'), needle)} or ${postgresContains(sql.ref('connection_log.document_ref'), needle)})`,
    dropBefore: async () => 0,
  },
  async lockKeyInTransaction(trx, key) {
    await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(trx);
  },
};

export interface OpenOptions {
  poolSize?: number;
  /**
   * PostgreSQL: the server ends a statement after this long (0: never; migrations use 0). Default
   * 30 s, so that a lock or a sick server answers a request with an error instead of a hang.
   */
  statementTimeoutMs?: number;
  /** PostgreSQL: longest wait for a connection, from the pool or the server. Default 5 s. */
  connectTimeoutMs?: number;
  /** Told of every error a pooled connection raises outside a query (a terminated backend, a restart). */
  onConnectionError?: (err: Error) => void;
}

/** Opens `sqlite:PATH` (WAL, foreign keys on) or `postgres://…`. */
export function openDatabase(url: string, options: OpenOptions = {}): OpenedDatabase {
  if (url.startsWith('sqlite:')) return openSqlite(url);
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgres(url, options);
  throw new Error(`Unsupported database URL "${url}": use sqlite:PATH or postgres://…`);
}

function openSqlite(url: string): OpenedDatabase {
  const file = url.slice('sqlite:'.length);
  if (file !== ':memory:') {
    // Created 0700 / 0600 before SQLite opens it; SQLite gives -wal and -shm the file's own mode.
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: PRIVATE_DIR_MODE });
    ensurePrivateFile(file);
  }
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  database.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return { db, adapter: sqliteAdapter, url, close: () => db.destroy() };
}

function openPostgres(url: string, o: OpenOptions): OpenedDatabase {
  // int8 (count(*), sums) as JS numbers: our counts stay far below 2^53.
  pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
  const statementTimeoutMs = o.statementTimeoutMs ?? 30_000;
  const pool = new pg.Pool({
    connectionString: url, max: o.poolSize ?? 10, connectionTimeoutMillis: o.connectTimeoutMs ?? 5_000, keepAlive: true,
    // The client gives up a little after the server would: a server that stops answering without closing the socket.
    ...(statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs, query_timeout: statementTimeoutMs + 5_000 } : {}),
  });
  // A connection that ends (pg_terminate_backend, a restart, a failover: 57P01, ECONNRESET) emits
  // `error` on its client, idle or checked out between two queries of a transaction. Unhandled, that
  // event ends the process; handled, the client is dropped by the pool and the next query reconnects.
  const onError = (err: Error): void => o.onConnectionError?.(err);
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, adapter: postgresAdapter, url, close: () => db.destroy() };
}
