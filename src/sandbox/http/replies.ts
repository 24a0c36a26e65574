/** The shapes of Xero's answers: the JSON envelope, ValidationException, plain-text 404, gateway 401/403. */
import { randomUUID } from 'node:crypto';
import { msDateNoOffset } from '../format/dates';
import type { Dict } from '../state/types';

export interface ApiReply {
  status: number;
  /** JSON body; absent when `text` is used or the body is empty. */
  body?: unknown;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export const NOT_FOUND_TEXT = "The resource you're looking for cannot be found";

export function ok(body: unknown): ApiReply {
  return { status: 200, body };
}

export function notFound(): ApiReply {
  return { status: 404, text: NOT_FOUND_TEXT, contentType: 'text/html; charset=utf-8' };
}

export function envelope(providerName: string, now: number, content: Dict): Dict {
  return { Id: randomUUID(), Status: 'OK', ProviderName: providerName, DateTimeUTC: msDateNoOffset(now), ...content };
}

export function validationException(elements: Dict[]): ApiReply {
  return { status: 400, body: { ErrorNumber: 10, Type: 'ValidationException', Message: 'A validation exception occurred', Elements: elements } };
}

/** A ValidationException with a top-level message and no elements (idempotency reuse, bad request bodies). */
export function validationMessage(message: string): ApiReply {
  return { status: 400, body: { ErrorNumber: 10, Type: 'ValidationException', Message: message } };
}

export function queryParseError(message: string): ApiReply {
  return { status: 400, body: { ErrorNumber: 16, Type: 'QueryParseException', Message: message } };
}

/** The API gateway's problem JSON (PascalCase) for 401 and 403, with Instance = correlation id. */
export function gatewayProblem(status: 401 | 403, detail: string, correlationId: string): ApiReply {
  const title = status === 401 ? 'Unauthorized' : 'Forbidden';
  const headers: Record<string, string> = status === 401 ? { 'www-authenticate': 'Bearer error=invalid_token' } : {};
  return { status, headers, body: { Type: null, Title: title, Status: status, Detail: detail, Instance: correlationId, Extensions: {} } };
}
