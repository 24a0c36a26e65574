/**
 * Write-back webhooks under /api/v1/webhooks: subscribe a receiver (the answer holds its signing secret,
 * shown once), list and delete subscriptions, read a subscription's delivery log and redeliver.
 * Subscriptions belong to the API token's organisation; changing them needs an admin token.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Runtime } from '../../app/runtime';
import { EVENT_TYPES, receiverUrlProblem } from '../../engine/write-back-events';
import { HttpError } from '../errors';
import { caller, requireAdmin } from './auth';
import { apiContract, errorEnvelope, op } from './contract';

/** A receiver's URL: http or https, no credentials in it (the signature authenticates xport). */
const receiverUrl = z.string().superRefine((s, ctx) => {
  const problem = receiverUrlProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const subscribeBody = z
  .strictObject({
    url: receiverUrl.describe('Where to POST the events: an absolute http or https URL, at most 2048 characters, without a user name or password'),
    events: z
      .array(z.enum(EVENT_TYPES))
      .min(1)
      .refine((a) => new Set(a).size === a.length, 'must not name a type twice')
      .optional()
      .describe('The event types to deliver; every type when left out'),
  })
  .meta({ examples: [{ url: 'https://erp.example.com/xport/events', events: ['export.exported', 'export.failed', 'document.paid'] }] });
const idParams = z.object({ id: z.string().min(1).max(64).describe("The subscription's id (`wh_…`, as POST /api/v1/webhooks answered it)") });
const deliveryParams = idParams.extend({ deliveryId: z.coerce.number().int().positive().describe('The id of one delivery of that subscription (its delivery log)') });
const logQuery = z.object({
  status: z.enum(['pending', 'delivered', 'failed']).optional().describe('Only the deliveries in this state'),
  before: z.coerce.number().int().positive().optional().describe('The nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Deliveries per page (1–200)'),
});

const subscription = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()).nullable().describe('null: every type'),
  createdAt: z.string(),
  deliveries: z.object({ pending: z.number(), delivered: z.number(), failed: z.number() }),
});
const delivery = z.object({
  id: z.number(),
  eventId: z.string().describe('webhook-id is msg_<eventId>'),
  type: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number(),
  nextAttemptAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  responseStatus: z.number().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
});
const forbidden = errorEnvelope.describe('The API token is a viewer: changing webhooks needs an admin token (`forbidden`)');
const denied = { 401: errorEnvelope, 403: forbidden };
const badId = errorEnvelope.describe('The id is empty or longer than 64 characters (`invalid_request`)');
const noSubscription = errorEnvelope.describe('The organisation has no subscription with this id (`not_found`)');

function parse<T>(schema: z.ZodType<T>, value: unknown, code: 'invalid_webhook' | 'invalid_request', what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new HttpError(400, code, `Invalid ${what}: ${r.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`).join('; ')}`);
  return r.data;
}

export async function webhookRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  apiContract(app);
  const tags = ['webhooks'];
  app.post(
    '/webhooks',
    {
      schema: op({
        summary: 'Subscribe a receiver to write-back events',
        tags,
        body: subscribeBody,
        responses: {
          201: subscription.extend({ secret: z.string().describe('whsec_…, shown only now') }).describe('The subscription, with its signing secret (shown only in this answer)'),
          400: errorEnvelope.describe(
            'The url is not an absolute http or https URL without credentials, or events is empty, names an unknown type or one twice, or the body has another field (`invalid_webhook`)',
          ),
          ...denied,
        },
      }),
    },
    async (req, reply) => {
      const c = requireAdmin(req);
      const body = parse(subscribeBody, req.body ?? {}, 'invalid_webhook', 'webhook');
      return reply.code(201).send(await rt.writeBack.subscribe(c.tenantId, { url: body.url, events: body.events ?? null }));
    },
  );

  app.get(
    '/webhooks',
    { schema: op({ summary: "The organisation's webhook subscriptions", tags, responses: { 200: z.object({ webhooks: z.array(subscription) }), 401: errorEnvelope } }) },
    async (req) => ({
      webhooks: await rt.writeBack.list(caller(req).tenantId),
    }),
  );

  app.delete(
    '/webhooks/:id',
    {
      schema: op({
        summary: 'Delete a subscription (its pending deliveries are not sent)',
        tags,
        params: idParams,
        responses: { 204: null, 400: badId, 404: noSubscription, ...denied },
      }),
    },
    async (req, reply) => {
      const c = requireAdmin(req);
      const { id } = parse(idParams, req.params, 'invalid_request', 'webhook id');
      if (!(await rt.writeBack.remove(c.tenantId, id))) throw new HttpError(404, 'not_found', `Webhook ${id} does not exist`);
      return reply.code(204).send();
    },
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      schema: op({
        summary: "A subscription's delivery log, newest first",
        tags,
        params: idParams,
        query: logQuery,
        responses: {
          200: z.object({ deliveries: z.array(delivery), nextCursor: z.number().nullable().describe('Pass as before for the next page; null: the last page') }),
          400: errorEnvelope.describe('The id or a query parameter is not valid (`invalid_request`)'),
          401: errorEnvelope,
          404: noSubscription,
        },
      }),
    },
    async (req) => {
      const { tenantId } = caller(req);
      const { id } = parse(idParams, req.params, 'invalid_request', 'webhook id');
      const q = parse(logQuery, req.query, 'invalid_request', 'query');
      const rows = await rt.writeBack.deliveryLog(tenantId, id, q);
      if (!rows) throw new HttpError(404, 'not_found', `Webhook ${id} does not exist`);
      const deliveries = rows.map(({ subscriptionId: _own, ...d }) => ({ ...d, eventId: String(d.eventId), nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt : null }));
      return { deliveries, nextCursor: rows.length === q.limit ? (rows.at(-1)?.id ?? null) : null };
    },
  );

  app.post(
    '/webhooks/:id/deliveries/:deliveryId/redeliver',
    {
      schema: op({
        summary: 'Send a delivery again now (same webhook-id)',
        tags,
        params: deliveryParams,
        responses: {
          202: z.object({ redelivered: z.literal(true) }).describe('Queued to be sent again now, with a fresh retry schedule'),
          400: errorEnvelope.describe('The id is not valid, or deliveryId is not a positive integer (`invalid_request`)'),
          404: errorEnvelope.describe('The organisation has no such subscription, or the subscription no such delivery (`not_found`)'),
          ...denied,
        },
      }),
    },
    async (req, reply) => {
      const c = requireAdmin(req);
      const p = parse(deliveryParams, req.params, 'invalid_request', 'delivery');
      if (!(await rt.writeBack.redeliver(c.tenantId, p.id, p.deliveryId))) throw new HttpError(404, 'not_found', `Delivery ${p.deliveryId} of webhook ${p.id} does not exist`);
      return reply.code(202).send({ redelivered: true });
    },
  );
}
