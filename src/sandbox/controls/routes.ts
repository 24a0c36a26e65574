/** The sandbox's own controls under /_sandbox/ (documented in docs/sandbox.md). Not part of Xero's API. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SandboxContext } from '../context';
import { faultsBodySchema } from '../http/faults';
import { applyLimitsPatch, limitsPatchSchema } from '../options';
import { stableId } from '../state/ids';
import { DEMO_ORGS } from '../state/seed';
import type { OrgState } from '../state/types';
import { patchOrganisation } from './organisation';
import { approveDocument, deleteDocument, editDocument, editSchema, payDocument, paymentSchema, voidDocument } from './documents';
import { archiveAccount, archiveContact, type ControlResult } from './records';

type Params = Record<string, string>;

function json(req: FastifyRequest): unknown {
  if (typeof req.body !== 'string' || req.body.trim() === '') return {};
  try {
    return JSON.parse(req.body) as unknown;
  } catch {
    return undefined;
  }
}

function bad(reply: FastifyReply, error: string, details?: unknown): FastifyReply {
  return reply.code(400).send({ error, ...(details ? { details } : {}) });
}

function withOrg(ctx: SandboxContext, fn: (org: OrgState, req: FastifyRequest) => ControlResult) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const org = ctx.store.get((req.params as Params).tenantId ?? '');
    if (!org) return reply.code(404).send({ error: 'no such organisation' });
    const r = fn(org, req);
    return reply.code(r.status).send(r.body);
  };
}

const addOrgsSchema = z
  .object({
    count: z.number().int().min(1).max(1000).default(1),
    name: z.string().min(1).max(200).optional(),
    country: z.enum(['NZ', 'AU', 'GB']).default('NZ'),
  })
  .strict();

/** POST /_sandbox/organisations: more organisations like the demo ones, connected to every custom connection. */
function addOrganisations(ctx: SandboxContext, p: z.infer<typeof addOrgsSchema>): Array<{ tenantId: string; name: string }> {
  const template = DEMO_ORGS.find((o) => o.country === p.country) ?? DEMO_ORGS[0];
  if (!template) return [];
  const out: Array<{ tenantId: string; name: string }> = [];
  for (let i = 0; i < p.count; i += 1) {
    const n = ctx.store.tenants.size + 1;
    const name = p.count === 1 && p.name ? p.name : `${p.name ?? `Sandbox Organisation (${p.country})`} ${n}`;
    const tenantId = stableId('organisation', name, String(n));
    ctx.store.addOrganisation(template, name, tenantId);
    ctx.grants.connectEverywhere(tenantId);
    out.push({ tenantId, name });
  }
  return out;
}

const resetSchema = z.object({ all: z.boolean().optional() }).strict();
const clockSchema = z.object({ advanceSeconds: z.number() }).strict();
const webhookSchema = z.object({ url: z.string().url(), key: z.string().min(1), clientId: z.string().optional(), retryDelaysMs: z.array(z.number().int().min(0)).optional() }).strict();
const appSchema = z
  .object({ clientId: z.string().min(1), clientSecret: z.string().min(1).nullable(), name: z.string().default('Sandbox app'), redirectUris: z.array(z.string()).default([]) })
  .strict();

export function resetSandbox(ctx: SandboxContext, all: boolean): void {
  ctx.store.reset();
  ctx.limiter.reset();
  ctx.idempotency.clear();
  ctx.journal.clear();
  ctx.faults.clear();
  ctx.codes.clear();
  if (all) {
    ctx.grants.reset();
    ctx.clock.reset();
    ctx.webhooks.reset();
    ctx.apps.reset();
  }
}

function registerState(app: FastifyInstance, ctx: SandboxContext): void {
  app.post('/_sandbox/reset', async (req, reply) => {
    const p = resetSchema.safeParse(json(req));
    if (!p.success) return bad(reply, 'invalid body', p.error.issues);
    resetSandbox(ctx, p.data.all ?? false);
    return { ok: true, tenants: ctx.store.list() };
  });
  app.post('/_sandbox/organisations', async (req, reply) => {
    const p = addOrgsSchema.safeParse(json(req));
    if (!p.success) return bad(reply, 'invalid body', p.error.issues);
    return reply.code(201).send({ organisations: addOrganisations(ctx, p.data) });
  });
  app.get('/_sandbox/organisations', async () => ({ organisations: [...ctx.store.tenants.values()].map((o) => ({ tenantId: o.tenantId, ...o.organisation })) }));
  app.patch(
    '/_sandbox/organisations/:tenantId',
    withOrg(ctx, (org, req) => patchOrganisation(org, json(req))),
  );
  app.post(
    '/_sandbox/organisations/:tenantId/contacts/:id/archive',
    withOrg(ctx, (org, req) => archiveContact(ctx, org, (req.params as Params).id ?? '')),
  );
  app.post(
    '/_sandbox/organisations/:tenantId/accounts/:code/archive',
    withOrg(ctx, (org, req) => archiveAccount(ctx, org, (req.params as Params).code ?? '')),
  );
  registerDocuments(app, ctx);
}

/** What a Xero user does to an invoice, bill or credit note (by id or number; "invoices" covers credit notes too). */
function registerDocuments(app: FastifyInstance, ctx: SandboxContext): void {
  const doc = '/_sandbox/organisations/:tenantId/invoices/:id';
  const id = (req: FastifyRequest) => (req.params as Params).id ?? '';
  const invalid = (issues: unknown): ControlResult => ({ status: 400, body: { error: 'invalid body', details: issues } });
  app.post(
    `${doc}/void`,
    withOrg(ctx, (org, req) => voidDocument(ctx, org, id(req))),
  );
  app.post(
    `${doc}/delete`,
    withOrg(ctx, (org, req) => deleteDocument(ctx, org, id(req))),
  );
  app.post(
    `${doc}/approve`,
    withOrg(ctx, (org, req) => approveDocument(ctx, org, id(req))),
  );
  app.post(
    `${doc}/edit`,
    withOrg(ctx, (org, req) => {
      const p = editSchema.safeParse(json(req));
      return p.success ? editDocument(ctx, org, id(req), p.data) : invalid(p.error.issues);
    }),
  );
  app.post(
    `${doc}/pay`,
    withOrg(ctx, (org, req) => {
      const p = paymentSchema.safeParse(json(req));
      return p.success ? payDocument(ctx, org, p.data, id(req)) : invalid(p.error.issues);
    }),
  );
  app.post(
    '/_sandbox/organisations/:tenantId/payments',
    withOrg(ctx, (org, req) => {
      const p = paymentSchema.safeParse(json(req));
      return p.success ? payDocument(ctx, org, p.data) : invalid(p.error.issues);
    }),
  );
}

function registerRuntime(app: FastifyInstance, ctx: SandboxContext): void {
  app.get('/_sandbox/clock', async () => ({ now: new Date(ctx.clock.now()).toISOString(), offsetSeconds: ctx.clock.offsetSeconds }));
  app.post('/_sandbox/clock', async (req, reply) => {
    const p = clockSchema.safeParse(json(req));
    if (!p.success) return bad(reply, 'expected {"advanceSeconds": N}', p.error.issues);
    ctx.clock.advance(p.data.advanceSeconds);
    return { now: new Date(ctx.clock.now()).toISOString(), offsetSeconds: ctx.clock.offsetSeconds };
  });
  app.get('/_sandbox/limits', async () => ctx.limiter.limits);
  app.put('/_sandbox/limits', async (req, reply) => {
    const p = limitsPatchSchema.safeParse(json(req));
    if (!p.success) return bad(reply, 'invalid limits', p.error.issues);
    ctx.limiter.limits = applyLimitsPatch(ctx.limiter.limits, p.data);
    return ctx.limiter.limits;
  });
  app.get('/_sandbox/faults', async () => ({ faults: ctx.faults.list() }));
  app.post('/_sandbox/faults', async (req, reply) => {
    const p = faultsBodySchema.safeParse(json(req));
    if (!p.success) return bad(reply, 'invalid fault', p.error.issues);
    const rules = 'faults' in p.data ? p.data.faults : [p.data];
    return { faults: rules.map((r) => ctx.faults.add(r)) };
  });
  app.delete('/_sandbox/faults', async () => {
    ctx.faults.clear();
    return { faults: [] };
  });
  app.get('/_sandbox/requests', async (req) => {
    const q = req.query as Params;
    const since = q.since !== undefined ? Number(q.since) : undefined;
    return { requests: ctx.journal.list({ tenantId: q.tenantId, method: q.method, path: q.path, sinceSeq: since }) };
  });
  app.delete('/_sandbox/requests', async () => {
    ctx.journal.clear();
    return { requests: [] };
  });
}

function registerApps(app: FastifyInstance, ctx: SandboxContext): void {
  app.get('/_sandbox/webhooks', async () => ({ webhooks: ctx.apps.list().map((a) => ({ clientId: a.clientId, ...ctx.webhooks.get(a.clientId) })), deliveries: ctx.webhooks.deliveries }));
  app.put('/_sandbox/webhooks', async (req, reply) => {
    const p = webhookSchema.safeParse(json(req));
    if (!p.success) return bad(reply, 'expected {"url", "key"}', p.error.issues);
    if (p.data.retryDelaysMs) ctx.webhooks.retryDelaysMs = p.data.retryDelaysMs;
    const cfg = await ctx.webhooks.configure(p.data.clientId ?? ctx.demoClientId, p.data.url, p.data.key);
    return reply.code(cfg.status === 'active' ? 200 : 409).send(cfg);
  });
  app.delete('/_sandbox/webhooks', async () => {
    ctx.webhooks.remove(ctx.demoClientId);
    return { ok: true };
  });
  app.get('/_sandbox/apps', async () => ({ apps: ctx.apps.list() }));
  app.post('/_sandbox/apps', async (req, reply) => {
    const p = appSchema.safeParse(json(req));
    if (!p.success) return bad(reply, 'invalid app', p.error.issues);
    ctx.apps.put(p.data);
    return reply.code(201).send(p.data);
  });
}

export function registerControls(app: FastifyInstance, ctx: SandboxContext): void {
  registerState(app, ctx);
  registerRuntime(app, ctx);
  registerApps(app, ctx);
}
