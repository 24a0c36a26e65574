/**
 * The Connection Log's index as it was before migration 0015 (SQLite): one FTS5 trigram table kept by
 * triggers (the statements of migration 0005 itself), and its search, for the tests that start from that schema.
 */
import { sql, type Kysely } from 'kysely';
import type { LogEntryInput, LogQuery } from '../../src/db/repositories/connection-log';
import type { Store } from '../../src/db/store';
import { SQLITE_LOG_FTS } from '../../src/db/migrations/0005_log_search';

/** The single index of migration 0005, as an upgrade from before 0015 finds it. */
export const BEFORE_0015: readonly string[] = SQLITE_LOG_FTS;

/** Names of the per-day index tables (0015 and later). */
export async function dayTables<DB>(db: Kysely<DB>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name glob ${'connection_log_fts_' + '[0-9]'.repeat(8)} order by name`.execute(db);
  return rows.map((r) => r.name);
}

/** Back to the index of 0005 (SQLite): the day tables and their triggers go, the single table and its triggers return. */
export async function stepBackLogIndex<DB>(db: Kysely<DB>): Promise<void> {
  for (const t of await dayTables(db)) {
    await sql.raw(`drop trigger if exists ${t}_update`).execute(db);
    await sql.raw(`drop table ${t}`).execute(db);
  }
  for (const s of BEFORE_0015) await sql.raw(s).execute(db);
}

/** The search of 0005 to 0014 over that single table: ids of entries containing `needle`, newest first. */
export async function searchBefore0015<DB>(db: Kysely<DB>, needle: string): Promise<number[]> {
  const like = '%' + needle.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
  const phrase = `"${needle.replace(/"/g, '""')}"`;
  const { rows } =
    [...needle].length < 3
      ? await sql<{ id: number }>`select id from connection_log where message like ${like} escape '\\' or document_ref like ${like} escape '\\' order by id desc`.execute(db)
      : await sql<{ id: number }>`select id from connection_log where id in (select rowid from connection_log_fts where connection_log_fts match ${phrase}) order by id desc`.execute(db);
  return rows.map((r) => r.id);
}

export const T1 = 'org-one';
export const T2 = 'org-two';
export const DAY0 = Date.parse('2026-11-10T00:00:00.000Z');
export const HOURS = 3_600_000;

export const HOSTILE = [
  'say "hello" to',
  "it's O'Brien's",
  'AND',
  'OR',
  'NOT',
  'NEAR(alpha beta)',
  'alpha*',
  '^start',
  'message:x',
  'document_ref:y',
  '{message document_ref}: z',
  '(paren) - minus + plus',
  '100%_done\\path',
  'Straße',
  'ÜNÏCODE ünïcode',
  '日本語のテキスト',
  'emoji 🙂 smile',
  'Ελληνικά λέξεις',
  '""',
  "''",
  'a AND b OR c NOT d',
];
export const WORDS = ['kea', 'tui', 'weka', 'kakapo'];

/** 240 entries every 30 minutes over 5 days (some exactly at midnight), three organisations, both levels. */
export function generated(): Array<LogEntryInput & { at: Date }> {
  return Array.from({ length: 240 }, (_, i) => ({
    tenantId: i % 7 === 0 ? null : i % 5 === 0 ? T2 : T1,
    level: i % 4 === 0 ? 'error' : 'info',
    event: 'export.failed',
    message: `${HOSTILE[i % HOSTILE.length]} ${WORDS[i % WORDS.length]} #${i}`,
    documentRef: i % 3 === 0 ? `INV-${String(i).padStart(5, '0')}` : i % 3 === 1 ? (HOSTILE[(i * 7) % HOSTILE.length] ?? null) : null,
    at: new Date(DAY0 + i * 30 * 60_000 + (i % 48 === 47 ? 30 * 60_000 - 1 : 0)),
  }));
}

/** Every page of a search, 7 at a time, following the cursor: ids newest first. */
export async function allPages(store: Store, query: Omit<LogQuery, 'limit' | 'beforeId'>): Promise<number[]> {
  const ids: number[] = [];
  let beforeId: number | undefined;
  for (;;) {
    const page = await store.log.search({ ...query, beforeId, limit: 7 });
    ids.push(...page.entries.map((e) => e.id));
    if (page.nextCursor === null) return ids;
    beforeId = page.nextCursor;
  }
}
