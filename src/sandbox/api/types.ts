/** What an Accounting API handler receives and the table it is registered in. */
import type { SandboxContext } from '../context';
import type { ApiReply } from '../http/replies';
import type { OrgState } from '../state/types';
import type { WebhookEventInput } from '../webhooks/hub';

export interface ApiRequest {
  method: string;
  /** Path segments after the resource name, original case (e.g. ["INV-0001"]). */
  params: string[];
  /** Query parameters with lower-case names (Xero treats them case-insensitively). */
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  org: OrgState;
  appId: string;
  ctx: SandboxContext;
  /** Webhook events raised by this request, sent once it has been answered. */
  events: WebhookEventInput[];
}

export type ApiHandler = (req: ApiRequest) => ApiReply;

export interface ApiRoute {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** Lower-case resource name, e.g. "invoices". */
  resource: string;
  /** Number of path segments after the resource (0 = collection, 1 = by id or number). */
  arity: number;
  /** OAuth scopes any one of which allows the call. */
  scopes: string[];
  handler: ApiHandler;
}

export function unitdpOf(req: ApiRequest): 2 | 4 {
  return req.query.unitdp === '4' ? 4 : 2;
}

export function summarizeErrorsOf(req: ApiRequest): boolean {
  return req.query.summarizeerrors?.toLowerCase() !== 'false';
}
