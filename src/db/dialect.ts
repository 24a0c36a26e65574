/**
 * The one place where SQLite and PostgreSQL differ at run time. Everything else in src/db is
 * written once against Kysely and asks the adapter for the few things the engines do differently:
 * row locking for claims, case-insensitive text search and its index (the Connection Log's, on SQLite
 * one table per day, in src/db/log-index.ts), serialising on a key. The schema is not here: each
 * migration holds its own SQL for both engines, so that nothing changed here rewrites a migration
 * already applied.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase, type SqliteStatement, sql, type Expression, type SelectQueryBuilder, type SqlBool, type Transaction } from 'kysely';
import pg from 'pg';
import { ensurePrivateFile, PRIVATE_DIR_MODE } from '../security/file-modes';
import { sqliteLogIndex, type LogIndex } from './log-index';
import { WalCheckpointer, type WalCheckpointerOptions } from './wal-checkpointer';
import type { Database } from './schema';
import { escapeLike, hasNul, NOTHING } from './text-match';

export type DialectName = 'sqlite' | 'postgres';

export interface DialectAdapter {
  readonly name: DialectName;
  /** Lock the selected rows for a claim; other claimers skip them instead of waiting. */
  lockForClaim<DB, TB extends keyof DB, O>(qb: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O>;
  /** Case-insensitive "contains" on a text column. */
  containsText(column: Expression<string | null>, needle: string): Expression<SqlBool>;
  /**
   * The Connection Log's "contains" search and what keeps it: on SQLite one FTS5 table per day, written
   * by append and dropped by retention (src/db/log-index.ts, migration 0015); on PostgreSQL the GIN
   * indexes, which need nothing from the writer.
   */
  readonly logIndex: LogIndex;
  /** Keeps the planner from using an index for a condition on `column` (SQLite's unary +); PostgreSQL plans from statistics. */
  notIndexed<T>(column: Expression<T>): Expression<T>;
  /** Serialises transactions on `key` until the transaction ends (SQLite's single writer already does). */
  lockKeyInTransaction(trx: Transaction<Database>, key: string): Promise<void>;
  /** lockKeyInTransaction for many keys in one round trip, taken in the order given. */
  lockKeysInTransaction(trx: Transaction<Database>, keys: readonly string[]): Promise<void>;
}

export interface OpenedDatabase {
  db: Kysely<Database>;
  adapter: DialectAdapter;
  url: string;
  /** SQLite with `backgroundCheckpoints`: the thread that checkpoints its WAL (`running` false once it failed or stopped). */
  checkpointer?: WalCheckpointer;
  close(): Promise<void>;
}

const sqliteAdapter: DialectAdapter = {
  name: 'sqlite',
  // SQLite serialises writers; a claim is one UPDATE … RETURNING statement, so no row locks are needed.
  lockForClaim: (qb) => qb,
  containsText: (column, needle) => (hasNul(needle) ? NOTHING : sql<SqlBool>`${column} like ${'%' + escapeLike(needle) + '%'} escape '\\'`),
  logIndex: sqliteLogIndex,
  notIndexed: <T>(column: Expression<T>) => sql<T>`+${column}`,
  lockKeyInTransaction: async () => {},
  lockKeysInTransaction: async () => {},
};

function postgresContains(column: Expression<string | null>, needle: string): Expression<SqlBool> {
  if (hasNul(needle)) return NOTHING;
  return sql<SqlBool>`${column} ilike ${'%' + escapeLike(needle) + '%'}`;
}

const postgresAdapter: DialectAdapter = {
  name: 'postgres',
  lockForClaim: (qb) => qb.forUpdate().skipLocked(),
  containsText: (column, needle) => postgresContains(column, needle),
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
  async lockKeysInTransaction(trx, keys) {
    if (keys.length === 0) return;
    // From an ordered subquery, so that the locks are taken in the order given (two callers never cross).
    await sql`select pg_advisory_xact_lock(hashtext(k)) from (select k from unnest(${[...keys]}::text[]) with ordinality as u(k, n) order by n) as ordered`.execute(trx);
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
  /**
   * SQLite (a file): checkpoint the WAL on a thread of its own instead of inside commits on the event
   * loop (src/db/wal-checkpointer.ts), for the long-running processes. Ignored for PostgreSQL and `:memory:`.
   */
  backgroundCheckpoints?: WalCheckpointerOptions;
}

const NOTHING_TO_ROLL_BACK: SqliteStatement = { reader: false, all: () => [], run: () => ({ changes: 0, lastInsertRowid: 0 }), iterate: () => [][Symbol.iterator]() };

/** Prepared statements kept per SQLite connection, least recently used dropped first. */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely's SQLite driver prepares every query afresh; preparing costs as much as running most of
 * ours. The same SQL text (Kysely compiles the same query to the same text, values bound apart) reuses
 * its statement. better-sqlite3 re-prepares a statement by itself when the schema changes, and
 * nothing here iterates a statement, so a shared one is never busy.
 */
function withStatementCache(database: SQLite.Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(text: string) {
      // SQLite ends a transaction by itself on some errors (a full disk, an I/O error, a read-only file):
      // the ROLLBACK that follows would fail with "no transaction is active" and hide the error itself.
      if (text === 'rollback' && !database.inTransaction) return NOTHING_TO_ROLL_BACK;
      let statement = cache.get(text);
      if (statement) {
        cache.delete(text);
      } else {
        statement = database.prepare(text);
        if (cache.size >= size) cache.delete(cache.keys().next().value as string);
      }
      cache.set(text, statement);
      return statement;
    },
  };
}

/** Opens `sqlite:PATH` (WAL, foreign keys on) or `postgres://…`. */
export function openDatabase(url: string, options: OpenOptions = {}): OpenedDatabase {
  if (url.startsWith('sqlite:')) return openSqlite(url, options);
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgres(url, options);
  throw new Error(`Unsupported database URL "${url}": use sqlite:PATH or postgres://…`);
}

function openSqlite(url: string, o: OpenOptions): OpenedDatabase {
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
  // A statement's transient tables (an IN list's look-up, RETURNING's rows, a sort that spills) in memory,
  // not in a temporary file's pager: ~3 % less CPU per exported document (docs/performance.md). Migrations
  // go back to files for their sorts (migrate.ts), which at a million rows would otherwise hold them in RAM.
  database.pragma('temp_store = MEMORY');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  if (!o.backgroundCheckpoints || file === ':memory:') return { db, adapter: sqliteAdapter, url, close: () => db.destroy() };
  const checkpointer = WalCheckpointer.start(database, file, o.backgroundCheckpoints);
  return {
    db,
    adapter: sqliteAdapter,
    url,
    checkpointer,
    async close() {
      // The thread's connection first: the last connection to close checkpoints the WAL and removes it.
      await checkpointer.stop();
      await db.destroy();
    },
  };
}

function openPostgres(url: string, o: OpenOptions): OpenedDatabase {
  // int8 (count(*), sums) as JS numbers: our counts stay far below 2^53.
  pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
  const statementTimeoutMs = o.statementTimeoutMs ?? 30_000;
  const pool = new pg.Pool({
    connectionString: url,
    max: o.poolSize ?? 10,
    connectionTimeoutMillis: o.connectTimeoutMs ?? 5_000,
    keepAlive: true,
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
