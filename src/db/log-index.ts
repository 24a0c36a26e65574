/**
 * The Connection Log's free-text index (migrations 0005 and 0015).
 *
 * SQLite: one FTS5 trigram table per UTC day of the entries' time, `connection_log_fts_YYYYMMDD`,
 * created by the first entry of that day and written by `append` in the entry's transaction. A search
 * asks every day table at or after its `since` (a UNION), and keeps the ids that still have an entry.
 * Retention deletes the old entries as plain b-tree rows in small batches, then drops each day table
 * whose whole day is older than the cut-off: DROP TABLE frees pages without the segment and tombstone
 * rewrites that deleting rows out of one large FTS5 index costs (seconds at a time at 1M entries, on
 * the event-loop thread). The day that holds the cut-off keeps its (deleted) rows in its table until
 * the next day's prune drops it; they match no entry, so no search shows them.
 *
 * PostgreSQL: nothing of its own; the pg_trgm GIN indexes of 0001 follow every write.
 */
import { CompiledQuery, sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { Database } from './schema';
import { escapeLike, ftsPhrase, hasNul, NOTHING } from './text-match';

/** An entry just written: its id and time (the index reads its text from connection_log). */
export interface LogIndexRow {
  id: number;
  at: string;
}

export interface LogIndex {
  /** Whether `append` hands its rows to `add` (in one transaction with them) and searches read a consistent list of tables. */
  readonly writtenByAppend: boolean;
  /** Indexes rows just inserted (same transaction). */
  add(db: Kysely<Database>, rows: LogIndexRow[]): Promise<void>;
  /** "message or document_ref contains `needle`" (case-insensitive), for entries at or after `since` (ISO) when given. */
  contains(db: Kysely<Database>, needle: string, since?: string): Promise<Expression<SqlBool>>;
  /** Once the entries older than `cutoff` (ISO) are deleted: drops the index of the days wholly before it, yielding between drops. */
  dropBefore(db: Kysely<Database>, cutoff: string): Promise<number>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TABLE_GLOB = 'connection_log_fts_[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]';
/** SQLite refuses a compound SELECT of more than 500 terms: long retentions are asked in groups. */
const TABLES_PER_UNION = 200;

export const dayTable = (day: string): string => `connection_log_fts_${day.replaceAll('-', '')}`;

function dayOf(at: string): string {
  const day = at.slice(0, 10);
  if (!DAY.test(day) || at[10] !== 'T') throw new Error(`Connection Log entry time "${at}" is not an ISO-8601 time between the years 0000 and 9999`);
  return day;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The days that have a table, oldest first. */
async function indexedDays(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name glob ${TABLE_GLOB} order by name`.execute(db);
  return rows.map((r) => {
    const d = r.name.slice(-8);
    return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`;
  });
}

/**
 * A day's table, and its trigger that keeps it in step when an entry's text is changed in place (xport
 * never does; the index stays right if anything does). Contentless (the text is in connection_log),
 * trigram (any substring of three characters or more, case-insensitive, like pg_trgm).
 */
function dayTableStatements(day: string): string[] {
  const t = dayTable(day);
  return [
    `create virtual table if not exists ${t} using fts5(message, document_ref, content='', contentless_delete=1, tokenize='trigram')`,
    `create trigger if not exists ${t}_update after update of message, document_ref on connection_log when substr(old.at, 1, 10) = '${day}' begin
       delete from ${t} where rowid = old.id;
       insert into ${t} (rowid, message, document_ref) values (new.id, new.message, new.document_ref); end`,
  ];
}

function shortNeedle(needle: string): Expression<SqlBool> {
  const like = '%' + escapeLike(needle) + '%';
  return sql<SqlBool>`(connection_log.message like ${like} escape '\\' or connection_log.document_ref like ${like} escape '\\')`;
}

export const sqliteLogIndex: LogIndex = {
  writtenByAppend: true,

  async add(db, rows) {
    // Runs of consecutive ids of one day, each indexed straight from the rows just written: no text passes
    // through JavaScript twice.
    const runs: Array<{ day: string; first: number; last: number }> = [];
    for (const r of rows) {
      const day = dayOf(r.at);
      const run = runs[runs.length - 1];
      if (run && run.day === day && run.last + 1 === r.id) run.last = r.id;
      else runs.push({ day, first: r.id, last: r.id });
    }
    for (const { day, first, last } of runs) {
      // The day's table is created by its first entry: the insert is tried first, and only an insert
      // that finds no table creates it (in this transaction: SQLite keeps a transaction open after a
      // failed statement) and is made again. Statements written out, not built: this runs on every write.
      const insert = CompiledQuery.raw(`insert into ${dayTable(day)} (rowid, message, document_ref) select id, message, document_ref from connection_log where id between ? and ?`, [first, last]);
      let res;
      try {
        res = await db.executeQuery(insert);
      } catch (e) {
        if (!(e instanceof Error && e.message.startsWith(`no such table: ${dayTable(day)}`))) throw e;
        for (const s of dayTableStatements(day)) await db.executeQuery(CompiledQuery.raw(s, []));
        res = await db.executeQuery(insert);
      }
      if (res.numAffectedRows !== BigInt(last - first + 1)) throw new Error(`indexing Connection Log entries ${first}–${last} found ${res.numAffectedRows ?? '?'} of them`);
    }
  },

  // Trigrams need three characters; a shorter needle cannot use the index and falls back to LIKE.
  async contains(db, needle, since) {
    if (hasNul(needle)) return NOTHING;
    if ([...needle].length < 3) return shortNeedle(needle);
    const from = since?.slice(0, 10);
    const days = (await indexedDays(db)).filter((d) => from === undefined || d >= from);
    if (days.length === 0) return NOTHING;
    const phrase = ftsPhrase(needle);
    const groups: Array<Expression<SqlBool>> = [];
    for (let i = 0; i < days.length; i += TABLES_PER_UNION) {
      const selects = days.slice(i, i + TABLES_PER_UNION).map((d) => {
        const t = sql.table(dayTable(d));
        return sql`select rowid from ${t} where ${t} match ${phrase}`;
      });
      groups.push(sql<SqlBool>`connection_log.id in (${sql.join(selects, sql` union all `)})`);
    }
    return groups.length === 1 ? (groups[0] as Expression<SqlBool>) : sql<SqlBool>`(${sql.join(groups, sql` or `)})`;
  },

  async dropBefore(db, cutoff) {
    // A day before the cut-off's day ended at or before the cut-off: all its entries were older.
    const cutDay = cutoff.slice(0, 10);
    let dropped = 0;
    for (const day of await indexedDays(db)) {
      if (day >= cutDay) break;
      const t = dayTable(day);
      const drop = async (trx: Kysely<Database>): Promise<void> => {
        await sql.raw(`drop trigger if exists ${t}_update`).execute(trx);
        await sql.raw(`drop table if exists ${t}`).execute(trx);
      };
      await (db.isTransaction ? drop(db) : db.transaction().execute(drop));
      dropped++;
      await nextTurn();
    }
    return dropped;
  },
};
