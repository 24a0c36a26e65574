/**
 * The one writer of the Connection Log: a subscriber that turns events (the engine's, and what
 * people did: src/engine/events.ts) into entries. Nothing else calls the log repository's append
 * (test/architecture/layers.test.ts holds that). Details are built from known fields only (never headers or
 * bodies wholesale), so no token can reach the log.
 *
 * Entries are written in batches: an event queues its entry and the queue is written with one
 * INSERT, so the export path never waits for a log write. What a person did (and pauses, connection
 * events) is written as soon as the engine yields (setImmediate) and awaited by the action. The
 * high-volume export entries are written at most once per `coalesceMs` (100 ms; at once after a quiet
 * spell, or when 1,000 are queued): under load that is one transaction for many batches, and on SQLite
 * one new segment of each day's full-text index instead of one per batch (the commit and the segment
 * were most of a log write's cost). `flush()` (on close) writes what is queued and waits for the writes
 * already under way, so a clean shutdown loses no entry. The log is a record for people, not the export
 * state: a process killed in between loses at most the entries of the last tenth of a second, never an
 * export's status (the exports table is the source of truth).
 */
import type { ConnectionLogRepository, LogEntryInput } from '../db/repositories/connection-log';
import type { EventBus } from './events';
import { attachActionEntries } from './connection-log-actions';
import { describeMovedDate } from '../domain/lock-dates';
import { plural } from '../domain/words';
import { DIFFERENCES, type DifferenceCode } from './reconciliation/differences';

/** Export entries queued beyond this are written at once, whatever `coalesceMs` says. */
const MAX_QUEUED = 1_000;

/** Queues entries and writes them together; `flush()` writes what is queued now. */
export class BatchedLogWriter {
  private queue: LogEntryInput[] = [];
  /** The next write: settles once it is done; `fire` starts it (early, when something cannot wait). */
  private scheduled: { done: Promise<void>; resolve: () => void; fire: () => void; timer: NodeJS.Timeout | null; soon: boolean } | null = null;
  private writing: Promise<void> = Promise.resolve();
  private lastWrite = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly log: ConnectionLogRepository,
    private readonly onError: (err: unknown) => void,
    private readonly coalesceMs = 100,
  ) {}

  /**
   * Queues the entries; the promise settles once they are written (awaited only where it matters).
   * `urgent` entries are written as soon as the engine yields; others may wait up to `coalesceMs`.
   */
  append(entries: LogEntryInput[], urgent = false): Promise<void> {
    // The time of the event, not of the write.
    const at = new Date();
    for (const e of entries) this.queue.push({ ...e, at: e.at ?? at });
    const s = (this.scheduled ??= this.schedule());
    const wait = this.lastWrite + this.coalesceMs - performance.now();
    if (urgent || wait <= 0 || this.queue.length >= MAX_QUEUED) {
      if (!s.soon) {
        s.soon = true;
        if (s.timer) clearTimeout(s.timer);
        setImmediate(s.fire);
      }
    } else if (!s.soon && !s.timer) {
      s.timer = setTimeout(s.fire, wait);
    }
    return s.done;
  }

  private schedule(): NonNullable<BatchedLogWriter['scheduled']> {
    let resolve = (): void => {};
    const done = new Promise<void>((r) => (resolve = r));
    // A timer or immediate that fires after a flush() already took these entries does nothing.
    const s = { done, resolve, timer: null, soon: false, fire: () => void (this.scheduled === s && this.flush()) };
    return s;
  }

  /** Writes what is queued; resolves once it and every write started before it are done. */
  flush(): Promise<void> {
    const s = this.scheduled;
    if (s?.timer) clearTimeout(s.timer);
    this.scheduled = null;
    this.lastWrite = performance.now();
    const batch = this.queue;
    this.queue = [];
    // One write at a time, in order: a flush on close cannot finish before a write already under way.
    this.writing = this.writing.then(() => this.write(batch));
    if (s) void this.writing.then(s.resolve);
    return this.writing;
  }

  private async write(batch: LogEntryInput[]): Promise<void> {
    for (let i = 0; i < batch.length; i += 500) {
      await this.log.append(batch.slice(i, i + 500)).catch(this.onError);
    }
  }
}

/** Returns a function that writes the entries still queued (call it before closing the store). */
export function attachConnectionLog(
  bus: EventBus,
  repository: ConnectionLogRepository,
  onError: (err: unknown) => void = (err) => console.error('writing the connection log failed', err),
): () => Promise<void> {
  const writer = new BatchedLogWriter(repository, onError);
  // High-volume export events are not awaited, so a batch's entries share one INSERT and the export path
  // does not wait for the database. What a person did, pauses and connection events are awaited: they are
  // on record before the action answers.
  const log = { append: (entries: LogEntryInput[]): void => void writer.append(entries) };
  const durable = { append: (entries: LogEntryInput[]): Promise<void> => writer.append(entries, true) };
  bus.on('export.exported', (e) =>
    log.append([
      {
        tenantId: e.tenantId,
        level: 'info',
        event: 'export.exported',
        exportId: e.exportId,
        documentRef: e.reference,
        message: e.reconciled ? `${e.reference} was found already in Xero; marked exported without sending it again` : `${e.reference} exported to Xero`,
        details: { kind: e.kind, xeroId: e.xeroId, durationMs: e.durationMs, correlationId: e.correlationId, limits: e.limits },
      },
    ]),
  );
  bus.on('export.failed', (e) =>
    log.append([
      {
        tenantId: e.tenantId,
        level: 'error',
        event: 'export.failed',
        exportId: e.exportId,
        documentRef: e.reference,
        message: `${e.reference}: ${e.message}`,
        details: { kind: e.kind, code: e.code, class: e.errorClass, action: e.action, correlationId: e.correlationId, httpStatus: e.httpStatus },
      },
    ]),
  );
  bus.on('export.retry_scheduled', (e) =>
    log.append([
      {
        tenantId: e.tenantId,
        level: 'error',
        event: 'export.retry',
        exportId: e.exportId,
        documentRef: e.reference,
        message: `${e.reference}: ${e.message}; retrying at ${e.at} (attempt ${e.attempts})`,
        details: { code: e.code, at: e.at },
      },
    ]),
  );
  bus.on('export.waiting', (e) =>
    log.append([
      {
        tenantId: e.tenantId,
        level: 'info',
        event: 'export.waiting',
        exportId: e.exportId,
        documentRef: e.reference,
        message: `${e.reference}: ${e.reason}`,
      },
    ]),
  );
  bus.on('export.redated', (e) =>
    log.append([
      {
        tenantId: e.tenantId,
        level: 'info',
        event: 'export.redated',
        exportId: e.exportId,
        documentRef: e.reference,
        message: `${e.reference}: ${describeMovedDate(e.moved)}`,
        details: { ...e.moved },
      },
    ]),
  );
  bus.on('export.lines_dropped', (e) =>
    log.append([
      {
        tenantId: e.tenantId,
        level: 'info',
        event: 'export.lines_dropped',
        exportId: e.exportId,
        documentRef: e.reference,
        message: `${e.reference}: ${plural(e.lines.length, 'line')} under 0.005 dropped by the rounding policy (${e.lines.map((l) => `line ${l.line + 1}: ${l.reason}`).join('; ')})`,
      },
    ]),
  );
  bus.on('export.action', (e) =>
    durable.append([
      {
        tenantId: e.tenantId,
        level: 'info',
        event: `export.${e.action}`,
        actor: e.actor,
        exportId: e.exportIds.length === 1 ? (e.exportIds[0] ?? null) : null,
        documentRef: e.references.length === 1 ? (e.references[0] ?? null) : null,
        message: `${e.actor} chose ${e.action === 'retry' ? 'Export' : e.action === 'skip' ? 'Skip' : 'Delete'} for ${e.references.length === 1 ? e.references[0] : `${e.references.length} failed exports`}`,
        details: { exportIds: e.exportIds.slice(0, 200) },
      },
    ]),
  );
  bus.on('tenant.paused', (e) =>
    durable.append([
      {
        tenantId: e.tenantId,
        level: 'error',
        event: 'tenant.paused',
        message: `Exports paused${e.until ? ` until ${e.until}` : ''}: ${e.reason}`,
        details: { code: e.code, until: e.until },
      },
    ]),
  );
  bus.on('tenant.resumed', (e) => durable.append([{ tenantId: e.tenantId, level: 'info', event: 'tenant.resumed', message: `Exports resumed: ${e.reason}` }]));
  // A run, then each new difference as an entry of its document (so a search for the document finds it).
  bus.on('reconciliation.finished', (e) =>
    durable.append([
      {
        tenantId: e.tenantId,
        level: e.outcome === 'complete' ? 'info' : 'error',
        event: 'reconciliation.run',
        message: `Reconciliation with Xero (${e.trigger}): ${plural(e.checked, 'document')} read back, ${plural(e.newDifferences.length, 'new difference')}, ${plural(e.paid, 'payment change')}, ${plural(e.calls, 'Xero call')}${e.outcome === 'complete' ? '' : ` — ${e.outcome}: ${e.message ?? 'stopped'}`}`,
        details: { trigger: e.trigger, outcome: e.outcome, calls: e.calls, checked: e.checked, paid: e.paid, newDifferences: e.newDifferences.length },
      },
      ...e.newDifferences.slice(0, 200).map((d) => {
        const known = d.issue in DIFFERENCES ? DIFFERENCES[d.issue as DifferenceCode] : null;
        return {
          tenantId: e.tenantId,
          level: 'error' as const,
          event: 'reconciliation.difference',
          exportId: d.exportId,
          documentRef: d.reference,
          message: `${d.reference}: ${known ? `${known.title}. ${known.cause}` : d.issue} See Reconciliation for what to do.`,
          details: { kind: d.kind, sourceId: d.sourceId, issue: d.issue },
        };
      }),
    ]),
  );
  bus.on('batch.sent', (e) =>
    log.append([
      {
        tenantId: e.tenantId,
        level: e.httpStatus !== null && e.httpStatus < 400 ? 'info' : 'error',
        event: 'xero.call',
        message: `${e.endpoint}: ${plural(e.size, 'element')} sent, HTTP ${e.httpStatus ?? 'no response'} in ${e.durationMs} ms`,
        details: { endpoint: e.endpoint, size: e.size, httpStatus: e.httpStatus, durationMs: e.durationMs, correlationId: e.correlationId, limits: e.limits, idempotencyKey: e.idempotencyKey },
      },
    ]),
  );
  bus.on('documents.ingested', (e) =>
    durable.append([
      {
        tenantId: e.tenantId,
        level: 'info',
        event: 'documents.ingested',
        message: `${plural(e.count, 'document')} received (${e.duplicates} already known)`,
      },
    ]),
  );
  bus.on('reference.refreshed', (e) =>
    durable.append([
      {
        tenantId: e.tenantId,
        level: 'info',
        event: 'reference.refreshed',
        message: `Reference data read from Xero: ${Object.entries(e.counts)
          .map(([k, n]) => `${n} ${k}`)
          .join(', ')}`,
      },
    ]),
  );
  bus.on('reference.lock_dates', (e) =>
    durable.append([
      {
        tenantId: e.tenantId,
        level: 'info',
        event: 'reference.lock_dates',
        message: `Xero refused a document for a lock date, so its lock dates were read again: period lock date ${e.periodLockDate ?? 'none'}, end-of-year lock date ${e.endOfYearLockDate ?? 'none'}`,
      },
    ]),
  );
  bus.on('reference.failed', (e) => durable.append([{ tenantId: e.tenantId, level: 'error', event: 'reference.failed', message: `Reading reference data from Xero failed: ${e.message}` }]));
  bus.on('export.wait_repaired', (e) =>
    durable.append([
      {
        tenantId: e.tenantId,
        level: 'info',
        event: 'export.wait_repaired',
        documentRef: e.sourceId,
        at: e.at,
        exportId: e.exportIds.length === 1 ? (e.exportIds[0] ?? null) : null,
        message: `released ${plural(e.exportIds.length, 'document')} waiting for ${e.sourceId}, which was already in Xero`,
        details: { contactKind: e.contactKind, linkRecorded: e.linkRecorded, exportIds: e.exportIds.slice(0, 200) },
      },
    ]),
  );
  attachActionEntries(bus, durable.append);
  return () => writer.flush();
}
