/**
 * Engine events as operator log lines: one per Xero call batch (endpoint, elements, status,
 * duration, the limits Xero said are left), pauses and lost connections as warnings, failures
 * with their code. The Connection Log in the database is the bookkeeper's view; this is the
 * operator's, on stdout.
 */
import type { Logger } from 'pino';
import type { EventBus } from '../engine/events';

function limitsLeft(limits: unknown): Record<string, number | null> | undefined {
  if (!limits || typeof limits !== 'object') return undefined;
  const l = limits as { dayRemaining?: number | null; minuteRemaining?: number | null; appMinuteRemaining?: number | null };
  return { day: l.dayRemaining ?? null, minute: l.minuteRemaining ?? null, appMinute: l.appMinuteRemaining ?? null };
}

export function attachOperatorLog(bus: EventBus, logger: Logger): () => void {
  const offs = [
    bus.on('batch.sent', (e) => {
      const ok = e.httpStatus !== null && e.httpStatus < 400;
      logger[ok ? 'info' : 'warn'](
        {
          tenant: e.tenantId,
          endpoint: e.endpoint,
          elements: e.size,
          status: e.httpStatus ?? 'no answer',
          durationMs: Math.round(e.durationMs),
          limitsLeft: limitsLeft(e.limits),
          correlationId: e.correlationId ?? undefined,
        },
        'xero batch',
      );
    }),
    bus.on('tenant.paused', (e) => logger.warn({ tenant: e.tenantId, until: e.until, code: e.code, reason: e.reason }, 'exports paused')),
    bus.on('tenant.resumed', (e) => logger.warn({ tenant: e.tenantId, reason: e.reason }, 'exports resumed')),
    bus.on('export.failed', (e) =>
      logger.warn(
        { tenant: e.tenantId, exportId: e.exportId, kind: e.kind, reference: e.reference, code: e.code, errorClass: e.errorClass, httpStatus: e.httpStatus ?? undefined, message: e.message },
        'export failed',
      ),
    ),
    bus.on('export.retry_scheduled', (e) => logger.info({ tenant: e.tenantId, exportId: e.exportId, code: e.code, attempts: e.attempts, at: e.at }, 'export retry scheduled')),
    bus.on('export.exported', (e) =>
      logger.debug({ tenant: e.tenantId, exportId: e.exportId, kind: e.kind, reference: e.reference, xeroId: e.xeroId, reconciled: e.reconciled ?? false }, 'export done'),
    ),
    bus.on('documents.ingested', (e) => logger.debug({ tenant: e.tenantId, count: e.count, duplicates: e.duplicates }, 'documents queued')),
    bus.on('reference.failed', (e) => logger.warn({ tenant: e.tenantId, message: e.message }, 'reference data could not be read')),
    bus.on('connection.lost', (e) => logger.warn({ tenant: e.tenantId, code: e.code, reason: e.reason }, 'xero connection lost')),
    bus.on('connection.restored', (e) => logger.warn({ tenant: e.tenantId, released: e.released }, 'xero connection restored')),
  ];
  return () => offs.forEach((off) => off());
}
