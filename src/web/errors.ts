import { databaseFault } from '../app/system-service';

/** The one HTTP error shape, with a stable code: {"error":{"code","message","details"}}. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string, details?: unknown): { error: { code: string; message: string; details?: unknown } } {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/**
 * Errors of the database that are not xport's bug: the database is unavailable (503
 * `database_unavailable`, with Retry-After, while the workers back off) or was sent text it cannot
 * store (PostgreSQL refuses NUL and invalid byte sequences: 400 `invalid_text`). Null otherwise.
 */
export function databaseHttpError(err: unknown): HttpError | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === '22021' || code === '22P05') return new HttpError(400, 'invalid_text', 'The request holds characters that cannot be stored (a NUL or an invalid byte sequence)');
  const fault = databaseFault(err);
  return fault ? new HttpError(503, 'database_unavailable', `The database is unavailable (${fault.kind}); try again in a few seconds`, { reason: fault.kind }) : null;
}
