/**
 * Xero's HTTP transport over undici with explicit timeouts. Expected failures are values: a
 * response of any status, or a network failure that says whether the request may have reached
 * Xero (then its outcome is unknown and the engine reconciles before sending again).
 */
import { Agent, request, type Dispatcher } from 'undici';

export interface XeroLimitsSeen {
  dayRemaining: number | null;
  minuteRemaining: number | null;
  appMinuteRemaining: number | null;
}

export interface XeroHttpResponse {
  kind: 'response';
  status: number;
  headers: Record<string, string>;
  bodyText: string;
  durationMs: number;
  correlationId: string | null;
  limits: XeroLimitsSeen;
}

export type NetworkFailureKind = 'timeout' | 'connection_reset' | 'connection_refused' | 'unknown';

export interface XeroNetworkFailure {
  kind: 'network';
  failure: NetworkFailureKind;
  detail: string;
  durationMs: number;
  /** False only when the request certainly never reached the server (connection refused). */
  mayHaveReachedServer: boolean;
}

export type XeroHttpOutcome = XeroHttpResponse | XeroNetworkFailure;

export interface HttpRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

const agent = new Agent({ connections: 64, keepAliveTimeout: 10_000, connectTimeout: 10_000 });

function headerNumber(h: Record<string, string>, name: string): number | null {
  const v = h[name];
  if (v === undefined) return null;
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : null;
}

export function limitsFromHeaders(h: Record<string, string>): XeroLimitsSeen {
  return {
    dayRemaining: headerNumber(h, 'x-daylimit-remaining'),
    minuteRemaining: headerNumber(h, 'x-minlimit-remaining'),
    appMinuteRemaining: headerNumber(h, 'x-appminlimit-remaining'),
  };
}

export async function sendHttp(req: HttpRequest): Promise<XeroHttpOutcome> {
  const started = performance.now();
  try {
    // undici's request, not fetch: no WHATWG streams and header objects to build for each call (a third
    // of the client's CPU per call), and nothing fetch would add (no redirects followed, no compression asked).
    const res = await request(req.url, {
      method: req.method as Dispatcher.HttpMethod,
      headers: req.headers,
      body: req.body,
      dispatcher: agent,
      signal: AbortSignal.timeout(req.timeoutMs),
    });
    const bodyText = await res.body.text();
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(res.headers)) {
      if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    return {
      kind: 'response',
      status: res.statusCode,
      headers,
      bodyText,
      durationMs: Math.round(performance.now() - started),
      correlationId: headers['xero-correlation-id'] ?? null,
      limits: limitsFromHeaders(headers),
    };
  } catch (err) {
    return { kind: 'network', ...describeNetworkError(err), durationMs: Math.round(performance.now() - started) };
  }
}

function describeNetworkError(err: unknown): { failure: NetworkFailureKind; detail: string; mayHaveReachedServer: boolean } {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  const detail = `${e.message ?? String(err)}${e.cause?.message ? `: ${e.cause.message}` : ''}`;
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return { failure: 'timeout', detail, mayHaveReachedServer: true };
  }
  if (code === 'ECONNREFUSED') return { failure: 'connection_refused', detail, mayHaveReachedServer: false };
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return { failure: 'connection_reset', detail, mayHaveReachedServer: true };
  return { failure: 'unknown', detail, mayHaveReachedServer: true };
}
