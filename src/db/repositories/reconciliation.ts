/**
 * Reconciliation's storage (migration 0017): the exported documents to compare, what Xero last showed
 * of each (`xero_states`) with the differences already reported, and the runs with their Xero calls.
 * `record` stores new Xero states and the events they raise in one transaction (appendEvents). The
 * lease and the read positions are in reconciliation-marks.ts.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, XeroStatesTable } from '../schema';
import { iso } from '../clock';
import { appendEvents, type OutboxEvent } from './outbox';

/** The kinds reconciliation reads back from Xero (contacts are not documents with totals). */
export const RECONCILED_KINDS = ['sales_invoice', 'sales_credit', 'purchase_bill', 'supplier_credit', 'journal'] as const;

export interface ExportedDocument {
  exportId: number;
  kind: string;
  sourceId: string;
  revision: number;
  reference: string;
  xeroId: string;
  xeroNumber: string | null;
  /** The total Xero confirmed at export. */
  xeroTotal: string | null;
  /** The date sent to Xero (the lock-date policy may have moved it). */
  date: string | null;
  /** The Xero contact it was sent to, through the contact link. */
  contactId: string | null;
  payload: string;
  exportedAt: string | null;
  /** What a Xero webhook already reported about it (VOIDED, DELETED; exports.xero_status), with its own event. */
  reportedStatus: string | null;
}

export interface StoredXeroState {
  exportId: number;
  xeroId: string;
  status: string | null;
  date: string | null;
  total: string | null;
  contactId: string | null;
  amountPaid: string | null;
  amountDue: string | null;
  fullyPaidOn: string | null;
  updatedAt: string | null;
  issues: string[];
  /** The differences a person accepted: still in `issues` (so not reported again), no longer listed. */
  accepted: string[];
  issuesSince: string | null;
  checkedAt: string;
}

export interface RunRow {
  id: number;
  trigger: string;
  startedAt: string;
  finishedAt: string | null;
  outcome: string;
  message: string | null;
  calls: number;
  budget: number;
  checked: number;
  newDifferences: number;
}

function toState(r: Selectable<XeroStatesTable>): StoredXeroState {
  return {
    exportId: r.export_id,
    xeroId: r.xero_id,
    status: r.status,
    date: r.date,
    total: r.total,
    contactId: r.contact_id,
    amountPaid: r.amount_paid,
    amountDue: r.amount_due,
    fullyPaidOn: r.fully_paid_on,
    updatedAt: r.xero_updated_at,
    issues: JSON.parse(r.issues) as string[],
    accepted: JSON.parse(r.accepted) as string[],
    issuesSince: r.issues_since,
    checkedAt: r.checked_at,
  };
}

export class ReconciliationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * The exported documents of an organisation: per source document, its latest exported revision
   * (an exported later revision updated the same Xero document and supersedes it). `exportIds`: only those.
   */
  async exported(tenantId: string, where: { kind?: string; sourceId?: string; exportIds?: readonly number[] } = {}): Promise<ExportedDocument[]> {
    if (where.exportIds?.length === 0) return [];
    const rows = [];
    const ids = where.exportIds ? [...where.exportIds] : null;
    for (let i = 0; i === 0 || (ids !== null && i < ids.length); i += 500) {
      let q = this.db
        .selectFrom('exports')
        .innerJoin('documents', 'documents.id', 'exports.document_id')
        .select([
          'exports.id',
          'exports.kind',
          'exports.source_id',
          'exports.revision',
          'documents.reference',
          'exports.xero_id',
          'exports.xero_number',
          'exports.xero_total',
          'exports.xero_date',
          'documents.doc_date',
          'documents.payload',
          'exports.exported_at',
          'exports.xero_status',
        ])
        .where('exports.tenant_id', '=', tenantId)
        .where('exports.status', '=', 'exported')
        .where('exports.xero_id', 'is not', null)
        .where('exports.kind', 'in', [...RECONCILED_KINDS])
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('exports as later')
                .select('later.id')
                .whereRef('later.tenant_id', '=', 'exports.tenant_id')
                .whereRef('later.kind', '=', 'exports.kind')
                .whereRef('later.source_id', '=', 'exports.source_id')
                .where('later.status', '=', 'exported')
                .where('later.xero_id', 'is not', null)
                .whereRef('later.id', '>', 'exports.id'),
            ),
          ),
        );
      if (where.kind) q = q.where('exports.kind', '=', where.kind);
      if (where.sourceId !== undefined) q = q.where('exports.source_id', '=', where.sourceId);
      if (ids) q = q.where('exports.id', 'in', ids.slice(i, i + 500));
      rows.push(...(await q.orderBy('exports.id').execute()));
    }
    const links = await this.contactLinks(tenantId);
    return rows.map((r) => {
      const contact = (JSON.parse(r.payload) as { contact?: unknown }).contact;
      const side = r.kind === 'purchase_bill' || r.kind === 'supplier_credit' ? 'supplier' : 'customer';
      return {
        exportId: r.id,
        kind: r.kind,
        sourceId: r.source_id,
        revision: r.revision,
        reference: r.reference,
        xeroId: r.xero_id ?? '',
        xeroNumber: r.xero_number,
        xeroTotal: r.xero_total,
        date: r.xero_date ?? r.doc_date,
        contactId: typeof contact === 'string' ? (links.get(`${side}:${contact}`) ?? null) : null,
        payload: r.payload,
        exportedAt: r.exported_at,
        reportedStatus: r.xero_status,
      };
    });
  }

  private async contactLinks(tenantId: string): Promise<Map<string, string>> {
    const rows = await this.db.selectFrom('contact_links').select(['contact_kind', 'source_id', 'xero_contact_id']).where('tenant_id', '=', tenantId).execute();
    return new Map(rows.map((r) => [`${r.contact_kind}:${r.source_id}`, r.xero_contact_id.toLowerCase()]));
  }

  async states(tenantId: string): Promise<Map<number, StoredXeroState>> {
    const rows = await this.db.selectFrom('xero_states').selectAll().where('tenant_id', '=', tenantId).execute();
    return new Map(rows.map((r) => [r.export_id, toState(r)]));
  }

  /** The states whose differences are outstanding (found and not all accepted). */
  async withDifferences(tenantId: string): Promise<StoredXeroState[]> {
    const rows = await this.db.selectFrom('xero_states').selectAll().where('tenant_id', '=', tenantId).where('issues', '!=', '[]').orderBy('export_id').execute();
    return rows.map(toState).filter((s) => s.issues.some((i) => !s.accepted.includes(i)));
  }

  /** Accepts every outstanding difference of an export (Xero's version stands); returns them, empty when there were none. */
  async accept(tenantId: string, exportId: number): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx.selectFrom('xero_states').select(['issues', 'accepted']).where('tenant_id', '=', tenantId).where('export_id', '=', exportId).executeTakeFirst();
      if (!r) return [];
      const issues = JSON.parse(r.issues) as string[];
      const accepted = JSON.parse(r.accepted) as string[];
      const now = issues.filter((i) => !accepted.includes(i));
      if (now.length > 0)
        await trx
          .updateTable('xero_states')
          .set({ accepted: JSON.stringify(issues) })
          .where('tenant_id', '=', tenantId)
          .where('export_id', '=', exportId)
          .execute();
      return now;
    });
  }

  async stateOf(tenantId: string, exportId: number): Promise<StoredXeroState | null> {
    const r = await this.db.selectFrom('xero_states').selectAll().where('tenant_id', '=', tenantId).where('export_id', '=', exportId).executeTakeFirst();
    return r ? toState(r) : null;
  }

  /** Stores what Xero showed of these documents and the events that raises, together or not at all. */
  async record(tenantId: string, states: readonly StoredXeroState[], events: readonly OutboxEvent[]): Promise<void> {
    if (states.length === 0 && events.length === 0) return;
    const rows = states.map((s) => ({
      export_id: s.exportId,
      tenant_id: tenantId,
      xero_id: s.xeroId,
      status: s.status,
      date: s.date,
      total: s.total,
      contact_id: s.contactId,
      amount_paid: s.amountPaid,
      amount_due: s.amountDue,
      fully_paid_on: s.fullyPaidOn,
      xero_updated_at: s.updatedAt,
      issues: JSON.stringify(s.issues),
      accepted: JSON.stringify(s.accepted),
      issues_since: s.issuesSince,
      checked_at: s.checkedAt,
    }));
    await this.db.transaction().execute(async (trx) => {
      // 14 columns a row: 200 rows stay under SQLite's 32,766 bound parameters.
      for (let i = 0; i < rows.length; i += 200) {
        await trx
          .insertInto('xero_states')
          .values(rows.slice(i, i + 200))
          .onConflict((oc) =>
            oc.column('export_id').doUpdateSet((eb) => ({
              xero_id: eb.ref('excluded.xero_id'),
              status: eb.ref('excluded.status'),
              date: eb.ref('excluded.date'),
              total: eb.ref('excluded.total'),
              contact_id: eb.ref('excluded.contact_id'),
              amount_paid: eb.ref('excluded.amount_paid'),
              amount_due: eb.ref('excluded.amount_due'),
              fully_paid_on: eb.ref('excluded.fully_paid_on'),
              xero_updated_at: eb.ref('excluded.xero_updated_at'),
              issues: eb.ref('excluded.issues'),
              accepted: eb.ref('excluded.accepted'),
              issues_since: eb.ref('excluded.issues_since'),
              checked_at: eb.ref('excluded.checked_at'),
            })),
          )
          .execute();
      }
      await appendEvents(trx, events);
    });
  }

  async startRun(tenantId: string, trigger: string, budget: number, at = new Date()): Promise<number> {
    const r = await this.db
      .insertInto('reconciliation_runs')
      .values({ tenant_id: tenantId, trigger, started_at: iso(at), outcome: 'running', budget })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  }

  /**
   * Runs of this organisation still marked running, ended as `interrupted`: called by the holder of the
   * organisation's reconciliation lease before it starts a run, when no other run can be going on, so
   * these are runs whose process stopped (killed, crashed, the machine lost) before it could finish them.
   * Returns their ids.
   */
  async interruptRuns(tenantId: string, at = new Date()): Promise<number[]> {
    const rows = await this.db
      .updateTable('reconciliation_runs')
      .set({ finished_at: iso(at), outcome: 'interrupted', message: 'The process running it stopped before it finished (its calls are not counted in the budget)' })
      .where('tenant_id', '=', tenantId)
      .where('outcome', '=', 'running')
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  async finishRun(id: number, r: { outcome: string; message: string | null; calls: number; checked: number; newDifferences: number }): Promise<void> {
    await this.db
      .updateTable('reconciliation_runs')
      .set({ finished_at: iso(), outcome: r.outcome, message: r.message, calls: r.calls, checked: r.checked, new_differences: r.newDifferences })
      .where('id', '=', id)
      .execute();
  }

  /** Xero calls reconciliation made for this organisation in runs started since `since`. */
  async callsSince(tenantId: string, since: Date): Promise<number> {
    const r = await this.db
      .selectFrom('reconciliation_runs')
      .select(sql<number>`coalesce(sum(calls), 0)`.as('n'))
      .where('tenant_id', '=', tenantId)
      .where('started_at', '>', iso(since))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async runs(tenantId: string, limit = 10): Promise<RunRow[]> {
    const rows = await this.db.selectFrom('reconciliation_runs').selectAll().where('tenant_id', '=', tenantId).orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      id: r.id,
      trigger: r.trigger,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      outcome: r.outcome,
      message: r.message,
      calls: r.calls,
      budget: r.budget,
      checked: r.checked,
      newDifferences: r.new_differences,
    }));
  }
}
