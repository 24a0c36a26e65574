/**
 * A reconciliation run for one organisation (docs/reconciliation.md): read what Xero changed since
 * the last complete read, compare every exported document it returns with what xport exported,
 * store what Xero holds with the events it raises, then the mapped accounts' balances. Every Xero
 * call goes through the call gate and is taken from the run's budget, the configured share of the
 * organisation's daily calls less what reconciliation used in the last 24 hours.
 */
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { ReconciliationMarks } from '../../db/repositories/reconciliation-marks';
import { ReconciliationRepository, type ExportedDocument, type StoredXeroState } from '../../db/repositories/reconciliation';
import type { OutboxEvent } from '../../db/repositories/outbox';
import { ValuationsRepository } from '../../db/repositories/valuations';
import type { Store } from '../../db/store';
import { KINDS, ENDPOINTS } from '../../domain/registry';
import type { OrgSettings } from '../../domain/settings';
import type { DocumentKind, ReferenceData, XeroEndpoint } from '../../domain/types';
import type { XeroClient } from '../../xero/client';
import type { EventBus } from '../events';
import type { CallGate } from '../limiter';
import { balancesAt, exportedSums } from './balances';
import { organisationContext } from './context';
import { xeroStateOf, type DifferenceCode } from './differences';
import { observe } from './observe';
import { CallBudget, readChanged, readTrialBalance } from './xero-reads';

export interface ReconcileOptions {
  /** Share of the organisation's daily Xero calls reconciliation may use (XPORT_RECONCILE_BUDGET_SHARE). Default 0.1. */
  budgetShare: number;
  /** The organisation's daily Xero call limit (XPORT_XERO_DAILY_LIMIT). Default 5000. */
  dailyLimit: number;
  /** Records per list page. Default 1000 (Xero's largest). */
  pageSize: number;
  /** How far back of a run's start the next read begins (clock skew, changes during the run). Default 5 minutes. */
  overlapMs: number;
}

export const DEFAULT_RECONCILE_OPTIONS: ReconcileOptions = { budgetShare: 0.1, dailyLimit: 5000, pageSize: 1000, overlapMs: 5 * 60_000 };

export interface ReconcileDeps {
  store: Store;
  xero: XeroClient;
  gate: CallGate;
  logger: Logger;
  /** Where the run's outcome goes (the Connection Log listens). */
  bus: EventBus;
}

export interface RunSummary {
  runId: number;
  outcome: 'complete' | 'partial' | 'failed';
  message: string | null;
  calls: number;
  budget: number;
  checked: number;
  newDifferences: Array<{ exportId: number; kind: string; sourceId: string; reference: string; issue: DifferenceCode }>;
  paid: number;
}

/** Raised by `run` when another run of the same organisation holds the lease. */
export class ReconciliationBusyError extends Error {}

const LEASE_MS = 30 * 60_000;

export class Reconciler {
  readonly repo: ReconciliationRepository;
  readonly valuations: ValuationsRepository;
  readonly marks: ReconciliationMarks;
  readonly options: ReconcileOptions;
  private readonly owner = `reconcile-${crypto.randomUUID().slice(0, 8)}`;

  constructor(
    private readonly d: ReconcileDeps,
    options: Partial<ReconcileOptions> = {},
  ) {
    this.repo = new ReconciliationRepository(d.store.db);
    this.valuations = new ValuationsRepository(d.store.db);
    this.marks = new ReconciliationMarks(d.store.db);
    this.options = { ...DEFAULT_RECONCILE_OPTIONS, ...options };
  }

  /** The day's budget of calls and what is left of it. */
  async budget(tenantId: string, now = new Date()): Promise<{ share: number; perDay: number; used: number; left: number }> {
    // Rounded first: 0.0006 × 5000 is 2.9999999999999996 in floating point.
    const perDay = Math.floor(Number((this.options.budgetShare * this.options.dailyLimit).toFixed(6)));
    const used = await this.repo.callsSince(tenantId, new Date(now.getTime() - 86_400_000));
    return { share: this.options.budgetShare, perDay, used, left: Math.max(0, perDay - used) };
  }

  /** Runs now, under the organisation's lease (one run at a time across processes). */
  async run(tenantId: string, trigger: string): Promise<RunSummary> {
    const summary = await this.underLease(tenantId, () => this.runHeld(tenantId, trigger));
    if (summary === null) throw new ReconciliationBusyError('A reconciliation of this organisation is already running');
    return summary;
  }

  /**
   * Runs when no run started in the last `everyMs` (the schedule), deciding under the lease, so that
   * a process that looked while another ran does not run again; null when not due or busy.
   */
  async runIfDue(tenantId: string, everyMs: number, now = new Date()): Promise<RunSummary | null> {
    const due = async (): Promise<boolean> => {
      const [last] = await this.repo.runs(tenantId, 1);
      return !last || now.getTime() - Date.parse(last.startedAt) >= everyMs;
    };
    if (!(await due())) return null;
    return this.underLease(tenantId, async () => ((await due()) ? this.runHeld(tenantId, 'schedule') : null));
  }

  private async underLease<T>(tenantId: string, fn: () => Promise<T>): Promise<T | null> {
    const lease = `reconciliation.lease:${tenantId}`;
    if (!(await this.marks.tryLease(lease, this.owner, LEASE_MS))) return null;
    try {
      return await fn();
    } finally {
      await this.marks.releaseLease(lease, this.owner);
    }
  }

  private async runHeld(tenantId: string, trigger: string): Promise<RunSummary> {
    const started = new Date();
    // Under the lease no other run of this organisation is going on: one still marked running was left by
    // a process that stopped mid-run.
    const interrupted = await this.repo.interruptRuns(tenantId, started);
    if (interrupted.length > 0) this.d.logger.warn({ tenantId, runs: interrupted }, 'reconciliation runs left running by a process that stopped are marked interrupted');
    const { left, perDay } = await this.budget(tenantId, started);
    const budget = new CallBudget(left);
    const runId = await this.repo.startRun(tenantId, trigger, perDay, started);
    const summary: RunSummary = { runId, outcome: 'complete', message: null, calls: 0, budget: perDay, checked: 0, newDifferences: [], paid: 0 };
    try {
      const ctx = await organisationContext(this.d.store, tenantId);
      const docs = await this.repo.exported(tenantId);
      const states = await this.repo.states(tenantId);
      const byEndpoint = new Map<XeroEndpoint, ExportedDocument[]>();
      for (const doc of docs) {
        const endpoint = KINDS[doc.kind as DocumentKind].endpoint;
        const list = byEndpoint.get(endpoint) ?? [];
        if (list.length === 0) byEndpoint.set(endpoint, list);
        list.push(doc);
      }
      const problems: string[] = [];
      for (const [endpoint, list] of byEndpoint) {
        const problem = await this.reconcileEndpoint(tenantId, endpoint, list, states, { ...ctx, budget, started, summary });
        if (problem) problems.push(problem);
      }
      const balanceProblem = await this.recordBalances(tenantId, runId, docs, ctx, budget, started);
      if (balanceProblem) problems.push(balanceProblem);
      if (problems.length > 0) Object.assign(summary, { outcome: 'partial', message: problems.join('; ') });
    } catch (err) {
      this.d.logger.error({ err, tenantId }, 'reconciliation failed');
      Object.assign(summary, { outcome: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
    summary.calls = budget.calls;
    await this.repo.finishRun(runId, { ...summary, newDifferences: summary.newDifferences.length });
    const { outcome, message, calls, checked, paid } = summary;
    this.d.logger.info({ tenantId, trigger, outcome, message, calls, checked, newDifferences: summary.newDifferences.length, paid }, 'reconciliation run finished');
    await this.d.bus.emit('reconciliation.finished', { tenantId, trigger, outcome, message, calls, checked, paid, newDifferences: summary.newDifferences });
    return summary;
  }

  /** Reads one endpoint's changes and records what they show; returns why the read is incomplete, if it is. */
  private async reconcileEndpoint(
    tenantId: string,
    endpoint: XeroEndpoint,
    docs: ExportedDocument[],
    states: Map<number, StoredXeroState>,
    c: { settings: OrgSettings; shortCode: string | null; budget: CallBudget; started: Date; summary: RunSummary },
  ): Promise<string | null> {
    // An unfinished read goes on where it stopped; otherwise a new one starts from the last complete read.
    const cursor = await this.marks.cursor(tenantId, endpoint);
    const since = cursor ? (cursor.since === null ? null : new Date(cursor.since)) : await this.marks.watermark(tenantId, endpoint);
    const readStarted = cursor ? new Date(cursor.startedAt) : c.started;
    const fromPage = cursor?.page ?? 1;
    const read = await readChanged(this.d, tenantId, endpoint, { since, pageSize: this.options.pageSize, budget: c.budget, fromPage });
    const idField = ENDPOINTS[endpoint].idField;
    const seen = new Map(read.records.map((r) => [String(r[idField] ?? '').toLowerCase(), r]));
    const newStates: StoredXeroState[] = [];
    const events: OutboxEvent[] = [];
    for (const doc of docs) {
      const record = seen.get(doc.xeroId.toLowerCase());
      // Absent from a whole list read in one go: gone from Xero. Absent from a read of changes (or of part of the list): unchanged.
      if (!record && !(read.complete && since === null && fromPage === 1)) continue;
      const configuredStatus = (c.settings.xeroStatus as Record<string, string | undefined>)[doc.kind] ?? null;
      const o = observe(tenantId, doc, states.get(doc.exportId) ?? null, record ? xeroStateOf(record, idField) : 'missing', { configuredStatus, shortCode: c.shortCode, now: new Date() });
      newStates.push(o.state);
      events.push(...o.events);
      c.summary.checked += 1;
      c.summary.newDifferences.push(...o.newDifferences.map((issue) => ({ exportId: doc.exportId, kind: doc.kind, sourceId: doc.sourceId, reference: doc.reference, issue })));
      c.summary.paid += o.events.filter((e) => e.type === 'document.paid').length;
    }
    await this.repo.record(tenantId, newStates, events);
    if (!read.complete) {
      await this.marks.setCursor(tenantId, endpoint, { since: since?.toISOString() ?? null, page: read.nextPage, startedAt: readStarted.toISOString() });
      return `${endpoint}: ${read.reason}`;
    }
    await this.marks.setWatermark(tenantId, endpoint, new Date(readStarted.getTime() - this.options.overlapMs));
    await this.marks.setCursor(tenantId, endpoint, null);
    return null;
  }

  private async recordBalances(
    tenantId: string,
    runId: number,
    docs: ExportedDocument[],
    ctx: { settings: OrgSettings; reference: ReferenceData },
    budget: CallBudget,
    now: Date,
  ): Promise<string | null> {
    const asOf = now.toISOString().slice(0, 10);
    const tb = await readTrialBalance(this.d, tenantId, asOf, budget);
    const codes = Object.values(ctx.settings.accounts);
    const valuations = await this.valuations.latestOnOrBefore(tenantId, [...codes, ...Object.keys(ctx.settings.accounts)], asOf);
    const sums = exportedSums(docs, ctx.settings, ctx.reference, asOf);
    await this.valuations.addBalances(tenantId, balancesAt({ runId, asOf, settings: ctx.settings, xero: 'balances' in tb ? tb.balances : null, sums, valuations }));
    return 'reason' in tb ? `trial balance: ${tb.reason}` : null;
  }
}
