/**
 * What people and integrators do with the queue — ingest, retry, skip, delete, status — as library
 * functions that the HTTP API, the web UI and the CLI all call (thin shells).
 */
import type { Store } from '../db/store';
import type { Export, ListedExport } from '../domain/export';
import type { ExportStatus, IngestResult, RevisionConflict } from '../db/repositories/exports';
import { contentHash } from '../domain/content';
import { documentDate, documentReference, parseDocumentsRequest, type DocumentIssue, type SourceDocument } from '../domain/documents';
import type { Result } from '../domain/result';
import type { EventBus } from './events';

export type { Export, ExportStatus, ListedExport };

/**
 * The documents stored, or nothing stored: a document is invalid, or a revision was already received
 * with other content (the code is the API error it is answered with).
 */
export type IngestAnswer = Result<{ documents: IngestResult[] }, { code: 'invalid_document' | 'revision_conflict'; issues: DocumentIssue[]; conflicts?: RevisionConflict[] }>;

export interface StatusSummary {
  queued: number;
  waiting: number;
  exporting: number;
  failed: number;
  exported: number;
  skipped: number;
  paused: Array<{ tenantId: string; tenantName: string; until: string | null; reason: string; code: string | null }>;
  disconnected: Array<{ tenantId: string; tenantName: string }>;
}

export class QueueService {
  private readonly onChange: Array<() => void> = [];

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
  ) {}

  /** Called after anything that gives workers new work (wakes in-process workers). */
  onWork(listener: () => void): void {
    this.onChange.push(listener);
  }

  private changed(tenantId: string): Promise<void> {
    for (const l of this.onChange) l();
    return this.bus.emit('queue.changed', { tenantId });
  }

  async ingest(tenantId: string, body: unknown): Promise<IngestAnswer> {
    const parsed = parseDocumentsRequest(body);
    if (!parsed.ok) return { ok: false, code: 'invalid_document', issues: parsed.issues };
    return this.ingestParsed(tenantId, parsed.documents);
  }

  async ingestParsed(tenantId: string, docs: SourceDocument[]): Promise<IngestAnswer> {
    const rows = docs.map((d) => ({
      kind: d.kind,
      sourceId: d.sourceId,
      revision: d.revision ?? null,
      payload: JSON.stringify(d),
      contentHash: contentHash(d),
      reference: documentReference(d),
      docDate: documentDate(d),
      total: null,
    }));
    const out = await this.store.exports.ingest(tenantId, rows, { hashStored: hashStoredPayload });
    if (!out.ok) return { ok: false, code: 'revision_conflict', issues: out.conflicts.map(conflictIssue), conflicts: out.conflicts };
    const results = out.results;
    // A contact that arrives after its documents gave up waiting for it: they go back in the queue.
    const contactKeys = docs.flatMap((d) => (d.kind === 'customer' || d.kind === 'supplier' ? [`${d.kind}:${d.sourceId}`] : []));
    for (let i = 0; i < contactKeys.length; i += 500) await this.store.exports.requeueGaveUp(tenantId, contactKeys.slice(i, i + 500));
    const duplicates = results.filter((r) => r.duplicate).length;
    await this.bus.emit('documents.ingested', { tenantId, count: results.length, duplicates });
    if (duplicates < results.length) await this.changed(tenantId);
    return { ok: true, documents: results };
  }

  async status(tenantId: string | null): Promise<StatusSummary> {
    const counts = await this.store.exports.countByStatus(tenantId);
    const tenants = (await this.store.tenants.list()).filter((t) => !tenantId || t.id === tenantId);
    const now = new Date().toISOString();
    return {
      queued: counts.queued + counts.waiting + counts.exporting,
      waiting: counts.waiting,
      exporting: counts.exporting,
      failed: counts.failed,
      exported: counts.exported,
      skipped: counts.skipped,
      paused: tenants
        .filter((t) => t.pausedUntil && t.pausedUntil > now)
        .map((t) => ({
          tenantId: t.id,
          tenantName: t.name,
          until: t.pausedUntil?.startsWith('9999') ? null : t.pausedUntil,
          reason: t.pauseReason ?? '',
          code: t.pauseCode,
        })),
      disconnected: tenants.filter((t) => t.status === 'disconnected').map((t) => ({ tenantId: t.id, tenantName: t.name })),
    };
  }

  async retry(tenantId: string, ids: number[] | 'all-failed', actor: string, filter: { errorCode?: string } = {}): Promise<number[]> {
    const changed = await this.store.exports.retry(tenantId, ids, filter);
    if (changed.length > 0) {
      await this.bus.emit('export.action', { tenantId, exportIds: changed, action: 'retry', actor, references: await this.references(tenantId, changed) });
      await this.changed(tenantId);
    }
    return changed;
  }

  async skip(tenantId: string, id: number, actor: string): Promise<boolean> {
    const ref = await this.references(tenantId, [id]);
    const done = await this.store.exports.skip(tenantId, id);
    if (done) {
      await this.bus.emit('export.action', { tenantId, exportIds: [id], action: 'skip', actor, references: ref });
      await this.changed(tenantId);
    }
    return done;
  }

  async delete(tenantId: string, ids: number[] | 'all-failed', actor: string): Promise<number[]> {
    const refs = ids === 'all-failed' ? [] : await this.references(tenantId, ids);
    const deleted = await this.store.exports.delete(tenantId, ids);
    if (deleted.length > 0) {
      const references = ids === 'all-failed' ? deleted.map((d) => d.sourceId) : refs;
      await this.bus.emit('export.action', { tenantId, exportIds: deleted.map((d) => d.id), action: 'delete', actor, references });
      await this.changed(tenantId);
    }
    return deleted.map((d) => d.id);
  }

  async list(tenantId: string, status: ExportStatus[] | undefined, options: { limit?: number; beforeId?: number; kinds?: string[]; errorCode?: string; search?: string } = {}) {
    return this.store.exports.list({ tenantId, statuses: status, ...options });
  }

  /** One export of this organisation, or null. */
  get(tenantId: string, id: number): Promise<Export | null> {
    return this.store.exports.get(tenantId, id);
  }

  /** One export with its document's reference, date and total, as lists show it; null when not this organisation's. */
  async find(tenantId: string, id: number): Promise<ListedExport | null> {
    return this.store.exports.one(tenantId, id);
  }

  attempts(exportId: number) {
    return this.store.exports.attempts(exportId);
  }

  /** The stored payload of each document (for totals in lists). */
  documentPayloads(documentIds: number[]): Promise<Map<number, string>> {
    return this.store.exports.documentPayloads(documentIds);
  }

  /** Failed exports grouped by what went wrong. */
  failureGroups(tenantId: string) {
    return this.store.exports.failureGroups(tenantId);
  }

  failureCodes(tenantId: string): Promise<Array<{ code: string; n: number }>> {
    return this.store.exports.failureCodes(tenantId);
  }

  /** Exports by status over every organisation (metrics). */
  countByStatus(): Promise<Record<ExportStatus, number>> {
    return this.store.exports.countByStatus(null);
  }

  private async references(tenantId: string, ids: number[]): Promise<string[]> {
    return (await this.store.exports.byIds(tenantId, ids.slice(0, 200))).map((r) => r.reference);
  }
}

/** The content hash of a payload stored before hashes were recorded (it parses as it did when received). */
function hashStoredPayload(payload: string): string {
  const parsed = parseDocumentsRequest(JSON.parse(payload) as unknown);
  const doc = parsed.ok ? parsed.documents[0] : undefined;
  // A payload that no longer parses cannot equal a valid document: give it a hash nothing matches.
  return doc ? contentHash(doc) : `unparsable:${payload.length}`;
}

/** What a 409 says about one conflicting document. */
export function conflictIssue(c: RevisionConflict): DocumentIssue {
  return {
    index: c.index,
    sourceId: c.sourceId,
    kind: c.kind,
    path: 'revision',
    message:
      `revision ${c.revision} of ${c.kind} ${c.sourceId} was already received (at ${c.receivedAt}) with different content; ` +
      `send the change as revision ${c.nextRevision}, or leave revision out and xport numbers it`,
  };
}
