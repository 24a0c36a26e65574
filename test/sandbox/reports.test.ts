/** /Reports/TrialBalance and /Reports/BalanceSheet computed from the posted documents, read with xero-node and raw HTTP. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReportWithRow } from 'xero-node';
import { NZ, call, clientToken, sdk, withSandbox } from './helpers';
import type { Sandbox } from '../../src/sandbox/index';

interface Cell {
  Value: string;
  Attributes?: Array<{ Id: string; Value: string }>;
}
interface Row {
  RowType: string;
  Title?: string;
  Cells?: Cell[];
  Rows?: Row[];
}
interface Report {
  ReportName: string;
  ReportType: string;
  ReportDate: string;
  ReportTitles: string[];
  Rows: Row[];
}

async function put(s: Sandbox, t: string, path: string, body: unknown): Promise<string> {
  const r = await call(s, t, 'PUT', path, { body });
  assert.equal(r.status, 200, r.text);
  const j = r.json as Record<string, Array<Record<string, string>>>;
  const first = Object.values(j).find(Array.isArray)?.[0] ?? {};
  return first.InvoiceID ?? first.CreditNoteID ?? first.ManualJournalID ?? first.PaymentID ?? '';
}

/** A small set of books: a sale (115 incl. GST), a bill (57.50), a sales credit (23), a journal, payments; plus what must not count. */
async function books(s: Sandbox, t: string): Promise<void> {
  const line = (amount: number, code: string) => ({ Description: 'x', Quantity: 1, UnitAmount: amount, AccountCode: code });
  const sale = await put(s, t, '/Invoices', { Type: 'ACCREC', Contact: { Name: 'Boom FM' }, Date: '2026-03-01', Status: 'AUTHORISED', LineItems: [line(100, '200')] });
  await put(s, t, '/Invoices', { Type: 'ACCPAY', Contact: { Name: 'PowerDirect' }, Date: '2026-03-02', Status: 'AUTHORISED', LineItems: [line(50, '300')] });
  await put(s, t, '/CreditNotes', { Type: 'ACCRECCREDIT', Contact: { Name: 'Boom FM' }, Date: '2026-03-03', Status: 'AUTHORISED', LineItems: [line(20, '200')] });
  await put(s, t, '/ManualJournals', {
    Narration: 'capital',
    Date: '2026-03-04',
    Status: 'POSTED',
    JournalLines: [
      { LineAmount: 1000, AccountCode: '090' },
      { LineAmount: -1000, AccountCode: '970' },
    ],
  });
  await put(s, t, '/Payments', { Invoice: { InvoiceID: sale }, Account: { Code: '090' }, Date: '2026-03-05', Amount: 60 });
  // Not posted, or after the report date: none of these may count.
  await put(s, t, '/Invoices', { Type: 'ACCREC', Contact: { Name: 'Boom FM' }, Date: '2026-03-06', Status: 'DRAFT', LineItems: [line(999, '200')] });
  const voided = await put(s, t, '/Invoices', { Type: 'ACCREC', Contact: { Name: 'Boom FM' }, Date: '2026-03-06', Status: 'AUTHORISED', LineItems: [line(888, '200')] });
  await call(s, t, 'POST', `/Invoices/${voided}`, { body: { Status: 'VOIDED' } });
  await put(s, t, '/ManualJournals', {
    Narration: 'draft',
    Date: '2026-03-06',
    JournalLines: [
      { LineAmount: 5, AccountCode: '090' },
      { LineAmount: -5, AccountCode: '970' },
    ],
  });
  await put(s, t, '/Invoices', { Type: 'ACCREC', Contact: { Name: 'Boom FM' }, Date: '2026-04-15', Status: 'AUTHORISED', LineItems: [line(777, '200')] });
}

function accountRows(r: Report): Row[] {
  return r.Rows.filter((row) => row.RowType === 'Section')
    .flatMap((sec) => sec.Rows ?? [])
    .filter((row) => row.RowType === 'Row');
}

/** Name → the row's numeric cells ("" = 0). */
function table(r: Report): Map<string, number[]> {
  return new Map(accountRows(r).map((row) => [row.Cells?.[0]?.Value ?? '', (row.Cells ?? []).slice(1).map((c) => Number(c.Value || 0))]));
}

test('trial balance as at a date: per-account debits and credits from posted documents, totals equal, account ids in attributes', async () => {
  await withSandbox(async (s) => {
    const t = await clientToken(s);
    await books(s, t);
    const xero = await sdk(s);
    const sdkReport = (await xero.accountingApi.getReportTrialBalance(NZ, '2026-03-31')).body.reports?.[0] as ReportWithRow;
    assert.equal(sdkReport.reportName, 'Trial Balance');
    const r = ((await call(s, t, 'GET', '/Reports/TrialBalance?date=2026-03-31')).json as { Reports: Report[] }).Reports[0] as Report;
    assert.deepEqual([r.ReportType, r.ReportDate, r.ReportTitles], ['TrialBalance', '31 March 2026', ['Trial Balance', 'Demo Company (NZ)', 'As at 31 March 2026']]);
    assert.deepEqual(
      r.Rows[0]?.Cells?.map((c) => c.Value),
      ['Account', 'Debit', 'Credit', 'YTD Debit', 'YTD Credit'],
    );
    assert.deepEqual(
      r.Rows.filter((x) => x.RowType === 'Section').map((x) => x.Title),
      ['Revenue', 'Expenses', 'Assets', 'Liabilities', 'Equity', ''],
    );
    const tb = table(r);
    // [debit, credit, ytd debit, ytd credit]
    assert.deepEqual(tb.get('Sales (200)'), [0, 80, 0, 80], '100 sold less 20 credited');
    assert.deepEqual(tb.get('Purchases (300)'), [50, 0, 50, 0]);
    assert.deepEqual(tb.get('Business Bank Account (090)'), [1060, 0, 1060, 0], '1000 introduced + 60 received');
    assert.deepEqual(tb.get('Accounts Receivable (610)'), [32, 0, 32, 0], '115 − 23 − 60');
    assert.deepEqual(tb.get('Accounts Payable (800)'), [0, 57.5, 0, 57.5]);
    assert.deepEqual(tb.get('GST (820)'), [0, 4.5, 0, 4.5], '15 owed on the sale, less 3 on the credit and 7.50 on the bill');
    assert.deepEqual(tb.get('Owner A Funds Introduced (970)'), [0, 1000, 0, 1000]);
    const sales = accountRows(r).find((row) => row.Cells?.[0]?.Value === 'Sales (200)');
    const salesId = (await xero.accountingApi.getAccounts(NZ, undefined, 'Code=="200"')).body.accounts?.[0]?.accountID;
    assert.ok(sales?.Cells?.every((c) => c.Attributes?.[0]?.Id === 'account' && c.Attributes[0].Value === salesId));
    const total = r.Rows.at(-1)?.Rows?.[0];
    assert.equal(total?.RowType, 'SummaryRow');
    const [label, debit, credit, ytdDebit, ytdCredit] = total?.Cells?.map((c) => c.Value) ?? [];
    assert.equal(label, 'Total');
    assert.equal(debit, credit, 'debits equal credits');
    assert.equal(ytdDebit, ytdCredit);
    assert.equal(debit, '1142.00');
    const sum = (i: number) => [...tb.values()].reduce((a, v) => a + (v[i] ?? 0), 0);
    assert.equal(sum(0).toFixed(2), debit);
    assert.equal(sum(1).toFixed(2), credit);
  });
});

test('trial balance: the date bounds what counts, and YTD starts the financial year (NZ: 1 April)', async () => {
  await withSandbox(async (s) => {
    const t = await clientToken(s);
    await books(s, t);
    const early = table(((await call(s, t, 'GET', '/Reports/TrialBalance?date=2026-03-02')).json as { Reports: Report[] }).Reports[0] as Report);
    assert.deepEqual(early.get('Sales (200)'), [0, 100, 0, 100]);
    assert.equal(early.get('Business Bank Account (090)'), undefined, 'no bank movement yet');
    const april = ((await call(s, t, 'GET', '/Reports/TrialBalance?date=2026-04-30')).json as { Reports: Report[] }).Reports[0] as Report;
    const tb = table(april);
    assert.deepEqual(tb.get('Sales (200)'), [0, 857, 0, 777], 'all time 80 + 777; this financial year only 777');
    assert.deepEqual(tb.get('Purchases (300)'), [50, 0, 0, 0]);
    assert.deepEqual(tb.get('Retained Earnings (960)'), [0, 0, 0, 30], "last year's profit (80 − 50) closed in the YTD columns");
    const cells = april.Rows.at(-1)?.Rows?.[0]?.Cells?.map((c) => c.Value) ?? [];
    assert.equal(cells[1], cells[2]);
    assert.equal(cells[3], cells[4]);
    assert.equal((await call(s, t, 'GET', '/Reports/TrialBalance?date=31-03-2026')).status, 400);
    assert.equal((await call(s, t, 'GET', '/Reports/ProfitAndLossFake')).status, 404);
  });
});

test('balance sheet: Xero sections, Net Assets equals Total Equity, current year earnings', async () => {
  await withSandbox(async (s) => {
    const t = await clientToken(s);
    await books(s, t);
    const xero = await sdk(s);
    const viaSdk = (await xero.accountingApi.getReportBalanceSheet(NZ, '2026-03-31')).body.reports?.[0];
    assert.equal(viaSdk?.reportType, 'BalanceSheet');
    const r = ((await call(s, t, 'GET', '/Reports/BalanceSheet?date=2026-03-31')).json as { Reports: Report[] }).Reports[0] as Report;
    assert.deepEqual(
      r.Rows[0]?.Cells?.map((c) => c.Value),
      ['', '31 Mar 2026'],
    );
    const sections = r.Rows.filter((x) => x.RowType === 'Section');
    assert.deepEqual(
      sections.map((x) => x.Title),
      ['Assets', 'Bank', 'Current Assets', '', 'Liabilities', 'Current Liabilities', '', '', 'Equity'],
    );
    const summaries = new Map(
      sections
        .flatMap((x) => x.Rows ?? [])
        .filter((x) => x.RowType === 'SummaryRow' || x.Cells?.[0]?.Value === 'Net Assets')
        .map((x) => [x.Cells?.[0]?.Value, x.Cells?.[1]?.Value]),
    );
    assert.equal(summaries.get('Total Bank'), '1060.00');
    assert.equal(summaries.get('Total Current Assets'), '32.00');
    assert.equal(summaries.get('Total Assets'), '1092.00');
    assert.equal(summaries.get('Total Current Liabilities'), '62.00', 'AP 57.50 and GST 4.50');
    assert.equal(summaries.get('Total Liabilities'), '62.00');
    assert.equal(summaries.get('Net Assets'), '1030.00');
    assert.equal(summaries.get('Total Equity'), '1030.00', 'Net Assets = Total Equity');
    const equity = new Map((sections.at(-1)?.Rows ?? []).filter((x) => x.RowType === 'Row').map((x) => [x.Cells?.[0]?.Value, x.Cells?.[1]?.Value]));
    assert.deepEqual(
      [...equity],
      [
        ['Current Year Earnings', '30.00'],
        ['Owner A Funds Introduced', '1000.00'],
      ],
    );
    const next = ((await call(s, t, 'GET', '/Reports/BalanceSheet?date=2026-04-30')).json as { Reports: Report[] }).Reports[0] as Report;
    const nextEquity = new Map((next.Rows.at(-1)?.Rows ?? []).map((x) => [x.Cells?.[0]?.Value, x.Cells?.[1]?.Value]));
    assert.deepEqual([nextEquity.get('Current Year Earnings'), nextEquity.get('Retained Earnings'), nextEquity.get('Total Equity')], ['777.00', '30.00', '1807.00']);
    const nextNet = next.Rows.flatMap((x) => x.Rows ?? []).find((x) => x.Cells?.[0]?.Value === 'Net Assets')?.Cells?.[1]?.Value;
    assert.equal(nextNet, '1807.00');
  });
});

test('balance sheet: accounts added through the API land in their sections and the report still balances', async () => {
  await withSandbox(async (s) => {
    const t = await clientToken(s);
    await books(s, t);
    await put(s, t, '/Accounts', { Code: '900', Name: 'Loan', Type: 'TERMLIAB', TaxType: 'NONE' });
    await put(s, t, '/Accounts', { Code: '910', Name: 'PAYG Withholdings', Type: 'PAYG', TaxType: 'NONE' });
    await put(s, t, '/ManualJournals', {
      Narration: 'loan',
      Date: '2026-03-07',
      Status: 'POSTED',
      JournalLines: [
        { LineAmount: 500, AccountCode: '090' },
        { LineAmount: -300, AccountCode: '900' },
        { LineAmount: -200, AccountCode: '910' },
      ],
    });
    const r = ((await call(s, t, 'GET', '/Reports/BalanceSheet?date=2026-03-31')).json as { Reports: Report[] }).Reports[0] as Report;
    const section = (title: string) => r.Rows.find((x) => x.Title === title)?.Rows?.map((x) => [x.Cells?.[0]?.Value, x.Cells?.[1]?.Value]);
    assert.deepEqual(section('Non-current Liabilities'), [
      ['Loan', '300.00'],
      ['Total Non-current Liabilities', '300.00'],
    ]);
    assert.deepEqual(section('Current Liabilities')?.at(-1), ['Total Current Liabilities', '262.00'], 'a PAYG account is a current liability');
    const values = new Map(r.Rows.flatMap((x) => x.Rows ?? []).map((x) => [x.Cells?.[0]?.Value, x.Cells?.[1]?.Value]));
    assert.deepEqual([values.get('Total Assets'), values.get('Total Liabilities'), values.get('Net Assets'), values.get('Total Equity')], ['1592.00', '562.00', '1030.00', '1030.00']);
  });
});
