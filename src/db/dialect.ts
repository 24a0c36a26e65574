/**
 * The one place where SQLite and PostgreSQL differ at run time. Everything else in src/db is
 * written once against Kysely and asks the adapter for the few things the engines do differently:
 * row locking for claims, case-insensitive text search, serialising on a key. The schema is not
 * here: each migration holds its own SQL for both engines, so that nothing changed here rewrites
 * a migration already applied.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type SqliteDatabase,
  sql,
  type Expression,
  type SelectQueryBuilder,
  type SqlBool,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import { ensurePrivateFile, PRIVATE_DIR_MODE } from '../security/file-modes';
import type { Database } from './schema';

export type DialectName = 'sqlite' | 'postgres';

export interface DialectAdapter {
  readonly name: DialectName;
  /** Lock the selected rows for a claim; other claimers skip them instead of waiting. */
  lockForClaim<DB, TB extends keyof DB, O>(qb: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O>;
  /** Case-insensitive "contains" on a text column. */
  containsText(column: Expression<string | null>, needle: string): Expression<SqlBool>;
  /**
   * Statements around Connection Log pruning, run between its small delete batches: on SQLite the
   * FTS5 index's automatic merges (which a delete may set off, for seconds, on the event-loop thread)
   * are switched off for the prune and replaced by a bounded merge step after each batch. Nothing on PostgreSQL.
   */
  readonly logPrune: { begin: string[]; step: string[]; end: string[] };
  /**
   * "message or document_ref contains `needle`" (case-insensitive) on connection_log, through its
   * search index: SQLite's FTS5 trigram table (migration 0005), PostgreSQL's pg_trgm indexes (0001).
   */
  logContains(needle: string): Expression<SqlBool>;
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
  close(): Promise<void>;
}

/**
 * Stored text never holds NUL (requests with one are refused, the Connection Log writer replaces it),
 * so a needle with a NUL matches nothing; passing it on would make FTS5 fail ("unterminated string")
 * and PostgreSQL refuse the parameter.
 */
const NOTHING = sql<SqlBool>`1 = 0`;
const hasNul = (s: string): boolean => s.includes('\u0000');

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Trigrams need three characters; a shorter needle cannot use the index and falls back to LIKE. */
function sqliteLogContains(needle: string): Expression<SqlBool> {
  if (hasNul(needle)) return NOTHING;
  if ([...needle].length < 3) {
    const like = '%' + escapeLike(needle) + '%';
    return sql<SqlBool>`(connection_log.message like ${like} escape '\\' or connection_log.document_ref like ${like} escape '\\')`;
  }
  const phrase = `"${needle.replace(/"/g, '""')}"`;
  return sql<SqlBool>`connection_log.id in (select rowid from connection_log_fts where connection_log_fts match ${phrase})`;
}

/** Page cache (KiB) of the connection while it prunes the Connection Log, and SQLite's default. */
const PRUNE_CACHE_KIB = 262_144;
const SQLITE_DEFAULT_CACHE_KIB = 2_000;

const sqliteAdapter: DialectAdapter = {
  name: 'sqlite',
  // SQLite serialises writers; a claim is one UPDATE … RETURNING statement, so no row locks are needed.
  lockForClaim: (qb) => qb,
  containsText: (column, needle) => hasNul(needle) ? NOTHING : sql<SqlBool>`${column} like ${'%' + escapeLike(needle) + '%'} escape '\\'`,
  logContains: sqliteLogContains,
  logPrune: {
    begin: [
      "insert into connection_log_fts (connection_log_fts, rank) values ('automerge', 0)",
      "insert into connection_log_fts (connection_log_fts, rank) values ('crisismerge', 64)",
      // A contentless_delete FTS5 table records each delete in its segment's tombstone pages, and
      // rewrites all of them when they fill up: with SQLite's default 2 MB page cache those pages
      // are read back from the file on every rebuild (deletes of 250 rows took up to ~200 ms). With
      // 256 MB for the prune's duration they stay in memory (bench/log-search.ts --prune-only).
      `pragma cache_size = -${PRUNE_CACHE_KIB}`,
    ],
    // A few pages of merge work per batch: the index stays compact without one long merge.
    step: ["insert into connection_log_fts (connection_log_fts, rank) values ('merge', 40)"],
    end: [
      "insert into connection_log_fts (connection_log_fts, rank) values ('automerge', 4)",
      "insert into connection_log_fts (connection_log_fts, rank) values ('crisismerge', 16)",
      // Back to SQLite's default (openSqlite sets none), which gives the memory back.
      `pragma cache_size = -${SQLITE_DEFAULT_CACHE_KIB}`,
    ],
  },
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
  logPrune: { begin: [], step: [], end: [] },
  notIndexed: (column) => column,
  logContains: (needle) => sql<SqlBool>`(${postgresContains(sql.ref('connection_log.message'), needle)} or ${postgresContains(sql.ref('connection_log.document_ref'), needle)})`,
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
}

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
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
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
