/**
 * A small Xero Accounting API client: paths, headers (xero-tenant-id, Idempotency-Key), query
 * strings and JSON. It decides nothing: the engine classifies outcomes with the error catalog.
 */
import { sendHttp, type XeroHttpOutcome } from './http';
import type { CatalogCode } from '../domain/catalog';
import type { Result } from '../domain/result';
import type { TokenSource } from './tokens';

export interface XeroClientOptions {
  apiUrl: string;
  tokens: TokenSource;
  timeoutMs: number;
}

export interface XeroCall {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** Path under /api.xro/2.0, e.g. "/Invoices". */
  path: string;
  tenantId: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** The body already serialised (JSON.stringify's text of it): sent as it is, instead of `body`. */
  json?: string;
  idempotencyKey?: string;
  ifModifiedSince?: Date;
}

export type XeroCallOutcome = XeroHttpOutcome | { kind: 'no_token'; reason: string; code: CatalogCode };

export class XeroClient {
  constructor(private readonly o: XeroClientOptions) {}

  get apiUrl(): string {
    return this.o.apiUrl;
  }

  async call(c: XeroCall): Promise<XeroCallOutcome & { requestBytes?: number }> {
    const token = await this.o.tokens.accessToken(c.tenantId);
    if (!token.ok) return { kind: 'no_token', reason: token.reason, code: token.code };
    const body = c.json ?? (c.body === undefined ? undefined : JSON.stringify(c.body));
    const headers: Record<string, string> = {
      authorization: `Bearer ${token.token}`,
      'xero-tenant-id': c.tenantId,
      accept: 'application/json',
      'user-agent': 'xport/0.1',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (c.idempotencyKey) headers['idempotency-key'] = c.idempotencyKey;
    if (c.ifModifiedSince) headers['if-modified-since'] = c.ifModifiedSince.toISOString();
    const res = await sendHttp({ method: c.method, url: this.url(c), headers, body, timeoutMs: this.o.timeoutMs });
    if (res.kind === 'response' && res.status === 401) this.o.tokens.invalidate(c.tenantId, token.token);
    return { ...res, requestBytes: body ? Buffer.byteLength(body) : 0 };
  }

  /** The organisations this app may act for (GET /connections). */
  async connections(): Promise<Result<{ tenants: Array<{ tenantId: string; tenantName: string; id: string }> }, { reason: string }>> {
    const token = await this.o.tokens.accessToken(null);
    if (!token.ok) return { ok: false, reason: token.reason };
    const res = await sendHttp({ method: 'GET', url: `${this.o.apiUrl}/connections`, timeoutMs: this.o.timeoutMs, headers: { authorization: `Bearer ${token.token}`, accept: 'application/json' } });
    if (res.kind === 'network') return { ok: false, reason: res.detail };
    if (res.status !== 200) return { ok: false, reason: `GET /connections answered ${res.status}: ${res.bodyText.slice(0, 200)}` };
    const list = JSON.parse(res.bodyText) as Array<{ id: string; tenantId: string; tenantName: string }>;
    return { ok: true, tenants: list };
  }

  private url(c: XeroCall): string {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(c.query ?? {})) if (v !== undefined) qs.set(k, String(v));
    const q = qs.toString();
    return `${this.o.apiUrl}/api.xro/2.0${c.path}${q ? `?${q}` : ''}`;
  }
}

/** Parses a JSON body, or null when Xero sent text (404s and outages are plain text). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
