/**
 * Liveness and readiness. `/healthz` answers 200 while the process serves requests, whatever the
 * database does (restarting xport would not bring the database back). `/readyz` answers 200 when a
 * trivial query returns within 2 s, 503 with the reason otherwise: load balancers send traffic only
 * to ready instances. Both also show the export workers' state (every process on the database).
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../app/runtime';
import { localWorkerStates, workerStates } from './worker-states';

const READY_TIMEOUT_MS = 2_000;

export function healthRoutes(app: FastifyInstance, rt: Runtime): void {
  app.get('/healthz', async () => ({ ok: true }));

  app.get('/readyz', async (_req, reply) => {
    const db = await rt.system.ping(READY_TIMEOUT_MS);
    reply.header('cache-control', 'no-store');
    if (!db.ok) {
      return reply.code(503).send({ ok: false, database: rt.system.databaseName, reason: 'database_unavailable', fault: db.reason, message: db.message, workers: localWorkerStates(rt) });
    }
    return { ok: true, database: rt.system.databaseName, workers: await workerStates(rt) };
  });
}
