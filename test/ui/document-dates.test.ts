/**
 * The document page of an invoice the lock-date policy moved: the source date, the date sent to Xero
 * and why, and the Connection Log line that says so, as a person sees them in a browser.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { startHarness, type Harness } from '../helpers/harness';
import { customer, patchSettings, post, refreshReference, salesInvoice, setLockDates } from '../engine-e2e/helpers';
import { ADMIN_PASSWORD, CHROMIUM_FLAGS } from './helpers';

describe('the date in Xero on the document page', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('sqlite', { sandbox: { limits: { enabled: false } }, runtime: { noClientLimits: true }, env: { XPORT_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    await post(h, customer('CUST-LD', 'Lock Date Customer'));
    await h.drain();
  });
  after(async () => h.close());

  test('the document page shows the date in Xero beside the source date, and the log says why', { timeout: 60_000 }, async () => {
    await patchSettings(h, { lockDatePolicy: 'move_to_first_open_day' });
    await setLockDates(h, { PeriodLockDate: '2025-12-31' });
    await refreshReference(h);
    const [id] = await post(h, salesInvoice('SO-LD-1', 'CUST-LD', { date: '2025-06-01' }));
    await h.drain();
    const row = await h.rt.store.db.selectFrom('exports').select('document_id').where('id', '=', id!).executeTakeFirstOrThrow();
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
    try {
      const page = await (await browser.newContext({ baseURL: h.url })).newPage();
      await page.goto('/login');
      await page.fill('input[name=username]', 'admin');
      await page.fill('input[name=password]', ADMIN_PASSWORD);
      await Promise.all([page.waitForURL(/\/queue/), page.click('button:has-text("Sign in")')]);
      await page.goto(`/documents/${row.document_id}`);
      const facts = (await page.textContent('dl.facts')) ?? '';
      assert.match(facts, /Date\s*2025-06-01\s*Date in Xero\s*2026-01-01 moved by the lock-date policy/);
      assert.match((await page.textContent('#doc-log-grid')) ?? '', /dated 2026-01-01 in Xero instead of 2025-06-01: the period lock date is 2025-12-31/);
    } finally {
      await browser.close();
    }
  });
});
