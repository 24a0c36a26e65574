/**
 * The operator's log: pino JSON lines on stdout, one object a line, for log shippers; when stdout
 * is a terminal the same records as short readable lines (time, level, message, then key=value).
 * Secrets never reach it: request lines carry the route pattern, never the URL's query, headers
 * or cookies, and the redact list drops token-shaped fields wherever they appear.
 */
import pino, { type Logger, type LevelWithSilent } from 'pino';
import { Writable } from 'node:stream';

export interface LoggerOptions {
  level: LevelWithSilent;
  /** Readable lines instead of JSON (stdout is a terminal). */
  pretty?: boolean;
  /** Where lines go; default stdout. */
  destination?: NodeJS.WritableStream;
}

export const REDACT_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  '*.cookie',
  'token',
  '*.token',
  'access_token',
  '*.access_token',
  'refresh_token',
  '*.refresh_token',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'client_secret',
  '*.client_secret',
];

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const SKIP = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

/** One JSON record as a readable line: `12:00:01.123 WARN  message key=value …`. */
export function prettyLine(json: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof rec.time === 'number' ? new Date(rec.time).toISOString().slice(11, 23) : '';
  const level = (LEVELS[Number(rec.level)] ?? String(rec.level)).padEnd(5);
  const rest = Object.entries(rec)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => `${k}=${formatValue(v)}`);
  return [time, level, String(rec.msg ?? ''), ...rest].filter(Boolean).join(' ');
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) ? JSON.stringify(v) : v;
  if (v && typeof v === 'object' && 'stack' in v && typeof (v as { stack: unknown }).stack === 'string') {
    return `\n${(v as { stack: string }).stack}\n`;
  }
  return JSON.stringify(v);
}

function prettyStream(out: NodeJS.WritableStream): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line) out.write(`${prettyLine(line)}\n`);
      done();
    },
  });
}

export function createLogger(options: LoggerOptions): Logger {
  const out = options.destination ?? process.stdout;
  const stream = options.pretty ? prettyStream(out) : out;
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    stream,
  );
}
