/**
 * GET /Reports/TrialBalance?date=: Xero's report shape (a Header row, one Section per account class
 * with a Row per account whose cells carry the account id as the `account` attribute, and a final
 * untitled Section with the Total SummaryRow). Debit/Credit are each account's balance as at the date;
 * the YTD columns take revenue and expenses from the start of the financial year only, and close
 * earlier years' profit into Retained Earnings, so both pairs of columns add up.
 */
import { Dec, ZERO } from '../money/decimal';
import type { AccountClass, AccountRec, Dict, OrgState } from '../state/types';
import { balancesAt, type Balances } from './ledger';
import { financialYearStart, previousDay, reportDay } from './dates';

const SECTIONS: Array<[AccountClass, string]> = [
  ['REVENUE', 'Revenue'],
  ['EXPENSE', 'Expenses'],
  ['ASSET', 'Assets'],
  ['LIABILITY', 'Liabilities'],
  ['EQUITY', 'Equity'],
];

export const accountCell = (value: string, a: AccountRec): Dict => ({ Value: value, Attributes: [{ Value: a.AccountID, Id: 'account' }] });
const money = (d: Dec): string => d.toFixed(2);
const side = (d: Dec, debit: boolean): string => (debit ? (d.gt(0) ? money(d) : '') : d.lt(0) ? money(d.neg()) : '');

/** Year-to-date balances: profit and loss from `start` on, earlier profit closed into retained earnings. */
function ytdBalances(org: OrgState, all: Balances, start: string): Balances {
  const before = balancesAt(org, previousDay(start));
  const ytd: Balances = new Map(all);
  let closed = ZERO;
  for (const a of org.accounts) {
    if (a.Class !== 'REVENUE' && a.Class !== 'EXPENSE') continue;
    const prior = before.get(a.AccountID) ?? ZERO;
    ytd.set(a.AccountID, (all.get(a.AccountID) ?? ZERO).sub(prior));
    closed = closed.add(prior);
  }
  const re = org.accounts.find((a) => a.SystemAccount === 'RETAINEDEARNINGS');
  if (re && !closed.isZero()) ytd.set(re.AccountID, (ytd.get(re.AccountID) ?? ZERO).add(closed));
  return ytd;
}

export function trialBalance(org: OrgState, day: string, now: number): Dict {
  const all = balancesAt(org, day);
  const ytd = ytdBalances(org, all, financialYearStart(org, day));
  const totals = { d: ZERO, c: ZERO, yd: ZERO, yc: ZERO };
  const sections: Dict[] = SECTIONS.map(([cls, title]) => {
    const rows = org.accounts
      .filter((a) => a.Class === cls && (!(all.get(a.AccountID) ?? ZERO).isZero() || !(ytd.get(a.AccountID) ?? ZERO).isZero()))
      .map((a) => {
        const b = all.get(a.AccountID) ?? ZERO;
        const y = ytd.get(a.AccountID) ?? ZERO;
        if (b.gt(0)) totals.d = totals.d.add(b);
        else totals.c = totals.c.sub(b);
        if (y.gt(0)) totals.yd = totals.yd.add(y);
        else totals.yc = totals.yc.sub(y);
        return { RowType: 'Row', Cells: [`${a.Name} (${a.Code})`, side(b, true), side(b, false), side(y, true), side(y, false)].map((v) => accountCell(v, a)) };
      });
    return { RowType: 'Section', Title: title, Rows: rows };
  });
  const total = { RowType: 'SummaryRow', Cells: ['Total', money(totals.d), money(totals.c), money(totals.yd), money(totals.yc)].map((Value) => ({ Value })) };
  return {
    ReportID: 'TrialBalance',
    ReportName: 'Trial Balance',
    ReportType: 'TrialBalance',
    ReportTitles: ['Trial Balance', String(org.organisation.Name), `As at ${reportDay(day)}`],
    ReportDate: reportDay(day),
    UpdatedDateUTC: `/Date(${now})/`,
    Fields: [],
    Rows: [{ RowType: 'Header', Cells: ['Account', 'Debit', 'Credit', 'YTD Debit', 'YTD Credit'].map((Value) => ({ Value })) }, ...sections, { RowType: 'Section', Title: '', Rows: [total] }],
  };
}
