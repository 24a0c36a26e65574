/**
 * Literal "contains" matching shared by the dialect adapter and the Connection Log's index. Stored
 * text never holds NUL (requests with one are refused, the Connection Log writer replaces it), so a
 * needle with a NUL matches nothing; passing it on would make FTS5 fail ("unterminated string") and
 * PostgreSQL refuse the parameter.
 */
import { sql, type SqlBool } from 'kysely';

export const NOTHING = sql<SqlBool>`1 = 0`;

export const hasNul = (s: string): boolean => s.includes('\u0000');

/** `%`, `_` and `\` as literal characters of a LIKE pattern (with `escape '\'`). */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The needle as one FTS5 phrase: operators (AND, OR, NEAR, *, ^, column filters) inside it are text. */
export function ftsPhrase(needle: string): string {
  return `"${needle.replace(/"/g, '""')}"`;
}
