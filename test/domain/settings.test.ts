import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applySettingsPatch, defaultSettings, orgSettingsSchema } from '../../src/domain/settings.ts';
import { mappingHealth } from '../../src/domain/mapping-health.ts';
import { demoReference } from './fixtures.ts';

test('defaults: account roles, tax mappings, policies, statuses', () => {
  const s = defaultSettings();
  assert.deepEqual(s.accounts, { sales: '200', cogs: '310', stock_on_hand: '630', purchases: '300', freight: '425', rounding: '860' });
  assert.equal(s.taxMappings.sales['G.S.T.'], 'OUTPUT2');
  assert.equal(s.taxMappings.purchases['G.S.T.'], 'INPUT2');
  assert.equal(s.taxMappings.sales.NONE, 'NONE');
  assert.equal(s.sendCustomerCodeAsAccountNumber, true);
  assert.equal(s.lockDatePolicy, 'fail');
  assert.equal(s.roundingPolicy, 'drop_zero_lines');
  assert.equal(s.xeroStatus.sales_invoice, 'AUTHORISED');
  assert.equal(s.xeroStatus.journal, 'POSTED');
});

test('stored JSON from an older version gains new defaults; patches merge fixed-shape objects', () => {
  const old = orgSettingsSchema.parse({ accounts: { sales: '201' }, lockDatePolicy: 'hold' });
  assert.equal(old.accounts.sales, '201');
  assert.equal(old.accounts.cogs, '310');
  const r = applySettingsPatch(old, { accounts: { freight: '426' }, taxMappings: { sales: { VAT: 'OUTPUT2' } } });
  assert.ok(r.ok);
  assert.equal(r.settings.accounts.sales, '201');
  assert.equal(r.settings.accounts.freight, '426');
  assert.deepEqual({ ...r.settings.taxMappings.sales }, { VAT: 'OUTPUT2' }, 'maps keyed by source values are replaced');
  assert.equal(r.settings.taxMappings.purchases['G.S.T.'], 'INPUT2');
  const bad = applySettingsPatch(old, { roundingPolicy: 'round', tracking: [{}, {}, {}], unknown: 1 });
  assert.ok(!bad.ok);
  assert.ok(bad.issues.some((i) => i.path === 'roundingPolicy'));
});

test('mapping health lists every mapping that no longer resolves', () => {
  const r = applySettingsPatch(defaultSettings(), {
    accounts: { freight: '999' },
    productGroupSalesAccounts: { Old: '260' },
    taxMappings: { sales: { 'G.S.T.': 'OUTPUT2', BAD: 'INPUT2' }, purchases: { X: 'GONE' } },
    tracking: [{ sourceCategory: 'Area', xeroCategory: 'Department' }],
  });
  assert.ok(r.ok);
  assert.deepEqual(
    mappingHealth(r.settings, demoReference()).map((p) => p.setting),
    ['accounts.freight', 'productGroupSalesAccounts["Old"]', 'taxMappings.sales["BAD"]', 'taxMappings.purchases["X"]', 'tracking[0]'],
  );
  assert.deepEqual(mappingHealth(defaultSettings(), demoReference()), []);
});
