/**
 * GET /Reports/BalanceSheet?date=: Xero's layout (Assets: Bank, Current, Fixed, Non-current; Liabilities:
 * Current, Non-current; Net Assets; Equity with Current Year Earnings), one column as at the date.
 * Assets show debit balances as positive, liabilities and equity credit balances, so Net Assets equals
 * Total Equity whenever the ledger balances (it always does).
 */
import { Dec, ZERO } from '../money/decimal';
import type { AccountRec, Dict, OrgState } from '../state/types';
import { balancesAt, type Balances } from './ledger';
import { financialYearStart, previousDay, reportDay, shortDay } from './dates';
import { accountCell } from './trial-balance';

/** A section of accounts of one class; `rest` also takes that class's accounts of types no other section names. */
interface Group {
  title: string;
  cls: 'ASSET' | 'LIABILITY';
  types: string[];
  sign: 1 | -1;
  rest?: boolean;
}

const ASSETS: Group[] = [
  { title: 'Bank', cls: 'ASSET', types: ['BANK'], sign: 1 },
  { title: 'Current Assets', cls: 'ASSET', types: ['CURRENT', 'INVENTORY', 'PREPAYMENT'], sign: 1, rest: true },
  { title: 'Fixed Assets', cls: 'ASSET', types: ['FIXED'], sign: 1 },
  { title: 'Non-current Assets', cls: 'ASSET', types: ['NONCURRENT'], sign: 1 },
];
const LIABILITIES: Group[] = [
  { title: 'Current Liabilities', cls: 'LIABILITY', types: ['CURRLIAB', 'LIABILITY'], sign: -1, rest: true },
  { title: 'Non-current Liabilities', cls: 'LIABILITY', types: ['TERMLIAB'], sign: -1 },
];

const money = (d: Dec) => d.toFixed(2);
const summary = (title: string, v: Dec): Dict => ({ RowType: 'SummaryRow', Cells: [{ Value: title }, { Value: money(v) }] });

function groupSections(org: OrgState, b: Balances, groups: Group[]): { sections: Dict[]; total: Dec } {
  let total = ZERO;
  const sections: Dict[] = [];
  const named = groups.flatMap((g) => g.types);
  for (const g of groups) {
    const inGroup = (a: AccountRec) => a.Class === g.cls && (g.types.includes(a.Type) || (g.rest === true && !named.includes(a.Type)));
    const accounts = org.accounts.filter((a) => inGroup(a) && !(b.get(a.AccountID) ?? ZERO).isZero());
    if (!accounts.length) continue;
    let sum = ZERO;
    const rows = accounts.map((a) => {
      const v = (b.get(a.AccountID) ?? ZERO).mul(g.sign);
      sum = sum.add(v);
      return { RowType: 'Row', Cells: [accountCell(a.Name, a), accountCell(money(v), a)] };
    });
    total = total.add(sum);
    sections.push({ RowType: 'Section', Title: g.title, Rows: [...rows, summary(`Total ${g.title}`, sum)] });
  }
  return { sections, total };
}

function equitySection(org: OrgState, b: Balances, day: string): { section: Dict; total: Dec } {
  const prior = balancesAt(org, previousDay(financialYearStart(org, day)));
  const pl = (x: Balances) => org.accounts.filter((a) => a.Class === 'REVENUE' || a.Class === 'EXPENSE').reduce((s, a) => s.add(x.get(a.AccountID) ?? ZERO), ZERO);
  const earlier = pl(prior).neg();
  const current = pl(b).neg().sub(earlier);
  const rows: Dict[] = current.isZero() ? [] : [{ RowType: 'Row', Cells: [{ Value: 'Current Year Earnings' }, { Value: money(current) }] }];
  let total = current;
  for (const a of org.accounts.filter((x: AccountRec) => x.Class === 'EQUITY')) {
    let v = (b.get(a.AccountID) ?? ZERO).neg();
    if (a.SystemAccount === 'RETAINEDEARNINGS') v = v.add(earlier);
    if (v.isZero()) continue;
    total = total.add(v);
    rows.push({ RowType: 'Row', Cells: [accountCell(a.Name, a), accountCell(money(v), a)] });
  }
  return { section: { RowType: 'Section', Title: 'Equity', Rows: [...rows, summary('Total Equity', total)] }, total };
}

export function balanceSheet(org: OrgState, day: string, now: number): Dict {
  const b = balancesAt(org, day);
  const assets = groupSections(org, b, ASSETS);
  const liabilities = groupSections(org, b, LIABILITIES);
  const equity = equitySection(org, b, day);
  return {
    ReportID: 'BalanceSheet',
    ReportName: 'Balance Sheet',
    ReportType: 'BalanceSheet',
    ReportTitles: ['Balance Sheet', String(org.organisation.Name), `As at ${reportDay(day)}`],
    ReportDate: reportDay(day),
    UpdatedDateUTC: `/Date(${now})/`,
    Fields: [],
    Rows: [
      { RowType: 'Header', Cells: [{ Value: '' }, { Value: shortDay(day) }] },
      { RowType: 'Section', Title: 'Assets', Rows: [] },
      ...assets.sections,
      { RowType: 'Section', Title: '', Rows: [summary('Total Assets', assets.total)] },
      { RowType: 'Section', Title: 'Liabilities', Rows: [] },
      ...liabilities.sections,
      { RowType: 'Section', Title: '', Rows: [summary('Total Liabilities', liabilities.total)] },
      { RowType: 'Section', Title: '', Rows: [{ RowType: 'Row', Cells: [{ Value: 'Net Assets' }, { Value: money(assets.total.sub(liabilities.total)) }] }] },
      equity.section,
    ],
  };
}
