/**
 * One Accounting API request, in Xero's order: authentication, tenant, rate limits (before
 * idempotency, as Xero documents), injected faults, the idempotency cache, the handler, and the
 * journal entry that tests read back.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiRequest, ApiRoute } from '../api/types';
import type { SandboxContext } from '../context';
import type { JournalEntry } from './journal';
import { authenticate, hasScope, headerOf, tenantOf } from './auth';
import { abandon, faultReply } from './fault-replies';
import { fingerprint, IDEMPOTENCY_MAX_LENGTH, type StoredReply } from './idempotency';
import { countElements } from './input';
import { gatewayProblem, notFound, validationMessage, type ApiReply } from './replies';
import { limitHeaders, rateLimited, sendStored, sleep, toStored } from './send';
import { MSG } from '../rules/messages';

export const API_PREFIX = '/api.xro/2.0/';

interface Call {
  ctx: SandboxContext;
  req: FastifyRequest;
  reply: FastifyReply;
  entry: JournalEntry;
  started: number;
  headers: Record<string, string>;
}

function finish(call: Call, stored: StoredReply): FastifyReply {
  call.entry.status = stored.status;
  call.entry.durationMs = Math.round(performance.now() - call.started);
  if (stored.status === 429) call.entry.rateLimitProblem = stored.headers['x-rate-limit-problem'] ?? null;
  return sendStored(call.reply, { ...stored, headers: { ...call.headers, ...stored.headers } });
}

function parseBody(raw: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: true, value: raw ?? undefined };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false };
  }
}

function queryOf(url: URL): Record<string, string> {
  const q: Record<string, string> = {};
  for (const [k, v] of url.searchParams) q[k.toLowerCase()] = v;
  return q;
}

export async function handleApi(ctx: SandboxContext, routes: ApiRoute[], req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
  const url = new URL(req.url, 'http://sandbox');
  const entry = ctx.journal.open({ time: new Date(ctx.clock.now()).toISOString(), method: req.method, path: url.pathname, query: url.search });
  const correlationId = randomUUID();
  const call: Call = { ctx, req, reply, entry, started: performance.now(), headers: { 'xero-correlation-id': correlationId } };
  const auth = authenticate(ctx, req, correlationId);
  if (!auth.ok) return finish(call, toStored(auth.reply));
  entry.tenantId = headerOf(req, 'xero-tenant-id')?.toLowerCase() ?? null;
  const tenantId = tenantOf(auth.grant, req);
  const org = tenantId ? ctx.store.get(tenantId) : undefined;
  if (!tenantId || !org) return finish(call, toStored(gatewayProblem(403, 'AuthenticationUnsuccessful', correlationId)));
  const appId = auth.grant.clientId;
  const admission = ctx.limiter.admit(appId, tenantId);
  Object.assign(call.headers, limitHeaders(admission.remaining));
  if (!admission.ok) return finish(call, rateLimited(admission.problem, admission.retryAfter));
  reply.raw.once('close', admission.release);
  const segs = url.pathname
    .slice(API_PREFIX.length)
    .split('/')
    .filter(Boolean)
    .map((s) => decodeURIComponent(s));
  const resource = (segs[0] ?? '').toLowerCase();
  const route = routes.find((r) => r.method === req.method && r.resource === resource && r.arity === segs.length - 1);
  if (route && !hasScope(auth.grant, route.scopes)) return finish(call, toStored(gatewayProblem(401, 'AuthorizationUnsuccessful', correlationId)));
  return afterChecks(call, { route, segs, url, org, appId, tenantId });
}

interface Routed {
  route: ApiRoute | undefined;
  segs: string[];
  url: URL;
  org: ApiRequest['org'];
  appId: string;
  tenantId: string;
}

async function afterChecks(call: Call, r: Routed): Promise<FastifyReply | void> {
  const { ctx, req, entry } = call;
  const fault = ctx.faults.take({ method: req.method, path: r.url.pathname, tenantId: r.tenantId }, 'before');
  if (fault) {
    entry.fault = fault.kind;
    if (fault.kind === 'hang' || fault.kind === 'drop') return abandon(fault, req, call.reply);
    if (fault.kind === 'latency') await sleep(fault.latencyMs);
    else return finish(call, faultReply(fault) ?? toStored(notFound()));
  }
  const writes = req.method === 'PUT' || req.method === 'POST';
  const key = writes ? headerOf(req, 'idempotency-key') : undefined;
  entry.idempotencyKey = key ?? null;
  const body = parseBody(req.body);
  if (writes && body.ok) entry.elements = countElements(body.value);
  if (key === undefined) return respond(call, r, body, null);
  if (key.length > IDEMPOTENCY_MAX_LENGTH) return finish(call, toStored(validationMessage(MSG.idempotencyTooLong)));
  const print = fingerprint({ method: req.method, url: `${r.url.pathname.toLowerCase()}${r.url.search}`, tenantId: r.tenantId, body: typeof req.body === 'string' ? req.body : '' });
  const hit = ctx.idempotency.lookup(r.appId, key, print);
  if (hit.kind === 'mismatch') return finish(call, toStored(validationMessage(MSG.idempotencyMismatch(key))));
  if (hit.kind === 'replay') {
    const stored = await hit.reply;
    if (stored) {
      entry.replayed = true;
      return finish(call, stored);
    }
    return respond(call, r, body, null);
  }
  return respond(call, r, body, hit.settle);
}

async function respond(call: Call, r: Routed, body: { ok: true; value: unknown } | { ok: false }, settle: ((s: StoredReply | null) => void) | null): Promise<FastifyReply | void> {
  const { ctx, req, entry } = call;
  const apiReq: ApiRequest = {
    method: req.method,
    params: r.segs.slice(1),
    query: queryOf(r.url),
    headers: req.headers,
    body: body.ok ? body.value : undefined,
    org: r.org,
    appId: r.appId,
    ctx,
    events: [],
  };
  let result: ApiReply;
  if (!body.ok) result = validationMessage('The request body is not valid JSON.');
  else result = r.route ? r.route.handler(apiReq) : notFound();
  let stored = toStored(result);
  ctx.webhooks.emit(apiReq.events);
  const after = ctx.faults.take({ method: req.method, path: r.url.pathname, tenantId: r.tenantId }, 'after');
  if (after) {
    entry.fault = after.kind;
    if (after.kind === 'latency') await sleep(after.latencyMs);
    else if (after.kind !== 'hang' && after.kind !== 'drop') stored = faultReply(after) ?? stored;
  }
  settle?.(stored);
  if (after && (after.kind === 'hang' || after.kind === 'drop')) return abandon(after, req, call.reply);
  return finish(call, stored);
}
