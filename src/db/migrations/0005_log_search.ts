import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect';

/**
 * The Connection Log's free-text search through an index at millions of entries (issues 7 and 8):
 * on SQLite an FTS5 trigram table kept by triggers (filled from the entries already there); on
 * PostgreSQL nothing new, the pg_trgm indexes of 0001 already serve it.
 */
export async function up(db: Kysely<unknown>, adapter: DialectAdapter): Promise<void> {
  for (const statement of adapter.logSearchIndexes()) await sql.raw(statement).execute(db);
}
