/**
 * Liveness and readiness. `/healthz` answers 200 while the process serves requests, whatever the
 * database does (restarting xport would not bring the database back). `/readyz` answers 200 when a
 * trivial query returns within 2 s, 503 with the reason otherwise: load balancers send traffic only
 * to ready instances. Both also show the export workers' state (every process on the database).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Runtime } from '../app/runtime';
import { op } from './api/contract';
import { workerSchema } from './api/schemas';
import { localWorkerStates, workerStates } from './worker-states';

const READY_TIMEOUT_MS = 2_000;

const alive = z.object({ ok: z.literal(true) });
const ready = z.object({ ok: z.literal(true), database: z.string().describe('sqlite or postgres'), workers: z.array(workerSchema) });
const notReady = z
  .object({
    ok: z.literal(false),
    database: z.string(),
    reason: z.literal('database_unavailable'),
    fault: z.string().describe('What the database did: refused, timeout, …'),
    message: z.string(),
    workers: z.array(workerSchema),
  })
  .describe('The database did not answer within 2 s');

export function healthRoutes(app: FastifyInstance, rt: Runtime): void {
  app.get(
    '/healthz',
    { schema: op({ summary: 'Liveness: 200 while the process serves requests', tags: ['operations'], public: true, responses: { 200: alive } }) },
    async (): Promise<z.output<typeof alive>> => ({ ok: true }),
  );

  const readySchema = op({ summary: 'Readiness: 200 when the database answers', tags: ['operations'], public: true, responses: { 200: ready, 503: notReady } });
  app.get('/readyz', { schema: readySchema }, async (_req, reply) => {
    const db = await rt.system.ping(READY_TIMEOUT_MS);
    reply.header('cache-control', 'no-store');
    if (!db.ok) {
      const answer: z.output<typeof notReady> = { ok: false, database: rt.system.databaseName, reason: 'database_unavailable', fault: db.reason, message: db.message, workers: localWorkerStates(rt) };
      return reply.code(503).send(answer);
    }
    const answer: z.output<typeof ready> = { ok: true, database: rt.system.databaseName, workers: await workerStates(rt) };
    return answer;
  });
}
