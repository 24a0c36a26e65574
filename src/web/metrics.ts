/**
 * Prometheus metrics: queue depth by status (read at scrape time), exports and failures counted,
 * Xero calls and the limits Xero says remain, per organisation. A subscriber of the event bus.
 */
import client from 'prom-client';
import type { Runtime } from '../app/runtime';
import { localWorkerStates, workerStates, type WorkerStateView } from './worker-states';

export interface Metrics {
  registry: client.Registry;
}

export function createMetrics(rt: Runtime): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const depth = new client.Gauge({
    name: 'xport_queue_depth',
    help: 'Exports by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const counts = await rt.queue.countByStatus();
      for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
    },
  });
  void depth;
  workerGauges(rt, registry);
  const exported = new client.Counter({ name: 'xport_exports_total', help: 'Exports completed', labelNames: ['tenant', 'kind'], registers: [registry] });
  const failed = new client.Counter({ name: 'xport_export_failures_total', help: 'Exports failed', labelNames: ['tenant', 'kind', 'code'], registers: [registry] });
  const calls = new client.Counter({ name: 'xport_xero_calls_total', help: 'Xero API calls', labelNames: ['tenant', 'endpoint', 'status'], registers: [registry] });
  const remaining = new client.Gauge({ name: 'xport_xero_limit_remaining', help: 'Xero limits remaining as last reported', labelNames: ['tenant', 'limit'], registers: [registry] });
  rt.bus.on('export.exported', (e) => exported.inc({ tenant: e.tenantId, kind: e.kind }));
  rt.bus.on('export.failed', (e) => failed.inc({ tenant: e.tenantId, kind: e.kind, code: e.code }));
  rt.bus.on('batch.sent', (e) => {
    calls.inc({ tenant: e.tenantId, endpoint: e.endpoint, status: String(e.httpStatus ?? 'none') });
    const l = e.limits as { dayRemaining?: number | null; minuteRemaining?: number | null; appMinuteRemaining?: number | null } | null;
    if (l?.dayRemaining != null) remaining.set({ tenant: e.tenantId, limit: 'day' }, l.dayRemaining);
    if (l?.minuteRemaining != null) remaining.set({ tenant: e.tenantId, limit: 'minute' }, l.minuteRemaining);
    if (l?.appMinuteRemaining != null) remaining.set({ tenant: e.tenantId, limit: 'app_minute' }, l.appMinuteRemaining);
  });
  return { registry };
}

/**
 * Each export worker's state (this process's and, through worker_heartbeats, every other process's on
 * the database): 1 for its current state, its consecutive failed rounds and the time of its last round.
 */
function workerGauges(rt: Runtime, registry: client.Registry): void {
  // The three gauges are collected together: one read of the states per scrape.
  let pending: { at: number; states: Promise<WorkerStateView[]> } | null = null;
  const read = (): Promise<WorkerStateView[]> => {
    if (!pending || Date.now() - pending.at > 1000) pending = { at: Date.now(), states: workerStates(rt).catch(() => localWorkerStates(rt)) };
    return pending.states;
  };
  new client.Gauge({
    name: 'xport_worker_state',
    help: 'Export workers by state (running, failing, stopped, gone): 1 for the current one',
    labelNames: ['worker', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const w of await read()) for (const st of ['running', 'failing', 'stopped', 'gone']) this.set({ worker: w.id, state: st }, w.state === st ? 1 : 0);
    },
  });
  new client.Gauge({
    name: 'xport_worker_consecutive_failures',
    help: 'Failed export rounds in a row, per worker',
    labelNames: ['worker'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const w of await read()) this.set({ worker: w.id }, w.consecutiveFailures);
    },
  });
  new client.Gauge({
    name: 'xport_worker_last_round_seconds',
    help: 'Unix time of the last export round, per worker',
    labelNames: ['worker'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const w of await read()) if (w.lastRoundAt) this.set({ worker: w.id }, Date.parse(w.lastRoundAt) / 1000);
    },
  });
}
