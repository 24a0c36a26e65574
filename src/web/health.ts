/**
 * Liveness and readiness. `/healthz` answers 200 while the process serves requests, whatever the
 * database does (restarting xport would not bring the database back). `/readyz` answers 200 when a
 * trivial query returns within 2 s, 503 with the reason otherwise: load balancers send traffic only
 * to ready instances. Both also show the export workers' state (every process on the database).
 */
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../app/runtime';
import { databaseFault } from '../db/faults';
import type { Empty, Result } from '../domain/result';
import { localWorkerStates, workerStates } from './worker-states';

const READY_TIMEOUT_MS = 2_000;

async function databaseAnswers(rt: Runtime): Promise<Result<Empty, { reason: string; message: string }>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_r, reject) => { timer = setTimeout(() => reject(Object.assign(new Error(`no answer in ${READY_TIMEOUT_MS} ms`), { code: 'ETIMEDOUT' })), READY_TIMEOUT_MS); });
  try {
    await Promise.race([sql`select 1`.execute(rt.store.db), timeout]);
    return { ok: true };
  } catch (err) {
    const fault = databaseFault(err);
    return { ok: false, reason: fault?.kind ?? 'error', message: fault?.message ?? (err instanceof Error ? err.message : String(err)) };
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(app: FastifyInstance, rt: Runtime): void {
  app.get('/healthz', async () => ({ ok: true }));

  app.get('/readyz', async (_req, reply) => {
    const db = await databaseAnswers(rt);
    reply.header('cache-control', 'no-store');
    if (!db.ok) {
      return reply.code(503).send({ ok: false, database: rt.store.adapter.name, reason: 'database_unavailable', fault: db.reason, message: db.message, workers: localWorkerStates(rt) });
    }
    return { ok: true, database: rt.store.adapter.name, workers: await workerStates(rt) };
  });
}
