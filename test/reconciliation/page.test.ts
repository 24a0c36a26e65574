/**
 * The Reconciliation page in a real browser: reached from the navigation, "Run now" reads Xero, and the
 * invoice voided in Xero is listed with its cause and actions while the untouched one is not.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startHarness, type Harness } from '../helpers/harness';
import { customer, post, salesInvoice } from '../engine-e2e/helpers';
import { ADMIN_PASSWORD, CHROMIUM_FLAGS } from '../ui/helpers';
import { inXero, outbox } from './helpers';

describe('the Reconciliation page', () => {
  let h: Harness;
  let browser: Browser;
  before(async () => {
    h = await startHarness('sqlite', { sandbox: { limits: { enabled: false } }, runtime: { noClientLimits: true }, env: { XPORT_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    await post(h, customer('CUST-P', 'Page Customer'));
    await h.drain();
    const [voided] = await post(h, salesInvoice('SO-P1', 'CUST-P'), salesInvoice('SO-P2', 'CUST-P'));
    await h.drain();
    await inXero(h, voided ?? 0, 'void');
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  });
  after(async () => {
    await browser.close();
    await h.close();
  });

  test('Run now lists the voided invoice with its cause and what to do, and not the untouched one', { timeout: 60_000 }, async () => {
    const page = await (await browser.newContext({ baseURL: h.url })).newPage();
    await page.goto('/login');
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', ADMIN_PASSWORD);
    await Promise.all([page.waitForURL(/\/queue/), page.click('button:has-text("Sign in")')]);
    await Promise.all([page.waitForURL(/\/reconciliation$/), page.click('nav.nav a:has-text("Reconciliation")')]);
    assert.match((await page.textContent('main')) ?? '', /Not run yet/);
    await Promise.all([page.waitForURL(/\/reconciliation$/), page.click('#run-now')]);
    assert.match((await page.textContent('.alert')) ?? '', /Reconciled: 2 documents read from Xero, 1 new difference/);
    const rows = page.locator('#reconciliation-grid tbody tr');
    assert.equal(await rows.count(), 1);
    const row = (await rows.first().textContent()) ?? '';
    assert.match(row, /SO-P1/);
    assert.match(row, /Voided in Xero/);
    assert.match(row, /VOIDED/);
    assert.match(row, /Someone voided the document in Xero/);
    assert.match(row, /Re-export it as a new document/);
    assert.doesNotMatch((await page.textContent('#reconciliation-grid')) ?? '', /SO-P2/);
    assert.match((await page.textContent('#balances-grid')) ?? '', /Sales \(200\)/);
    assert.match((await page.textContent('#runs-grid')) ?? '', /web:admin/);
    assert.match((await page.textContent('#budget')) ?? '', /^\d+ of 500$/);
    assert.equal((await page.getAttribute('nav.nav a[href="/reconciliation"]', 'aria-current')) ?? '', 'page');
    const events = await outbox(h, 'document.changed_in_xero');
    assert.deepEqual(
      events.map((e) => [e.data.sourceId, e.data.issue]),
      [['SO-P1', 'voided_in_xero']],
    );
  });

  test('on a phone the navigation shows Reconciliation whole, and the grid reads as cards', { timeout: 60_000 }, async () => {
    const page = await (await browser.newContext({ baseURL: h.url, viewport: { width: 390, height: 844 } })).newPage();
    await page.goto('/login');
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', ADMIN_PASSWORD);
    await Promise.all([page.waitForURL(/\/queue/), page.click('button:has-text("Sign in")')]);
    await page.goto('/reconciliation');
    const link = page.locator('nav.nav a[href="/reconciliation"]');
    const box = await link.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390, JSON.stringify(box));
    assert.equal(await link.evaluate((el) => el.scrollWidth <= el.clientWidth), true, 'not cut');
    const cell = await page.locator('#reconciliation-grid td[data-label="Cause"]').first().boundingBox();
    assert.ok(cell && cell.x + cell.width <= 390, `the cause fits the screen: ${JSON.stringify(cell)}`);
  });

  test("Accept Xero's version takes the row off the list", { timeout: 60_000 }, async () => {
    const page = await (await browser.newContext({ baseURL: h.url })).newPage();
    await page.goto('/login');
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', ADMIN_PASSWORD);
    await Promise.all([page.waitForURL(/\/queue/), page.click('button:has-text("Sign in")')]);
    await page.goto('/reconciliation');
    await Promise.all([page.waitForURL(/\/reconciliation$/), page.click('#reconciliation-grid button:has-text("Accept Xero’s version")')]);
    assert.match((await page.textContent('.alert')) ?? '', /Xero’s version accepted \(voided_in_xero\)/);
    assert.equal(await page.locator('#reconciliation-grid').count(), 0);
    assert.match((await page.textContent('main')) ?? '', /Xero matches what xport exported/);
  });
});
