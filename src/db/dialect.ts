/**
 * The one place where SQLite and PostgreSQL differ (STYLE.md §2). Everything else in src/db is
 * written once against Kysely and asks the adapter for the few things the engines do differently:
 * row locking for claims, auto-increment ids, case-insensitive text search and its index.
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
import type { Database } from './schema';

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
  /** Serialises transactions on `key` until the transaction ends (SQLite's single writer already does). */
  lockKeyInTransaction(trx: Transaction<Database>, key: string): Promise<void>;
  /** Serialise work across processes for `key` while `fn` runs (advisory lock on PostgreSQL). */
  withAdvisoryLock<T>(db: Kysely<Database>, key: string, fn: () => Promise<T>): Promise<T>;
}

export interface OpenedDatabase {
  db: Kysely<Database>;
  adapter: DialectAdapter;
  url: string;
  close(): Promise<void>;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const sqliteAdapter: DialectAdapter = {
  name: 'sqlite',
  autoIdType: 'integer',
  idColumn: (c) => c.primaryKey().autoIncrement(),
  // SQLite serialises writers; a claim is one UPDATE … RETURNING statement, so no row locks are needed.
  lockForClaim: (qb) => qb,
  containsText: (column, needle) => sql<SqlBool>`${column} like ${'%' + escapeLike(needle) + '%'} escape '\\'`,
  textSearchIndexes: () => [],
  lockKeyInTransaction: async () => {},
  // One SQLite file has one writer at a time already; in-process callers are serialised by the caller.
  withAdvisoryLock: (_db, _key, fn) => fn(),
};

const postgresAdapter: DialectAdapter = {
  name: 'postgres',
  autoIdType: 'serial',
  idColumn: (c) => c.primaryKey(),
  lockForClaim: (qb) => qb.forUpdate().skipLocked(),
  containsText: (column, needle) => sql<SqlBool>`${column} ilike ${'%' + escapeLike(needle) + '%'}`,
  textSearchIndexes: () => [
    'create extension if not exists pg_trgm',
    'create index if not exists connection_log_message_trgm on connection_log using gin (message gin_trgm_ops)',
    'create index if not exists connection_log_ref_trgm on connection_log using gin (document_ref gin_trgm_ops)',
  ],
  async lockKeyInTransaction(trx, key) {
    await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(trx);
  },
  async withAdvisoryLock(db, key, fn) {
    return db.connection().execute(async (conn) => {
      await sql`select pg_advisory_lock(hashtext(${key}))`.execute(conn);
      try {
        return await fn();
      } finally {
        await sql`select pg_advisory_unlock(hashtext(${key}))`.execute(conn);
      }
    });
  },
};

/** Opens `sqlite:PATH` (WAL, foreign keys on) or `postgres://…`. */
export function openDatabase(url: string, options: { poolSize?: number } = {}): OpenedDatabase {
  if (url.startsWith('sqlite:')) return openSqlite(url);
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgres(url, options.poolSize ?? 10);
  throw new Error(`Unsupported database URL "${url}": use sqlite:PATH or postgres://…`);
}

function openSqlite(url: string): OpenedDatabase {
  const file = url.slice('sqlite:'.length);
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  database.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return { db, adapter: sqliteAdapter, url, close: () => db.destroy() };
}

function openPostgres(url: string, poolSize: number): OpenedDatabase {
  // int8 (count(*), sums) as JS numbers: our counts stay far below 2^53.
  pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client whose server connection ends (a restart, a dropped database) must not crash the
  // process: the pool replaces it on the next query.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, adapter: postgresAdapter, url, close: () => db.destroy() };
}
