/**
 * The pull feed, GET /api/v1/events: the organisation's write-back events (the same the webhooks
 * deliver), oldest first after a durable cursor, kept as long as the Connection Log.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Runtime } from '../../app/runtime';
import { HttpError } from '../errors';
import { caller } from './auth';
import { apiContract, errorEnvelope, op } from './contract';

const feedQuery = z.object({
  after: z
    .string()
    .regex(/^\d{1,15}$/, 'must be a cursor this feed handed out as `next` (or 0 for the start)')
    .default('0')
    .describe('The `next` of the previous page; leave out to read from the oldest event kept'),
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe('Events per page (1–1000)'),
});
const feedEvent = z.object({ id: z.string().describe('The same id as webhook-id msg_<id>'), type: z.string(), timestamp: z.string(), data: z.record(z.string(), z.unknown()) });

export async function eventsRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  apiContract(app);
  app.get(
    '/events',
    {
      schema: op({
        summary: 'Write-back events after a cursor, oldest first (the pull feed)',
        description: 'Keep `next` and pass it as `after` to read on: each event is handed out once per cursor, in order, including events committed late by a slow transaction.',
        tags: ['webhooks'],
        query: feedQuery,
        responses: {
          200: z.object({ events: z.array(feedEvent), next: z.string().describe('Pass as after to read on; the same as after when there was nothing new') }),
          400: errorEnvelope.describe('after is not a cursor of this feed, or limit is not 1–1000 (`invalid_request`)'),
          401: errorEnvelope,
        },
      }),
    },
    async (req) => {
      const { tenantId } = caller(req);
      const q = feedQuery.safeParse(req.query);
      if (!q.success) throw new HttpError(400, 'invalid_request', `Invalid query: ${q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return rt.writeBack.feed(tenantId, Number(q.data.after), q.data.limit);
    },
  );
}
