/**
 * Reconciliation's rules on generated inputs: a document is reported for exactly what differs (never
 * for a number spelt another way), a payment is news only when Xero's amount paid moves, and the
 * trial balance is read whatever its numbers look like.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import Decimal from 'decimal.js';
import { differencesOf, paymentMoved, xeroStateOf, type XeroState } from '../../src/engine/reconciliation/differences';
import { trialBalanceOf } from '../../src/engine/reconciliation/xero-reads';
import { ConfigError, loadConfig } from '../../src/config/config';

const cents = fc.integer({ min: -10_000_000, max: 10_000_000 }).map((n) => new Decimal(n).dividedBy(100));
const day = fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const guid = fc.uuid();

function state(over: Partial<XeroState>): XeroState {
  return { xeroId: 'x', status: 'AUTHORISED', date: null, total: null, contactId: null, amountPaid: null, amountDue: null, fullyPaidOn: null, updatedAt: null, ...over };
}

describe('reconciliation rules', () => {
  test('the same values, however Xero spells them, differ in nothing; each changed field is named once', () => {
    fc.assert(
      fc.property(cents, day, guid, cents, day, guid, fc.constantFrom('AUTHORISED', 'PAID'), (total, date, contact, otherTotal, otherDate, otherContact, status) => {
        const exported = { total: total.toFixed(2), date, contactId: contact, configuredStatus: 'AUTHORISED' };
        const record = { InvoiceID: 'ID', Status: status, Total: total.toNumber(), Date: `/Date(${Date.parse(date)}+0000)/`, Contact: { ContactID: contact.toUpperCase() } };
        assert.deepEqual(differencesOf(exported, xeroStateOf(record, 'InvoiceID')), []);
        const changed = xeroStateOf({ ...record, Total: otherTotal.toFixed(4), Date: `${otherDate}T00:00:00`, Contact: { ContactID: otherContact } }, 'InvoiceID');
        const want = [...(otherTotal.eq(total) ? [] : ['total_differs']), ...(otherDate === date ? [] : ['date_differs']), ...(otherContact === contact ? [] : ['contact_differs'])];
        assert.deepEqual(differencesOf(exported, changed), want);
      }),
    );
  });

  test('voided, deleted and missing say only that; a draft is reported only when Settings ask for approved documents', () => {
    const exported = { total: '1.00', date: '2026-01-01', contactId: null, configuredStatus: 'AUTHORISED' };
    assert.deepEqual(differencesOf(exported, state({ status: 'VOIDED', total: '2.00' })), ['voided_in_xero']);
    assert.deepEqual(differencesOf(exported, state({ status: 'DELETED' })), ['deleted_in_xero']);
    assert.deepEqual(differencesOf(exported, 'missing'), ['missing_in_xero']);
    for (const s of ['DRAFT', 'SUBMITTED']) assert.deepEqual(differencesOf(exported, state({ status: s })), ['still_draft']);
    assert.deepEqual(differencesOf({ ...exported, configuredStatus: 'DRAFT' }, state({ status: 'DRAFT' })), []);
    assert.deepEqual(differencesOf({ ...exported, configuredStatus: 'SUBMITTED' }, state({ status: 'DRAFT' })), ['still_draft']);
    assert.deepEqual(differencesOf({ ...exported, configuredStatus: 'POSTED' }, state({ status: 'DRAFT' })), ['still_draft']);
  });

  test('a payment is news when the amount paid moves or the document becomes fully paid, never for a zero', () => {
    fc.assert(
      fc.property(
        fc.option(cents.map((c) => c.abs().toFixed(2))),
        cents.map((c) => c.abs().toFixed(2)),
        (before, now) => {
          const moved = paymentMoved(before === null ? null : { amountPaid: before, fullyPaidOn: null }, state({ amountPaid: now }));
          assert.equal(moved, new Decimal(now).gt(0) && !new Decimal(now).eq(before ?? 0));
        },
      ),
    );
    assert.equal(paymentMoved({ amountPaid: '5.00', fullyPaidOn: null }, state({ amountPaid: '5.00', fullyPaidOn: '2026-01-02' })), true);
  });

  test('the trial balance: debit less credit per account code, thousands separators and empty cells included', () => {
    const row = (name: string, debit: string, credit: string) => ({ RowType: 'Row', Cells: [{ Value: name }, { Value: debit }, { Value: credit }, { Value: '' }, { Value: '' }] });
    const body = {
      Reports: [
        {
          Rows: [
            { RowType: 'Header', Cells: [{ Value: 'Account' }] },
            { RowType: 'Section', Title: 'Revenue', Rows: [row('Sales (200)', '', '1,234.50'), row('Sales - Old (Range) (201)', '10.00', '')] },
            { RowType: 'Section', Title: 'Assets', Rows: [row('Inventory (630)', '120.00', ''), { RowType: 'SummaryRow', Cells: [{ Value: 'Total (x)' }, { Value: '1' }] }] },
          ],
        },
      ],
    };
    const tb = trialBalanceOf(body);
    assert.deepEqual(
      [...tb].map(([k, v]) => [k, v.toFixed(2)]),
      [
        ['200', '-1234.50'],
        ['201', '10.00'],
        ['630', '120.00'],
      ],
    );
    assert.equal(trialBalanceOf(null).size, 0);
    assert.equal(trialBalanceOf({ Reports: [{ Rows: 'nonsense' }] }).size, 0);
  });

  test('the configuration: daily, a tenth of 5,000 calls, as documented; out-of-range values named', () => {
    assert.deepEqual(loadConfig({}).reconcile, { everyHours: 24, budgetShare: 0.1, dailyLimit: 5000 });
    assert.deepEqual(loadConfig({ XPORT_RECONCILE_EVERY_HOURS: '0.5', XPORT_RECONCILE_BUDGET_SHARE: '0.25', XPORT_XERO_DAILY_LIMIT: '1000' }).reconcile, {
      everyHours: 0.5,
      budgetShare: 0.25,
      dailyLimit: 1000,
    });
    assert.throws(
      () => loadConfig({ XPORT_RECONCILE_BUDGET_SHARE: '1.5', XPORT_RECONCILE_EVERY_HOURS: '-1', XPORT_XERO_DAILY_LIMIT: 'lots' }),
      (err: unknown) => err instanceof ConfigError && /XPORT_RECONCILE_BUDGET_SHARE/.test(err.message) && /XPORT_RECONCILE_EVERY_HOURS/.test(err.message) && /XPORT_XERO_DAILY_LIMIT/.test(err.message),
    );
  });
});
