/** Every endpoint's answers checked against the official OpenAPI schemas, fetched through xero-node and raw HTTP. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NZ, call, clientToken, control, sdk, withSandbox } from './helpers';
import { requestSchemaErrors, schemaErrors } from './schema';

function valid(name: string, body: unknown): void {
  assert.equal(schemaErrors(name, body), null, `${name}: ${JSON.stringify(body).slice(0, 300)}`);
}

test('responses of every endpoint conform to xero_accounting.yaml', async () => {
  await withSandbox(async (s) => {
    const t = await clientToken(s);
    const xero = await sdk(s);
    for (const [path, schema] of [
      ['/Organisation', 'Organisations'],
      ['/Accounts', 'Accounts'],
      ['/TaxRates', 'TaxRates'],
      ['/TrackingCategories', 'TrackingCategories'],
      ['/Currencies', 'Currencies'],
      ['/Contacts?includeArchived=true', 'Contacts'],
    ] as const) {
      const r = await call(s, t, 'GET', path);
      assert.equal(r.status, 200, path);
      valid(schema, r.json);
    }
    const tracking = (await xero.accountingApi.getTrackingCategories(NZ)).body.trackingCategories?.[0];
    const inv = await call(s, t, 'PUT', '/Invoices?summarizeErrors=false', {
      body: {
        Invoices: [
          {
            Type: 'ACCREC',
            Contact: { Name: 'Schema Co', EmailAddress: 's@schema.example' },
            Date: '2026-01-05',
            DueDate: '2026-02-05',
            Status: 'AUTHORISED',
            LineItems: [{ Description: 'a', Quantity: 1, UnitAmount: 9.99, AccountCode: '200', Tracking: [{ Name: tracking?.name, Option: 'North' }] }],
          },
          { Type: 'ACCREC', Contact: { Name: 'Schema Co' }, Date: '2026-01-05', LineItems: [{ Quantity: 1, UnitAmount: 1, AccountCode: '999' }] },
        ],
      },
    });
    valid('Invoices', inv.json);
    const id = (inv.json as { Invoices: Array<{ InvoiceID: string }> }).Invoices[0]?.InvoiceID ?? '';
    await call(s, t, 'PUT', '/Contacts', { body: { Contacts: [{ Name: 'Paid Co' }] } });
    await fetch(`${s.url}/_sandbox/organisations/${NZ}/payments`, { method: 'POST', body: JSON.stringify({ InvoiceID: id, Amount: 1 }), headers: { 'content-type': 'application/json' } });
    valid('Invoices', (await call(s, t, 'GET', `/Invoices/${id}`)).json);
    valid('Invoices', (await call(s, t, 'GET', '/Invoices?page=1')).json);
    valid(
      'CreditNotes',
      (
        await call(s, t, 'PUT', '/CreditNotes?summarizeErrors=false', {
          body: { CreditNotes: [{ Type: 'ACCPAYCREDIT', Contact: { Name: 'PowerDirect' }, Date: '2026-01-05', LineItems: [{ Quantity: 1, UnitAmount: 5, AccountCode: '300' }] }] },
        })
      ).json,
    );
    valid('CreditNotes', (await call(s, t, 'GET', '/CreditNotes')).json);
    valid(
      'ManualJournals',
      (
        await call(s, t, 'PUT', '/ManualJournals', {
          body: {
            ManualJournals: [
              {
                Narration: 'n',
                Date: '2026-01-05',
                JournalLines: [
                  { LineAmount: 5, AccountCode: '630' },
                  { LineAmount: -5, AccountCode: '310' },
                ],
              },
            ],
          },
        })
      ).json,
    );
    valid('ManualJournals', (await call(s, t, 'GET', '/ManualJournals?page=1')).json);
    valid('Contacts', (await call(s, t, 'PUT', '/Contacts?summarizeErrors=false', { body: { Contacts: [{ Name: 'Paid Co' }, { Name: 'Fine Co', Phones: [] }] } })).json);
    const err = await call(s, t, 'PUT', '/Contacts', { body: { Contacts: [{ Name: 'Paid Co' }] } });
    assert.equal(err.status, 400);
    valid('Error', err.json);
    valid('Accounts', (await call(s, t, 'PUT', '/Accounts', { body: { Code: '455', Name: 'Entertainment', Type: 'EXPENSE', TaxType: 'INPUT2' } })).json);
    valid('Currencies', (await call(s, t, 'PUT', '/Currencies', { body: { Code: 'EUR' } })).json);
  });
});

test('payments, reports and the document controls answer in the shapes of xero_accounting.yaml', async () => {
  await withSandbox(async (s) => {
    const t = await clientToken(s);
    const inv = await call(s, t, 'PUT', '/Invoices', {
      body: { Type: 'ACCREC', Contact: { Name: 'Boom FM' }, Date: '2026-01-05', Status: 'AUTHORISED', LineItems: [{ Quantity: 1, UnitAmount: 50, AccountCode: '200' }] },
    });
    const id = (inv.json as { Invoices: Array<{ InvoiceID: string }> }).Invoices[0]?.InvoiceID ?? '';
    const cn = await call(s, t, 'PUT', '/CreditNotes', {
      body: { Type: 'ACCPAYCREDIT', Contact: { Name: 'PowerDirect' }, Date: '2026-01-05', Status: 'AUTHORISED', LineItems: [{ Quantity: 1, UnitAmount: 5, AccountCode: '300' }] },
    });
    const cnId = (cn.json as { CreditNotes: Array<{ CreditNoteID: string }> }).CreditNotes[0]?.CreditNoteID ?? '';
    const request = {
      Payments: [
        { Invoice: { InvoiceID: id }, Account: { Code: '090' }, Date: '2026-01-10', Amount: 20, Reference: 'part' },
        { CreditNote: { CreditNoteID: cnId }, Account: { Code: '090' }, Amount: 5.75 },
      ],
    };
    assert.equal(requestSchemaErrors('Payments', request), null, 'the request itself is what the file allows');
    const put = await call(s, t, 'PUT', '/Payments?summarizeErrors=false', { body: { Payments: [...request.Payments, { Invoice: { InvoiceID: id }, Account: { Code: '090' }, Amount: 1000 }] } });
    valid('Payments', put.json);
    const pid = (put.json as { Payments: Array<{ PaymentID: string }> }).Payments[0]?.PaymentID ?? '';
    const refused = await call(s, t, 'PUT', '/Payments', { body: { Invoice: { InvoiceID: id }, Account: { Code: '090' }, Amount: 1000 } });
    assert.equal(refused.status, 400);
    valid('Error', refused.json);
    valid('Payments', (await call(s, t, 'GET', '/Payments?page=1')).json);
    valid('Payments', (await call(s, t, 'GET', `/Payments/${pid}`)).json);
    assert.equal(requestSchemaErrors('PaymentDelete', { Status: 'DELETED' }), null);
    valid('Payments', (await call(s, t, 'POST', `/Payments/${pid}`, { body: { Status: 'DELETED' } })).json);
    valid('Invoices', (await call(s, t, 'GET', `/Invoices/${id}`)).json);
    valid('CreditNotes', (await call(s, t, 'GET', `/CreditNotes/${cnId}`)).json);
    for (const report of ['TrialBalance', 'BalanceSheet']) {
      const r = await call(s, t, 'GET', `/Reports/${report}?date=2026-01-31`);
      assert.equal(r.status, 200);
      valid('ReportWithRows', r.json);
    }
    for (const action of ['approve', 'edit', 'pay', 'void']) {
      const draft = await call(s, t, 'PUT', '/Invoices', {
        body: { Type: 'ACCREC', Contact: { Name: 'Boom FM' }, Date: '2026-01-05', LineItems: [{ Quantity: 1, UnitAmount: 50, AccountCode: '200' }] },
      });
      const did = (draft.json as { Invoices: Array<{ InvoiceID: string }> }).Invoices[0]?.InvoiceID ?? '';
      if (action === 'pay') await control(s, 'POST', `/organisations/${NZ}/invoices/${did}/approve`);
      const r = await control(s, 'POST', `/organisations/${NZ}/invoices/${did}/${action}`, action === 'edit' ? { Lines: [{ index: 0, LineAmount: 60 }] } : {});
      assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.json)}`);
      valid('Invoice', r.json);
    }
  });
});

test('xero-node reads every list endpoint without losing data', async () => {
  await withSandbox(async (s) => {
    const xero = await sdk(s);
    const api = xero.accountingApi;
    assert.equal((await api.getAccounts(NZ)).body.accounts?.find((a) => a.code === '860')?.systemAccount?.toString(), 'ROUNDING');
    assert.equal((await api.getAccounts(NZ)).body.accounts?.find((a) => a.code === '201')?.status?.toString(), 'ARCHIVED');
    const rates = (await api.getTaxRates(NZ)).body.taxRates ?? [];
    assert.deepEqual(
      rates.filter((r) => r.taxType === 'OUTPUT2').map((r) => [r.effectiveRate, r.canApplyToRevenue, r.canApplyToExpenses]),
      [[15, true, false]],
    );
    assert.equal((await api.getCurrencies(NZ)).body.currencies?.[0]?.code?.toString(), 'NZD');
    assert.equal((await api.getTrackingCategories(NZ)).body.trackingCategories?.length, 2);
    assert.equal((await api.getOrganisations(NZ)).body.organisations?.[0]?.baseCurrency?.toString(), 'NZD');
    assert.ok(((await api.getContacts(NZ)).body.contacts ?? []).length >= 3);
    assert.deepEqual((await api.getInvoices(NZ)).body.invoices, []);
    assert.deepEqual((await api.getCreditNotes(NZ)).body.creditNotes, []);
    assert.deepEqual((await api.getManualJournals(NZ)).body.manualJournals, []);
    assert.deepEqual((await api.getPayments(NZ)).body.payments, []);
  });
});
