/**
 * End to end through the browser and the real sandbox: an invoice fails on an unknown account
 * mapping; the bookkeeper picks the right account in Settings and presses Export on the failed row;
 * the invoice reaches Xero once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startHarness, type Harness } from '../helpers/harness';
import { ADMIN_PASSWORD, CHROMIUM_FLAGS } from './helpers';

describe('a mapping fix in settings followed by Export sends the item to Xero', () => {
  let h: Harness;
  let browser: Browser;
  before(async () => {
    h = await startHarness('sqlite', { env: { XPORT_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  });
  after(async () => {
    await browser.close();
    await h.close();
  });

  test('fail on account 999, re-map Sales to 200 in the browser, Export, exported once', { timeout: 90_000 }, async () => {
    assert.equal((await h.api('PATCH', '/api/v1/settings', { accounts: { sales: '999' } })).status, 200);
    const res = await h.api('POST', '/api/v1/documents', {
      documents: [
        { kind: 'customer', sourceId: 'CUST-MAP', name: 'Mapping Test Ltd' },
        {
          kind: 'sales_invoice',
          sourceId: 'SO-MAP-1',
          date: '2026-11-20',
          contact: 'CUST-MAP',
          lines: [{ description: 'Widget', quantity: 1, unitPrice: '10.00', taxCode: 'G.S.T.', account: 'sales' }],
        },
      ],
    });
    const exportId = (res.json as { documents: Array<{ exportId: number }> }).documents[1]?.exportId;
    await h.drain();
    const failed = (await h.api('GET', `/api/v1/exports/${exportId}`)).json as { status: string; errorCode: string };
    assert.deepEqual([failed.status, failed.errorCode], ['failed', 'account_code_invalid']);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: h.url });
    const page = await context.newPage();
    await page.goto('/login');
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', ADMIN_PASSWORD);
    await Promise.all([page.waitForURL(/\/queue/), page.click('button:has-text("Sign in")')]);
    await page.goto('/settings');
    assert.match((await page.textContent('#health')) ?? '', /999/);
    await page.selectOption('select[name=account_sales]', '200');
    await Promise.all([page.waitForURL(/#accounts/), page.click('#accounts button:has-text("Save")')]);

    await page.goto('/queue');
    const row = page.locator('tr', { hasText: 'SO-MAP-1' });
    await row.locator('button:has-text("Export")').click();
    // The page runs in the browser; the predicate is a string so that this file needs no DOM types.
    await page.waitForFunction(`!document.body.textContent.includes("Account code '999'")`);
    await h.drain();
    const done = (await h.api('GET', `/api/v1/exports/${exportId}`)).json as { status: string; xeroId: string };
    assert.equal(done.status, 'exported');
    const invoices = (await h.xeroGet('/Invoices?InvoiceNumbers=SO-MAP-1')).Invoices as Array<{ InvoiceID: string; LineItems: Array<{ AccountCode: string }> }>;
    assert.equal(invoices.length, 1);
    assert.equal(invoices[0]?.InvoiceID, done.xeroId);
    assert.equal(invoices[0]?.LineItems[0]?.AccountCode, '200');
    await context.close();
  });
});
