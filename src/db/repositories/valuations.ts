/**
 * Account balances (migration 0017): the source system's own figures (`valuations`, one per date and
 * account, the latest posted wins) and, per reconciliation run, a mapped account's balance in Xero
 * beside the sum of what xport exported to it (`account_balances`).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema';
import { iso } from '../clock';

export interface Valuation {
  date: string;
  account: string;
  value: string;
  receivedAt: string;
}

export interface AccountBalance {
  runId: number;
  asOf: string;
  role: string;
  accountCode: string;
  xeroValue: string | null;
  xportValue: string;
  sourceValue: string | null;
}

export class ValuationsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async put(tenantId: string, v: { date: string; account: string; value: string }, at = new Date()): Promise<Valuation> {
    const row = { value: v.value, received_at: iso(at) };
    await this.db
      .insertInto('valuations')
      .values({ tenant_id: tenantId, date: v.date, account: v.account, ...row })
      .onConflict((oc) => oc.columns(['tenant_id', 'date', 'account']).doUpdateSet(row))
      .execute();
    return { date: v.date, account: v.account, value: v.value, receivedAt: row.received_at };
  }

  /** The source's latest figure for each of `accounts` on or before `date`. */
  async latestOnOrBefore(tenantId: string, accounts: readonly string[], date: string): Promise<Map<string, Valuation>> {
    if (accounts.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('valuations')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('account', 'in', [...accounts])
      .where('date', '<=', date)
      .orderBy('date')
      .execute();
    return new Map(rows.map((r) => [r.account, { date: r.date, account: r.account, value: r.value, receivedAt: r.received_at }]));
  }

  async list(tenantId: string, limit = 100): Promise<Valuation[]> {
    const rows = await this.db.selectFrom('valuations').selectAll().where('tenant_id', '=', tenantId).orderBy('date', 'desc').orderBy('account').limit(limit).execute();
    return rows.map((r) => ({ date: r.date, account: r.account, value: r.value, receivedAt: r.received_at }));
  }

  async addBalances(tenantId: string, balances: readonly AccountBalance[]): Promise<void> {
    if (balances.length === 0) return;
    await this.db
      .insertInto('account_balances')
      .values(
        balances.map((b) => ({
          tenant_id: tenantId,
          run_id: b.runId,
          as_of: b.asOf,
          role: b.role,
          account_code: b.accountCode,
          xero_value: b.xeroValue,
          xport_value: b.xportValue,
          source_value: b.sourceValue,
        })),
      )
      .execute();
  }

  /** Balances over time, newest run first. */
  async balances(tenantId: string, limit = 90): Promise<AccountBalance[]> {
    const rows = await this.db.selectFrom('account_balances').selectAll().where('tenant_id', '=', tenantId).orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      runId: r.run_id,
      asOf: r.as_of,
      role: r.role,
      accountCode: r.account_code,
      xeroValue: r.xero_value,
      xportValue: r.xport_value,
      sourceValue: r.source_value,
    }));
  }
}
