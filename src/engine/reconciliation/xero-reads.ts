/**
 * What reconciliation reads from Xero, through the call gate and within its share of the day's calls:
 * the lists of invoices, credit notes and manual journals changed since the last complete read
 * (If-Modified-Since, paged), and the trial balance at a date. Every call is taken from a CallBudget
 * first; a read that runs out of budget says so and the next run reads again from the same point.
 */
import Decimal from 'decimal.js';
import type { XeroEndpoint } from '../../domain/types';
import { parseJson, type XeroClient } from '../../xero/client';
import { throughGate, type CallGate } from '../limiter';

/** The calls one run may still make; every Xero call takes one first. */
export class CallBudget {
  calls = 0;
  constructor(private remaining: number) {}

  take(): boolean {
    if (this.remaining <= 0) return false;
    this.remaining -= 1;
    this.calls += 1;
    return true;
  }

  get left(): number {
    return this.remaining;
  }
}

export interface XeroReads {
  xero: XeroClient;
  gate: CallGate;
}

/** A read of a list: complete, or where the next run goes on from (`nextPage`) and why it stopped. */
export type ListRead = { complete: true; records: Array<Record<string, unknown>> } | { complete: false; records: Array<Record<string, unknown>>; reason: string; nextPage: number };

function failure(res: Awaited<ReturnType<XeroClient['call']>>, what: string): string | null {
  if (res.kind === 'no_token') return res.reason;
  if (res.kind === 'network') return `${what}: ${res.detail}`;
  return res.status === 200 ? null : `${what} answered HTTP ${res.status}`;
}

/**
 * The pages of an endpoint's list changed since `since` (all of it when null), from `fromPage` on, as
 * far as the budget goes. Oldest change first (`order=UpdatedDateUTC ASC`): a record changed while the
 * read is under way moves to the end, so a read that goes on from a page the next day misses nothing.
 */
export async function readChanged(d: XeroReads, tenantId: string, endpoint: XeroEndpoint, o: { since: Date | null; pageSize: number; budget: CallBudget; fromPage?: number }): Promise<ListRead> {
  const records: Array<Record<string, unknown>> = [];
  for (let page = o.fromPage ?? 1; ; page += 1) {
    if (!o.budget.take()) return { complete: false, records, reason: "the day's reconciliation budget is used up", nextPage: page };
    const query = { page, pageSize: o.pageSize, order: 'UpdatedDateUTC ASC' };
    const res = await throughGate(d.gate, tenantId)(() => d.xero.call({ method: 'GET', path: `/${endpoint}`, tenantId, query, ...(o.since ? { ifModifiedSince: o.since } : {}) }));
    const failed = failure(res, `GET /${endpoint}`);
    if (failed !== null || res.kind !== 'response') return { complete: false, records, reason: failed ?? 'no answer', nextPage: page };
    const body = parseJson(res.bodyText) as Record<string, unknown> | null;
    const list = (body?.[endpoint] ?? []) as Array<Record<string, unknown>>;
    records.push(...list);
    const pageCount = (body?.pagination as { pageCount?: number } | undefined)?.pageCount;
    if (pageCount !== undefined ? page >= pageCount : list.length < o.pageSize) return { complete: true, records };
  }
}

/** An account's balance in the trial balance: debit positive, credit negative, by account code. */
export type TrialBalance = Map<string, Decimal>;

/** The trial balance at `date` (YYYY-MM-DD), or why it could not be read. */
export async function readTrialBalance(d: XeroReads, tenantId: string, date: string, budget: CallBudget): Promise<{ balances: TrialBalance } | { reason: string }> {
  if (!budget.take()) return { reason: "the day's reconciliation budget is used up" };
  const res = await throughGate(d.gate, tenantId)(() => d.xero.call({ method: 'GET', path: '/Reports/TrialBalance', tenantId, query: { date } }));
  const failed = failure(res, 'GET /Reports/TrialBalance');
  if (failed !== null || res.kind !== 'response') return { reason: failed ?? 'no answer' };
  return { balances: trialBalanceOf(parseJson(res.bodyText)) };
}

interface ReportRow {
  RowType?: string;
  Cells?: Array<{ Value?: string }>;
  Rows?: ReportRow[];
}

/**
 * The account rows of Xero's trial balance report: the first cell names the account ("Sales (200)"),
 * the next two are its debit and credit as at the date.
 */
export function trialBalanceOf(body: unknown): TrialBalance {
  const out: TrialBalance = new Map();
  const report = ((body as { Reports?: Array<{ Rows?: ReportRow[] }> } | null)?.Reports ?? [])[0];
  const visit = (rows: ReportRow[]): void => {
    for (const row of rows) {
      if (row.Rows) visit(row.Rows);
      if (row.RowType !== 'Row' || !row.Cells) continue;
      const code = /\(([^()]+)\)\s*$/.exec(row.Cells[0]?.Value ?? '')?.[1];
      if (!code) continue;
      const debit = number(row.Cells[1]?.Value);
      const credit = number(row.Cells[2]?.Value);
      out.set(code, (out.get(code) ?? new Decimal(0)).plus(debit).minus(credit));
    }
  };
  visit(report?.Rows ?? []);
  return out;
}

function number(v: string | undefined): Decimal {
  const t = (v ?? '').replace(/,/g, '').trim();
  return t === '' || Number.isNaN(Number(t)) ? new Decimal(0) : new Decimal(t);
}
