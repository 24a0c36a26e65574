import { databaseFault } from '../app/system-service';

/**
 * Every code of the API's error envelope that xport raises itself, with the one HTTP status it is
 * sent with. This record is the list: HttpError and errorBody take no other code, and HttpError
 * only with the status given here.
 */
export const API_ERRORS = {
  invalid_request: 400,
  invalid_json: 400,
  invalid_utf8: 400,
  invalid_text: 400,
  invalid_document: 400,
  invalid_settings: 400,
  invalid_webhook: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  no_organisation: 409,
  not_skippable: 409,
  not_failed: 409,
  revision_conflict: 409,
  reconciliation_running: 409,
  unsupported_media_type: 415,
  internal_error: 500,
  xero_unavailable: 502,
  database_unavailable: 503,
} as const satisfies Record<string, number>;

export type ApiErrorCode = keyof typeof API_ERRORS;

/**
 * A 4xx the web framework or a plugin raised itself, passed on under its own code in lower case
 * (`fst_err_ctp_body_too_large`), or `bad_request` when it has none.
 */
export type FrameworkErrorCode = `fst_${string}` | 'bad_request';

/** The one HTTP error shape, with a stable code: {"error":{"code","message","details"}}. */
export class HttpError<C extends ApiErrorCode = ApiErrorCode> extends Error {
  constructor(
    readonly statusCode: NoInfer<(typeof API_ERRORS)[C]>,
    readonly code: C,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface ErrorEnvelope {
  error: { code: ApiErrorCode | FrameworkErrorCode; message: string; details?: unknown };
}

export function errorBody(code: ApiErrorCode | FrameworkErrorCode, message: string, details?: unknown): ErrorEnvelope {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** The envelope code of a framework error: Fastify's JSON parse errors are `invalid_json`. */
export function frameworkErrorCode(code: string | undefined): ApiErrorCode | FrameworkErrorCode {
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'invalid_json';
  const lower = (code ?? '').toLowerCase();
  return isFrameworkCode(lower) ? lower : 'bad_request';
}

function isFrameworkCode(code: string): code is `fst_${string}` {
  return code.startsWith('fst_');
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
