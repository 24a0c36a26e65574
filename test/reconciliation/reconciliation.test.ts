/**
 * Reconciliation end to end on both databases: documents exported to the sandbox, then voided, deleted,
 * edited and paid there as a Xero user would; the next run reports each change once (and nothing for
 * untouched documents), with its events in the outbox, and the document look-up shows Xero's state.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';
import { assertExported, customer, exportOf, isoDay, patchSettings, post, purchaseBill, salesInvoice, supplier } from '../engine-e2e/helpers';
import fc from 'fast-check';
import { hostileText } from '../property/hostile';
import { inXero, outbox, report, runNow, sorted } from './helpers';

for (const kind of databaseKinds()) {
  describe(`reconciliation (${kind})`, () => {
    let h: Harness;
    const ids: Record<string, number> = {};
    before(async () => {
      h = await startHarness(kind, { sandbox: { limits: { enabled: false } }, runtime: { noClientLimits: true } });
      await patchSettings(h, { xeroStatus: { purchase_bill: 'DRAFT' } });
      await post(h, customer('CUST-R', 'Reconcile Customer'), supplier('SUP-R', 'Reconcile Supplier'));
      await h.drain();
      const names = ['SO-R1', 'SO-R2', 'SO-R3', 'SO-R4', 'SO-R5'];
      const exportIds = await post(h, ...names.map((n) => salesInvoice(n, 'CUST-R')), purchaseBill('PB-R1', 'SUP-R'));
      [...names, 'PB-R1'].forEach((n, i) => (ids[n] = exportIds[i] ?? 0));
      await h.drain();
      for (const id of Object.values(ids)) assertExported(await exportOf(h, id));
    });
    after(async () => h.close());

    test('before any change in Xero: nothing differs, no event, the look-up shows what the export recorded', async () => {
      const before = await h.api('GET', '/api/v1/documents/sales_invoice/SO-R1');
      assert.equal(before.status, 200);
      const doc = before.json as Record<string, unknown>;
      assert.equal(doc.status, 'exported');
      assert.equal(doc.xeroStatus, null, 'not read from Xero yet');
      assert.equal(doc.xeroTotal, '45.89');
      assert.match(
        String(doc.xeroUrl),
        /^https:\/\/go\.xero\.com\/organisationlogin\/default\.aspx\?shortcode=[^&]+&redirecturl=%2FAccountsReceivable%2FView\.aspx%3FInvoiceID%3D/,
        "through the organisation's short code",
      );
      const run = await runNow(h);
      assert.equal(run.outcome, 'complete', run.message ?? '');
      assert.equal(run.checked, 6, 'every exported document was read (the first read is of the whole lists)');
      assert.deepEqual(run.newDifferences, []);
      assert.equal((await report(h)).documents.length, 0);
      assert.equal((await outbox(h, 'document.changed_in_xero')).length, 0);
      const after = (await h.api('GET', '/api/v1/documents/sales_invoice/SO-R1')).json as Record<string, unknown>;
      assert.equal(after.xeroStatus, 'AUTHORISED');
      assert.equal(after.amountPaid, '0.00');
      assert.equal(after.amountDue, '45.89');
    });

    test('void, delete, edit and pay in Xero: the next run reports each once, with its events', async () => {
      await inXero(h, ids['SO-R2'] ?? 0, 'void');
      await inXero(h, ids['PB-R1'] ?? 0, 'delete');
      await inXero(h, ids['SO-R3'] ?? 0, 'edit', { Date: isoDay(-3) });
      await inXero(h, ids['SO-R4'] ?? 0, 'edit', { Lines: [{ index: 0, LineAmount: 50 }] });
      await inXero(h, ids['SO-R5'] ?? 0, 'pay', { Amount: 10 });
      const run = await runNow(h);
      assert.equal(run.outcome, 'complete', run.message ?? '');
      const want = ['PB-R1:deleted_in_xero', 'SO-R2:voided_in_xero', 'SO-R3:date_differs', 'SO-R4:total_differs'];
      assert.deepEqual(sorted(run.newDifferences), want);
      assert.equal(run.paid, 1);
      const r = await report(h);
      assert.deepEqual(sorted(r.documents), want, 'nothing for SO-R1 (untouched) or SO-R5 (paid, not changed)');
      const voided = r.documents.find((d) => d.issue === 'voided_in_xero');
      assert.equal(voided?.xero.status, 'VOIDED');
      assert.ok(voided?.actions.some((a) => a.code === 're_export'));
      const edited = r.documents.find((d) => d.issue === 'total_differs');
      assert.equal(edited?.xport.total, '45.89');
      assert.equal(edited?.xero.total, '57.50');
      const log = (await h.api('GET', '/api/v1/log?level=error&q=SO-R2')).json as { entries: Array<{ event: string; message: string; exportId: number | null }> };
      const entry = log.entries.find((e) => e.event === 'reconciliation.difference');
      assert.ok(entry, `the void is in the Connection Log: ${JSON.stringify(log.entries)}`);
      assert.equal(entry.exportId, ids['SO-R2']);
      assert.match(entry.message, /Voided in Xero/);
      const runs = (await h.api('GET', '/api/v1/log?q=Reconciliation')).json as { entries: Array<{ event: string; message: string }> };
      assert.ok(
        runs.entries.some((e) => e.event === 'reconciliation.run' && /4 new differences/.test(e.message)),
        JSON.stringify(runs.entries.map((e) => e.message)),
      );
      const changed = await outbox(h, 'document.changed_in_xero');
      assert.deepEqual(sorted(changed.map((e) => ({ sourceId: String(e.data.sourceId), issue: String(e.data.issue) }))), want);
      for (const e of changed) {
        for (const field of ['exportId', 'kind', 'sourceId', 'revision', 'reference', 'xeroId', 'xeroUrl', 'cause', 'xport', 'xero'])
          assert.ok(field in e.data, `${field} in ${JSON.stringify(e.data)}`);
      }
      const paid = await outbox(h, 'document.paid');
      assert.equal(paid.length, 1);
      assert.deepEqual(
        { ...paid[0]?.data, xeroId: undefined, xeroUrl: undefined },
        {
          exportId: ids['SO-R5'],
          kind: 'sales_invoice',
          sourceId: 'SO-R5',
          revision: 1,
          reference: 'SO-R5',
          xeroId: undefined,
          xeroUrl: undefined,
          amountPaid: '10.00',
          amountDue: '35.89',
          fullyPaidOn: null,
          xeroStatus: 'AUTHORISED',
        },
      );
      const doc = (await h.api('GET', '/api/v1/documents/sales_invoice/SO-R5')).json as Record<string, unknown>;
      assert.deepEqual([doc.xeroStatus, doc.amountPaid, doc.amountDue, doc.fullyPaidOn], ['AUTHORISED', '10.00', '35.89', null]);
    });

    test('paid in full: document.paid again with fullyPaidOn; the differences already reported are not reported again', async () => {
      await inXero(h, ids['SO-R5'] ?? 0, 'pay', { Date: isoDay(0) });
      const run = await runNow(h);
      assert.deepEqual(run.newDifferences, []);
      const paid = await outbox(h, 'document.paid');
      assert.equal(paid.length, 2);
      assert.deepEqual([paid[1]?.data.xeroStatus, paid[1]?.data.amountPaid, paid[1]?.data.amountDue, paid[1]?.data.fullyPaidOn], ['PAID', '45.89', '0.00', isoDay(0)]);
      assert.equal((await outbox(h, 'document.changed_in_xero')).length, 4, 'not again');
      assert.equal((await report(h)).documents.length, 4, 'still outstanding');
      const doc = (await h.api('GET', '/api/v1/documents/sales_invoice/SO-R5')).json as Record<string, unknown>;
      assert.deepEqual([doc.xeroStatus, doc.amountDue, doc.fullyPaidOn], ['PAID', '0.00', isoDay(0)]);
      const quiet = await runNow(h);
      assert.deepEqual([quiet.newDifferences, quiet.paid], [[], 0], 'a run with nothing new raises nothing');
    });

    test("accepting Xero's version: no longer listed nor reported again; a later change in Xero is new", async () => {
      const id = ids['SO-R3'] ?? 0;
      const accepted = await h.api('POST', `/api/v1/reconciliation/${id}/accept`);
      assert.equal(accepted.status, 200, JSON.stringify(accepted.json));
      assert.deepEqual(accepted.json, { exportId: id, accepted: ['date_differs'] });
      assert.deepEqual(sorted((await report(h)).documents), ['PB-R1:deleted_in_xero', 'SO-R2:voided_in_xero', 'SO-R4:total_differs']);
      assert.deepEqual((await runNow(h)).newDifferences, []);
      assert.equal((await h.api('POST', `/api/v1/reconciliation/${id}/accept`)).status, 404, 'nothing left to accept');
      assert.equal((await h.api('POST', '/api/v1/reconciliation/999999/accept')).status, 404);
      assert.equal((await h.api('POST', '/api/v1/reconciliation/abc/accept')).status, 400);
      const doc = (await h.api('GET', '/api/v1/documents/sales_invoice/SO-R3')).json as { differences: Array<{ issue: string; accepted: boolean }> };
      assert.deepEqual(
        doc.differences.map((d) => [d.issue, d.accepted]),
        [['date_differs', true]],
      );
      await inXero(h, id, 'edit', { Lines: [{ index: 0, LineAmount: 60 }] });
      const run = await runNow(h);
      assert.deepEqual(sorted(run.newDifferences), ['SO-R3:total_differs'], 'the accepted date is not reported again');
      assert.deepEqual(sorted((await report(h)).documents), ['PB-R1:deleted_in_xero', 'SO-R2:voided_in_xero', 'SO-R3:total_differs', 'SO-R4:total_differs']);
    });

    test('account balances: Xero beside xport and the source, the variance explained by the changed documents', async () => {
      const posted = await h.api('POST', '/api/v1/valuations', { date: isoDay(0), account: 'stock_on_hand', value: '120' });
      assert.equal(posted.status, 201, JSON.stringify(posted.json));
      await runNow(h);
      const { balances } = await report(h);
      const sales = balances.find((b) => b.role === 'sales');
      const stock = balances.find((b) => b.role === 'stock_on_hand');
      assert.equal(sales?.accountCode, '200');
      assert.equal(sales?.xportValue, '-199.50', 'five invoices of 39.90 net credited to sales');
      const tb = await h.xeroGet(`/Reports/TrialBalance?date=${isoDay(0)}`);
      assert.ok(JSON.stringify(tb).includes('(200)'));
      assert.notEqual(sales?.variance, '0.00', 'a voided and an edited invoice');
      const explained = (sales?.explainedBy as Array<{ sourceId: string }>).map((e) => e.sourceId).sort();
      assert.deepEqual(explained, ['SO-R2', 'SO-R3', 'SO-R4']);
      assert.equal(stock?.sourceValue, '120.00');
    });

    test('the document look-up: 404 for an unknown document, 400 for an unknown kind, both in the error envelope', async () => {
      const unknown = await h.api('GET', '/api/v1/documents/sales_invoice/NOPE-1');
      assert.equal(unknown.status, 404);
      assert.equal((unknown.json as { error: { code: string } }).error.code, 'not_found');
      const badKind = await h.api('GET', '/api/v1/documents/invoice/SO-R1');
      assert.equal(badKind.status, 400);
      assert.equal((badKind.json as { error: { code: string } }).error.code, 'invalid_request');
      for (const body of [
        {},
        { date: '2026-02-30', account: 'sales', value: '1' },
        { date: isoDay(0), account: '', value: '1' },
        { date: isoDay(0), account: 'sales', value: '1e3' },
        { date: isoDay(0), account: 'sales', value: 1, extra: 1 },
      ]) {
        const res = await h.api('POST', '/api/v1/valuations', body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal((res.json as { error: { code: string } }).error.code, 'invalid_request');
      }
    });

    test('the look-up finds a document by any source id the API accepted, and answers 404 (never 500) for one it did not', async () => {
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(hostileText(60), async (text) => {
          // Unique per run: the same text may be generated twice.
          const sourceId = `${accepted}-${Math.random().toString(36).slice(2, 8)}${text}`;
          const path = `/api/v1/documents/customer/${encodeURIComponent(sourceId)}`;
          const before = await h.api('GET', path);
          assert.equal(before.status, 404, `${JSON.stringify(sourceId)}: ${JSON.stringify(before.json)}`);
          const posted = await h.api('POST', '/api/v1/documents', customer(sourceId, `Hostile ${sourceId}`));
          if (posted.status !== 202) return;
          accepted += 1;
          const found = await h.api('GET', path);
          assert.equal(found.status, 200, JSON.stringify(found.json));
          assert.equal((found.json as { sourceId: string }).sourceId, sourceId);
        }),
        { numRuns: 25 },
      );
      assert.ok(accepted > 10, `only ${accepted} of the generated ids were accepted`);
    });
  });
}
