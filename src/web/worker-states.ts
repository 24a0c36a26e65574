/**
 * Every export worker's state for the status API, /readyz and metrics: this process's workers as
 * they are now, the others (other `xport worker` processes on the same database) as they last
 * reported in worker_heartbeats. A worker silent for longer than STALE_MS is shown as `gone`.
 */
import type { Runtime } from '../app/runtime';

export const STALE_MS = 60_000;

export interface WorkerStateView {
  id: string;
  host: string;
  pid: number;
  state: 'running' | 'failing' | 'stopped' | 'gone';
  local: boolean;
  lastRoundAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  consecutiveFailures: number;
  updatedAt: string;
}

const isoOrNull = (d: Date | null): string | null => (d ? d.toISOString() : null);

function localStates(rt: Runtime): WorkerStateView[] {
  const now = new Date().toISOString();
  return rt.workers.map((w) => {
    const s = w.state();
    return {
      id: s.workerId,
      host: 'this process',
      pid: process.pid,
      state: w.isRunning() ? s.state : 'stopped',
      local: true,
      lastRoundAt: isoOrNull(s.lastRoundAt),
      lastSuccessAt: isoOrNull(s.lastSuccessAt),
      lastError: s.lastError,
      lastErrorAt: isoOrNull(s.lastErrorAt),
      consecutiveFailures: s.consecutiveFailures,
      updatedAt: now,
    };
  });
}

/** Local workers first; the database's rows for the rest. Throws when the database is down (callers decide). */
export async function workerStates(rt: Runtime, now = new Date()): Promise<WorkerStateView[]> {
  const local = localStates(rt);
  const mine = new Set(local.map((w) => w.id));
  const rows = await rt.system.workerHeartbeats();
  // Workers silent for ten minutes are history (a restarted process has a new id): left out.
  const recent = rows.filter((r) => !mine.has(r.workerId) && now.getTime() - Date.parse(r.updatedAt) < 10 * 60_000);
  const others = recent.map((r): WorkerStateView => ({
    id: r.workerId,
    host: r.host,
    pid: r.pid,
    local: false,
    state: r.state !== 'stopped' && now.getTime() - Date.parse(r.updatedAt) > STALE_MS ? 'gone' : r.state,
    lastRoundAt: r.lastRoundAt,
    lastSuccessAt: r.lastSuccessAt,
    lastError: r.lastError,
    lastErrorAt: r.lastErrorAt,
    consecutiveFailures: r.consecutiveFailures,
    updatedAt: r.updatedAt,
  }));
  return [...local, ...others];
}

/** This process's workers only: what can be shown when the database does not answer. */
export function localWorkerStates(rt: Runtime): WorkerStateView[] {
  return localStates(rt);
}
