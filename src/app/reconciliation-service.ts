/**
 * Reconciliation for the API, the page and the CLI: run it now, the differences Xero holds with their
 * causes and actions, the budget, the account balances over time, the source system's valuations, and
 * one document as xport and Xero hold it (GET /api/v1/documents/{kind}/{sourceId}).
 */
import Decimal from 'decimal.js';
import type { ExportedDocument, RunRow, StoredXeroState } from '../db/repositories/reconciliation';
import { DocumentLookupRepository } from '../db/repositories/document-lookup';
import type { AccountBalance, Valuation } from '../db/repositories/valuations';
import type { Store } from '../db/store';
import { ACCOUNT_ROLES } from '../domain/documents';
import { xeroUrl } from '../domain/xero-links';
import { touches } from '../engine/reconciliation/balances';
import { organisationContext } from '../engine/reconciliation/context';
import { ACTIONS, DIFFERENCES, type DifferenceCode } from '../engine/reconciliation/differences';
import type { Reconciler, RunSummary } from '../engine/reconciliation/run';

export type { RunRow };

export interface ReportedDifference {
  kind: string;
  sourceId: string;
  exportId: number;
  revision: number;
  reference: string;
  issue: DifferenceCode;
  title: string;
  cause: string;
  actions: Array<{ code: string; label: string }>;
  since: string | null;
  xeroUrl: string | null;
  xport: { date: string | null; total: string | null; contactId: string | null; xeroNumber: string | null };
  xero: {
    status: string | null;
    date: string | null;
    total: string | null;
    contactId: string | null;
    amountPaid: string | null;
    amountDue: string | null;
    fullyPaidOn: string | null;
    checkedAt: string;
  };
}

export interface BalanceView extends AccountBalance {
  /** Xero's figure less xport's (null when Xero's could not be read). */
  variance: string | null;
  /** The source's figure less Xero's. */
  sourceVariance: string | null;
  /** Documents with differences that post to this account. */
  explainedBy: Array<{ kind: string; sourceId: string; issue: string }>;
}

export class ReconciliationService {
  private readonly lookup: DocumentLookupRepository;

  constructor(
    private readonly store: Store,
    readonly reconciler: Reconciler,
  ) {
    this.lookup = new DocumentLookupRepository(store.db);
  }

  run(tenantId: string, trigger: string): Promise<RunSummary> {
    return this.reconciler.run(tenantId, trigger);
  }

  private async shortCode(tenantId: string): Promise<string | null> {
    return (await organisationContext(this.store, tenantId)).shortCode;
  }

  /** Every difference outstanding, oldest first found first. */
  async differences(tenantId: string): Promise<ReportedDifference[]> {
    const states = await this.reconciler.repo.withDifferences(tenantId);
    // Only the latest exported revision of each document counts: a later one replaced it in Xero.
    const docs = await this.reconciler.repo.exported(tenantId, { exportIds: states.map((s) => s.exportId) });
    const byId = new Map(docs.map((d) => [d.exportId, d]));
    const shortCode = await this.shortCode(tenantId);
    const out: ReportedDifference[] = [];
    for (const s of states) {
      const doc = byId.get(s.exportId);
      for (const issue of s.issues as DifferenceCode[]) if (doc && !s.accepted.includes(issue)) out.push(view(doc, s, issue, shortCode));
    }
    return out.sort((a, b) => (a.since ?? '').localeCompare(b.since ?? '') || a.exportId - b.exportId);
  }

  async report(tenantId: string) {
    const differences = await this.differences(tenantId);
    const runs = await this.reconciler.repo.runs(tenantId, 10);
    return { documents: differences, lastRun: runs[0] ?? null, runs, budget: await this.reconciler.budget(tenantId), balances: await this.balances(tenantId, differences) };
  }

  /** The balances of the latest runs, newest first, each with its variance and the documents that explain it. */
  async balances(tenantId: string, differences?: ReportedDifference[]): Promise<BalanceView[]> {
    const diffs = differences ?? (await this.differences(tenantId));
    const docs = new Map((await this.reconciler.repo.exported(tenantId, { exportIds: [...new Set(diffs.map((d) => d.exportId))] })).map((d) => [d.exportId, d]));
    const { settings, reference } = await organisationContext(this.store, tenantId);
    const rows = await this.reconciler.valuations.balances(tenantId, 90);
    return rows.map((b) => ({
      ...b,
      variance: b.xeroValue === null ? null : new Decimal(b.xeroValue).minus(b.xportValue).toFixed(2),
      sourceVariance: b.sourceValue === null || b.xeroValue === null ? null : new Decimal(b.sourceValue).minus(b.xeroValue).toFixed(2),
      explainedBy: diffs
        .filter((d) => {
          const doc = docs.get(d.exportId);
          return doc !== undefined && touches(doc, b.accountCode, settings, reference);
        })
        .map((d) => ({ kind: d.kind, sourceId: d.sourceId, issue: d.issue })),
    }));
  }

  /** Accepts Xero's version of an export's outstanding differences; null when it has none. */
  async accept(tenantId: string, exportId: number): Promise<{ exportId: number; accepted: string[] } | null> {
    const accepted = await this.reconciler.repo.accept(tenantId, exportId);
    return accepted.length === 0 ? null : { exportId, accepted };
  }

  /** Stores the source system's figure for an account (a role such as stock_on_hand, or a Xero account code). */
  recordValuation(tenantId: string, v: { date: string; account: string; value: string }): Promise<Valuation> {
    return this.reconciler.valuations.put(tenantId, { ...v, value: new Decimal(v.value).toFixed(2) });
  }

  valuations(tenantId: string): Promise<Valuation[]> {
    return this.reconciler.valuations.list(tenantId);
  }

  /** One source document: its latest revision and export, and what Xero holds (from the last reconciliation, else from the export). */
  async document(tenantId: string, kind: string, sourceId: string) {
    const repo = this.reconciler.repo;
    const latest = await this.lookup.latestDocument(tenantId, kind, sourceId);
    if (!latest) return null;
    const [exported] = await repo.exported(tenantId, { kind, sourceId });
    const state = exported ? await repo.stateOf(tenantId, exported.exportId) : null;
    const xeroId = latest.export?.xeroId ?? exported?.xeroId ?? null;
    return {
      kind,
      sourceId,
      revision: latest.revision,
      reference: latest.reference,
      date: latest.date,
      total: latest.total,
      receivedAt: latest.receivedAt,
      exportId: latest.export?.id ?? null,
      status: latest.export?.status ?? null,
      reason: latest.export?.reason ?? null,
      actionRequired: latest.export?.actionRequired ?? null,
      xeroId,
      xeroNumber: latest.export?.xeroNumber ?? exported?.xeroNumber ?? null,
      xeroUrl: xeroUrl(kind, xeroId, await this.shortCode(tenantId)),
      ...xeroHolds(exported ?? null, state),
      differences: ((state?.issues ?? []) as DifferenceCode[]).map((issue) => ({
        issue,
        title: DIFFERENCES[issue].title,
        cause: DIFFERENCES[issue].cause,
        accepted: state?.accepted.includes(issue) ?? false,
      })),
    };
  }
}

/** What Xero holds: the last reconciliation's reading, or before any, what the export recorded. */
function xeroHolds(exported: ExportedDocument | null, s: StoredXeroState | null) {
  if (s) {
    return {
      xeroStatus: s.status,
      xeroDate: s.date,
      xeroTotal: s.total,
      amountPaid: s.amountPaid,
      amountDue: s.amountDue,
      fullyPaidOn: s.fullyPaidOn,
      xeroCheckedAt: s.checkedAt,
    };
  }
  return {
    xeroStatus: null,
    xeroDate: exported?.date ?? null,
    xeroTotal: exported?.xeroTotal ?? null,
    amountPaid: null,
    amountDue: exported?.xeroTotal ?? null,
    fullyPaidOn: null,
    xeroCheckedAt: null,
  };
}

function view(doc: ExportedDocument, s: StoredXeroState, issue: DifferenceCode, shortCode: string | null): ReportedDifference {
  const d = DIFFERENCES[issue];
  return {
    kind: doc.kind,
    sourceId: doc.sourceId,
    exportId: doc.exportId,
    revision: doc.revision,
    reference: doc.reference,
    issue,
    title: d.title,
    cause: d.cause,
    actions: d.actions.map((code) => ({ code, label: ACTIONS[code] })),
    since: s.issuesSince,
    xeroUrl: xeroUrl(doc.kind, doc.xeroId, shortCode),
    xport: { date: doc.date, total: doc.xeroTotal, contactId: doc.contactId, xeroNumber: doc.xeroNumber },
    xero: { status: s.status, date: s.date, total: s.total, contactId: s.contactId, amountPaid: s.amountPaid, amountDue: s.amountDue, fullyPaidOn: s.fullyPaidOn, checkedAt: s.checkedAt },
  };
}

/** Account names a valuation may give: a role or a Xero account code. */
export const VALUATION_ACCOUNT_HINT = `a role (${ACCOUNT_ROLES.join(', ')}) or a Xero account code`;
