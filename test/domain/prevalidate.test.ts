import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prevalidate, type PrevalidateResult } from '../../src/domain/prevalidate.ts';
import { defaultSettings, applySettingsPatch, type OrgSettings } from '../../src/domain/settings.ts';
import { checkEmail, checkTaxNumber, isValidAbn } from '../../src/domain/contact-rules.ts';
import { demoReference, doc, journal, salesInvoice } from './fixtures.ts';

const today = '2026-11-23';
function settings(patch: Record<string, unknown> = {}): OrgSettings {
  const r = applySettingsPatch(defaultSettings(), patch);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.settings;
}
const codes = (r: PrevalidateResult) => (r.ok === false ? r.failures.map((f) => f.code) : []);
const line = { productCode: 'WIDGET', description: 'Widget', quantity: 2, unitPrice: '19.95', taxCode: 'G.S.T.' };

test('a good invoice passes unchanged', () => {
  const r = prevalidate(salesInvoice([line]), { settings: settings(), reference: demoReference(), today });
  assert.deepEqual(r, { ok: true, dropped: [], date: '2026-11-20' });
});

test('lock dates: fail, move to the first open day, or hold', () => {
  const reference = demoReference({ PeriodLockDate: '2026-11-30', EndOfYearLockDate: '2026-03-31' });
  const inv = salesInvoice([line]);
  const failed = prevalidate(inv, { settings: settings(), reference, today });
  assert.deepEqual(codes(failed), ['period_lock_date']);
  assert.ok(failed.ok === false && failed.failures[0]?.message === 'The document date 2026-11-20 is on or before the period lock date 2026-11-30 set in Xero.');
  assert.match(failed.ok === false ? (failed.failures[0]?.action ?? '') : '', /lock-date policy/);
  const moved = prevalidate(inv, { settings: settings({ lockDatePolicy: 'move_to_first_open_day' }), reference, today });
  // The period lock (2026-11-30) is the later one, so it is the one that sets the first open day.
  assert.deepEqual(moved, { ok: true, dropped: [], date: '2026-12-01', moved: { from: '2026-11-20', to: '2026-12-01', lockKind: 'period', lockDate: '2026-11-30' } });
  const held = prevalidate(inv, { settings: settings({ lockDatePolicy: 'hold' }), reference, today });
  assert.equal(held.ok, 'hold');
  assert.ok(held.ok === 'hold' && /period lock date 2026-11-30/.test(held.reason));
  const eoy = prevalidate(salesInvoice([line], { date: '2026-03-31' }), { settings: settings(), reference, today });
  assert.deepEqual(codes(eoy), ['end_of_year_lock_date']);
  const onDayAfter = prevalidate(salesInvoice([line], { date: '2026-12-01' }), { settings: settings(), reference, today });
  assert.equal(onDayAfter.ok, true);
});

test('unknown and archived accounts after role resolution, with the mapping named', () => {
  const unknown = prevalidate(salesInvoice([line]), { settings: settings({ accounts: { sales: '999' } }), reference: demoReference(), today });
  assert.deepEqual(codes(unknown), ['account_code_invalid']);
  assert.ok(unknown.ok === false && unknown.failures[0]?.message === "Account code '999' (line 1, the 'sales' mapping) does not exist in Xero's chart of accounts.");
  const archived = prevalidate(salesInvoice([{ ...line, account: '260' }]), { settings: settings(), reference: demoReference(), today });
  assert.deepEqual(codes(archived), ['account_code_archived']);
});

test('sales account precedence: line code, product group, customer, default', () => {
  const s = settings({ productGroupSalesAccounts: { Wholesale: '201' }, customerSalesAccounts: { 'CUST-001': '999' } });
  const byGroup = prevalidate(salesInvoice([{ ...line, productGroup: 'Wholesale' }]), { settings: s, reference: demoReference(), today });
  assert.equal(byGroup.ok, true, 'product group wins over the (broken) customer mapping');
  const byCustomer = prevalidate(salesInvoice([line]), { settings: s, reference: demoReference(), today });
  assert.ok(byCustomer.ok === false && /customer mapping/.test(byCustomer.failures[0]?.message ?? ''));
  const byLine = prevalidate(salesInvoice([{ ...line, account: '200' }]), { settings: s, reference: demoReference(), today });
  assert.equal(byLine.ok, true);
});

test('tax: unmapped per direction, unknown TaxType, not allowed on the account', () => {
  const unmapped = prevalidate(salesInvoice([{ ...line, taxCode: 'VAT20' }]), { settings: settings(), reference: demoReference(), today });
  assert.deepEqual(codes(unmapped), ['tax_code_unmapped']);
  assert.ok(unmapped.ok === false && unmapped.failures[0]?.message === 'Tax code VAT20 is not mapped to a Xero tax rate for sales.');
  const bill = doc({ kind: 'purchase_bill', sourceId: 'PB-1', date: '2026-11-20', contact: 'SUP', lines: [{ description: 'x', unitPrice: 5, taxCode: 'PST' }] });
  const billR = prevalidate(bill, { settings: settings({ taxMappings: { sales: { PST: 'OUTPUT2' } } }), reference: demoReference(), today });
  assert.ok(billR.ok === false && /for purchases/.test(billR.failures[0]?.message ?? ''), 'mapped for sales only is unmapped for purchases');
  const unknownType = prevalidate(salesInvoice([line]), { settings: settings({ taxMappings: { sales: { 'G.S.T.': 'OUTPUT9' } } }), reference: demoReference(), today });
  assert.deepEqual(codes(unknownType), ['tax_type_unknown']);
  const wrongSide = prevalidate(salesInvoice([line]), { settings: settings({ taxMappings: { sales: { 'G.S.T.': 'INPUT2' } } }), reference: demoReference(), today });
  assert.deepEqual(codes(wrongSide), ['tax_type_not_allowed_for_account']);
  const noTax = prevalidate(salesInvoice([{ ...line, taxCode: 'VAT20' }], { amountsAre: 'no_tax' }), { settings: settings(), reference: demoReference(), today });
  assert.equal(noTax.ok, true, 'no_tax documents need no tax mapping');
});

test('values below 0.005: dropped with a reason, or failed, and nothing left to export', () => {
  const inv = salesInvoice([line, { description: 'Sample', quantity: 1, unitPrice: '0.004', taxCode: 'G.S.T.' }]);
  const dropped = prevalidate(inv, { settings: settings(), reference: demoReference(), today });
  assert.equal(dropped.ok, true);
  assert.ok(dropped.ok === true && dropped.dropped.length === 1 && dropped.dropped[0]?.line === 1 && /line 2 dropped: Sample is worth 0.004/.test(dropped.dropped[0].reason));
  const failed = prevalidate(inv, { settings: settings({ roundingPolicy: 'fail' }), reference: demoReference(), today });
  assert.deepEqual(codes(failed), ['zero_value_line']);
  const allTiny = prevalidate(salesInvoice([{ description: 'a', unitPrice: '0.001' }]), { settings: settings(), reference: demoReference(), today });
  assert.deepEqual(codes(allTiny), ['nothing_to_export']);
  const free = prevalidate(salesInvoice([line, { description: 'Free gift', unitPrice: '0' }]), { settings: settings(), reference: demoReference(), today });
  assert.deepEqual(free, { ok: true, dropped: [], date: '2026-11-20' }, 'an explicit zero line is fine');
});

test('journals: unbalanced, below 0.005, rounding account', () => {
  const unbalanced = prevalidate(
    journal([
      { account: 'stock_on_hand', amount: '100' },
      { account: 'cogs', amount: '-10' },
    ]),
    { settings: settings(), reference: demoReference(), today },
  );
  assert.deepEqual(codes(unbalanced), ['journal_unbalanced']);
  assert.ok(unbalanced.ok === false && unbalanced.failures[0]?.message === 'The total debits (100.00) must equal total credits (-10.00).');
  const tiny = prevalidate(
    journal([
      { account: 'stock_on_hand', amount: '0.004' },
      { account: 'cogs', amount: '-0.004' },
    ]),
    { settings: settings(), reference: demoReference(), today },
  );
  assert.deepEqual(codes(tiny), ['nothing_to_export']);
  const tinyFail = prevalidate(
    journal([
      { account: 'stock_on_hand', amount: '0.004' },
      { account: 'cogs', amount: '-0.004' },
    ]),
    { settings: settings({ roundingPolicy: 'fail' }), reference: demoReference(), today },
  );
  assert.deepEqual(codes(tinyFail), ['zero_value_line', 'zero_value_line']);
  const cents = journal([
    { account: 'stock_on_hand', amount: '10.005' },
    { account: 'cogs', amount: '-5.0025' },
    { account: 'cogs', amount: '-5.0025' },
  ]);
  const noRounding = prevalidate(cents, { settings: settings({ accounts: { rounding: '999' } }), reference: demoReference(), today });
  assert.deepEqual(codes(noRounding), ['account_code_invalid'], 'the rounding line needs a valid rounding account');
  assert.equal(prevalidate(cents, { settings: settings(), reference: demoReference(), today }).ok, true);
});

test('currency not enabled; tracking must exist', () => {
  assert.deepEqual(codes(prevalidate(salesInvoice([line], { currency: 'EUR' }), { settings: settings(), reference: demoReference(), today })), ['currency_not_enabled']);
  assert.equal(prevalidate(salesInvoice([line], { currency: 'AUD' }), { settings: settings(), reference: demoReference(), today }).ok, true);
  const t = (tracking: unknown, s = settings()) => prevalidate(salesInvoice([{ ...line, tracking }]), { settings: s, reference: demoReference(), today });
  assert.equal(t([{ category: 'Region', option: 'north' }]).ok, true);
  assert.deepEqual(codes(t([{ category: 'Region', option: 'East' }])), ['tracking_not_found']);
  assert.equal(t([{ category: 'Area', option: 'South' }], settings({ tracking: [{ sourceCategory: 'Area', xeroCategory: 'Region' }] })).ok, true);
});

test('contacts: email rules and tax numbers by organisation country', () => {
  const c = (fields: Record<string, unknown>, country = 'NZ') =>
    prevalidate(doc({ kind: 'customer', sourceId: 'C1', name: 'Acme', ...fields }), { settings: settings(), reference: demoReference({ CountryCode: country }), today });
  assert.equal(c({ email: 'ap@acme.test', taxNumber: '123-456-789' }).ok, true);
  const two = c({ email: 'a@acme.test, b@acme.test' });
  assert.deepEqual(codes(two), ['email_invalid']);
  assert.ok(two.ok === false && /only one address/.test(two.failures[0]?.message ?? ''));
  assert.deepEqual(codes(c({ taxNumber: '12345' })), ['contact_tax_number_invalid']);
  assert.deepEqual(codes(c({ taxNumber: '51 824 753 556' }, 'AU')), []);
  assert.deepEqual(codes(c({ taxNumber: '51 824 753 557' }, 'AU')), ['contact_tax_number_invalid']);
  assert.deepEqual(codes(c({ taxNumber: 'anything' }, 'US')), [], 'unknown countries are not checked');
  assert.deepEqual(codes(c({ currency: 'EUR' })), ['currency_not_enabled']);
});

test('email and tax-number rules', () => {
  assert.deepEqual(checkEmail('ann@acme.co.nz'), { ok: true });
  for (const bad of ['ann@acme', 'ann acme@x.com', 'a@b.com;c@d.com', 'ann@@acme.com', 'Ann <ann@acme.com>', '@acme.com']) {
    assert.equal(checkEmail(bad).ok, false, bad);
  }
  assert.equal(isValidAbn('51824753556'), true);
  assert.equal(isValidAbn('12345678901'), false);
  assert.deepEqual(checkTaxNumber('GB123456789', 'GB'), { ok: true });
  assert.deepEqual(checkTaxNumber('GB 123 4567 89 012', 'GB'), { ok: true });
  assert.equal(checkTaxNumber('GB12345', 'GB').ok, false);
  assert.deepEqual(checkTaxNumber('12-345-678', 'NZ'), { ok: true });
});
