/**
 * Which errors mean "the database cannot serve us right now" rather than "this statement is wrong":
 * a refused, terminated or timed-out connection, a restarting server, a statement timeout, another
 * process holding SQLite's write lock past the busy timeout, a full disk, a read-only file. Such a
 * fault is answered 503 `database_unavailable` over HTTP, and the workers back off and retry.
 */
export interface DatabaseFault {
  /** A short machine-readable kind: connection, timeout, busy, disk_full, read_only, io. */
  kind: 'connection' | 'timeout' | 'busy' | 'disk_full' | 'read_only' | 'io';
  /** One line for people and logs. */
  message: string;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// SQLSTATE classes 08 (connection exception), 57P0x (admin/crash shutdown, cannot connect now), 53 (resources), 58 (system).
const PG_UNAVAILABLE = /^(08|57P0|53|58)/;

function codeOf(err: unknown): string {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : '';
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function sqliteFault(code: string, message: string): DatabaseFault | null {
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return { kind: 'busy', message: `the SQLite database is locked by another writer (${message})` };
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return { kind: 'disk_full', message: `the disk holding the database is full (${message})` };
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES') return { kind: 'read_only', message: `the database file cannot be written (${message})` };
  // SQLite rolls a transaction back by itself after a full disk, an I/O error or a busy lock; the rollback
  // that follows then fails with this, hiding the first error.
  if (/cannot rollback - no transaction is active/.test(message)) return { kind: 'io', message: `a database transaction was rolled back by SQLite (${message})` };
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') || code === 'EFBIG') return { kind: 'io', message: `the database file could not be read or written (${message})` };
  return null;
}

/** The fault `err` stands for, or null when it is not a database availability problem. */
export function databaseFault(err: unknown, depth = 0): DatabaseFault | null {
  if (err === null || err === undefined || depth > 3) return null;
  const code = codeOf(err);
  const message = messageOf(err);
  const sqlite = sqliteFault(code, message);
  if (sqlite) return sqlite;
  if (code === '57014') return { kind: 'timeout', message: `a database statement timed out (${message})` };
  if (NETWORK_CODES.has(code) || PG_UNAVAILABLE.test(code)) return { kind: 'connection', message: `the database connection failed (${message})` };
  if (/Connection terminated|timeout exceeded when trying to connect|Query read timeout|not queryable|Client was closed|connection (is )?(closed|lost)/i.test(message)) {
    return { kind: /timeout/i.test(message) ? 'timeout' : 'connection', message: `the database connection failed (${message})` };
  }
  const nested = (err as { cause?: unknown; errors?: unknown[] }) ?? {};
  for (const inner of [nested.cause, ...(Array.isArray(nested.errors) ? nested.errors : [])]) {
    const f = databaseFault(inner, depth + 1);
    if (f) return f;
  }
  return null;
}
