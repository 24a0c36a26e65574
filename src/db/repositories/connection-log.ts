/**
 * The Connection Log: every sync event, newest first, filterable by level and free text. Entries
 * never carry a token: details are built by the engine from known-safe fields only.
 */
import type { Kysely } from 'kysely';
import { precompiled, rowsOf } from '../precompiled';
import type { DialectAdapter } from '../dialect';
import type { Database, LogRow } from '../schema';
import { iso } from '../clock';

export type LogLevel = 'info' | 'error';

export interface LogEntryInput {
  tenantId: string | null;
  level: LogLevel;
  event: string;
  message: string;
  exportId?: number | null;
  documentRef?: string | null;
  details?: Record<string, unknown> | null;
  actor?: string | null;
  at?: Date;
}

export interface LogEntry {
  id: number;
  tenantId: string | null;
  at: string;
  level: LogLevel;
  event: string;
  message: string;
  exportId: number | null;
  documentRef: string | null;
  details: Record<string, unknown> | null;
  actor: string | null;
}

export interface LogQuery {
  tenantId: string | null;
  level?: 'all' | LogLevel;
  q?: string;
  /** Entries with id below this (the cursor of the previous page). */
  beforeId?: number;
  /** Entries with id above this, the page just newer than the one whose first entry it is ("Newer"). */
  afterId?: number;
  exportId?: number;
  since?: Date;
  limit?: number;
}

function toEntry(r: LogRow): LogEntry {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    at: r.at,
    level: r.level === 'error' ? 'error' : 'info',
    event: r.event,
    message: r.message,
    exportId: r.export_id,
    documentRef: r.document_ref,
    details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
    actor: r.actor,
  };
}

/** PostgreSQL cannot store NUL, and search treats it as matching nothing: a message Xero sent with one keeps U+FFFD. */
const noNul = (s: string): string => s.replaceAll('\u0000', '\ufffd');

const LOG_COLUMNS = ['tenant_id', 'at', 'level', 'event', 'message', 'export_id', 'document_ref', 'details', 'actor'] as const;
const MAX_ROWS_PER_INSERT = 128;

/** Rows per INSERT for a write of `n`: 128 at a time, the rest in powers of two (so nine statement shapes serve any write). */
export function chunkSizes(n: number): number[] {
  const out: number[] = [];
  let left = n;
  for (; left >= MAX_ROWS_PER_INSERT; left -= MAX_ROWS_PER_INSERT) out.push(MAX_ROWS_PER_INSERT);
  for (let size = MAX_ROWS_PER_INSERT / 2; left > 0; size /= 2) {
    if (left >= size) {
      out.push(size);
      left -= size;
    }
  }
  return out;
}

type LogCells = [string | null, string, string, string, string, number | null, string | null, string | null, string | null];

/** `rows` entries' cells as one multi-row INSERT (built once per row count by `precompiled`). */
function insertOf(db: Kysely<Database>, cells: readonly unknown[]) {
  return db.insertInto('connection_log').values(
    rowsOf<LogCells>(cells, LOG_COLUMNS.length).map(([tenant_id, at, level, event, message, export_id, document_ref, details, actor]) => ({
      tenant_id,
      at,
      level,
      event,
      message,
      export_id,
      document_ref,
      details,
      actor,
    })),
  );
}

export class ConnectionLogRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly adapter: DialectAdapter,
  ) {}

  /**
   * Writes entries in one transaction (on SQLite with their index rows, so no entry is ever unsearchable).
   * The INSERTs are compiled once per row count (`chunkSizes`, `precompiled`), not built per call: the writer's flushes
   * hold hundreds of entries, and building them through Kysely cost as much as SQLite's work.
   */
  async append(entries: LogEntryInput[]): Promise<void> {
    if (entries.length === 0) return;
    const ats = entries.map((e) => iso(e.at ?? new Date()));
    const params: unknown[] = [];
    entries.forEach((e, i) => {
      params.push(
        e.tenantId,
        ats[i],
        e.level,
        e.event,
        noNul(e.message),
        e.exportId ?? null,
        e.documentRef == null ? null : noNul(e.documentRef),
        e.details ? JSON.stringify(e.details) : null,
        e.actor ?? null,
      );
    });
    const index = this.adapter.logIndex;
    const chunks = chunkSizes(entries.length);
    const insertAll = async (db: Kysely<Database>): Promise<void> => {
      let done = 0;
      for (const rows of chunks) {
        const cells = params.slice(done * LOG_COLUMNS.length, (done + rows) * LOG_COLUMNS.length);
        const res = await precompiled.run(db, this.adapter.name, `connection_log insert ${rows}`, cells, (v) => insertOf(db, v));
        if (index.writtenByAppend) {
          // One INSERT under SQLite's write lock numbers its rows consecutively, ending at the last insert id.
          if (res.numAffectedRows !== BigInt(rows) || res.insertId === undefined) throw new Error(`a Connection Log insert of ${rows} entries wrote ${res.numAffectedRows ?? '?'}`);
          const last = Number(res.insertId);
          await index.add(
            db,
            ats.slice(done, done + rows).map((at, i) => ({ id: last - rows + 1 + i, at })),
          );
        }
        done += rows;
      }
    };
    if (!index.writtenByAppend && chunks.length === 1) return insertAll(this.db);
    await inTransaction(this.db, insertAll);
  }

  /** Newest first. `newerCursor` is set when entries newer than this page exist (for `afterId`). */
  async search(query: LogQuery): Promise<{ entries: LogEntry[]; nextCursor: number | null; newerCursor?: number | null }> {
    // SQLite: the list of the index's day tables and the query that reads them see one snapshot, so a
    // prune dropping a day table between the two cannot fail the search.
    if (query.q && this.adapter.logIndex.writtenByAppend) return inTransaction(this.db, (db) => this.searchIn(db, query));
    return this.searchIn(this.db, query);
  }

  private async searchIn(db: Kysely<Database>, query: LogQuery): Promise<{ entries: LogEntry[]; nextCursor: number | null; newerCursor?: number | null }> {
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
    let q = db.selectFrom('connection_log').selectAll();
    if (query.tenantId) q = q.where('tenant_id', '=', query.tenantId);
    if (query.level && query.level !== 'all') q = q.where('level', '=', query.level);
    if (query.beforeId) q = q.where('id', '<', query.beforeId);
    if (query.exportId) q = q.where('export_id', '=', query.exportId);
    if (query.since) q = q.where('at', '>=', iso(query.since));
    if (query.q) q = q.where(await this.adapter.logIndex.contains(db, query.q, query.since ? iso(query.since) : undefined));
    if (query.afterId) {
      const rows = await q
        .where('id', '>', query.afterId)
        .orderBy('id', 'asc')
        .limit(limit + 1)
        .execute();
      const page = rows.slice(0, limit).reverse().map(toEntry);
      return { entries: page, nextCursor: page[page.length - 1]?.id ?? null, newerCursor: rows.length > limit ? (page[0]?.id ?? null) : null };
    }
    const rows = await q
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit).map(toEntry);
    return { entries: page, nextCursor: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null };
  }

  async get(id: number): Promise<LogEntry | null> {
    const row = await this.db.selectFrom('connection_log').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toEntry(row) : null;
  }

  /**
   * Deletes entries older than the retention in small batches, yielding between them, so no long lock
   * is held and (on SQLite, which runs on this thread) requests and appends run in between; then
   * drops the index of the days wholly before `olderThan` (on SQLite one table per day, dropped
   * whole, one at a time: see src/db/log-index.ts).
   */
  async prune(olderThan: Date, batchSize = 250): Promise<number> {
    const cutoff = iso(olderThan);
    let total = 0;
    for (;;) {
      const ids = this.db.selectFrom('connection_log').select('id').where('at', '<', cutoff).orderBy('id').limit(batchSize);
      const res = await this.db.deleteFrom('connection_log').where('id', 'in', ids).executeTakeFirst();
      const n = Number(res.numDeletedRows);
      total += n;
      if (n < batchSize) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await this.adapter.logIndex.dropBefore(this.db, cutoff);
    return total;
  }
}

/** Runs `fn` in a transaction, or in the caller's when `db` already is one. */
function inTransaction<T>(db: Kysely<Database>, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}
