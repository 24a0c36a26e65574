/**
 * How the data commands answer: tables with times in the machine's local time zone, `--json` in the
 * API's own camelCase shapes, and a quiet exit when the reader goes away (`xport log | head`).
 */
import { dateTime } from '../domain/words';

export const EXIT = { ok: 0, usage: 2, noOrganisation: 3, invalid: 4, nothingChanged: 5 } as const;

/** `| head` closes stdout early: that is the reader's choice, not an error worth a stack trace. */
export function quietOnClosedPipe(): void {
  const quit = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  };
  process.stdout.on('error', quit);
  process.stderr.on('error', quit);
}

const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** An instant in the local time zone ("2 Dec 2026, 1:31 pm"); anything else as given. */
export function localTime(value: unknown): string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return value === null || value === undefined ? '' : String(value);
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : dateTime(d, LOCAL_ZONE);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A tab-separated table with a header; `(none)` for no rows. Times are shown local. */
export function printTable(rows: Array<Record<string, unknown>>, columns: string[], timeColumns: string[] = []): void {
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const lines = [columns.join('\t'), ...rows.map((r) => columns.map((c) => (timeColumns.includes(c) ? localTime(r[c]) : String(r[c] ?? ''))).join('\t'))];
  process.stdout.write(`${lines.join('\n')}\n`);
}
