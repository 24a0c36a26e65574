/**
 * /api/docs renders the API reference in a real browser: every operation of the document is listed,
 * with nothing loaded from anywhere but xport itself and no Content-Security-Policy violation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startHarness, type Harness } from '../helpers/harness';
import { CHROMIUM_FLAGS } from '../ui/helpers';
import { fetchDocument, operations } from './openapi-helpers';

describe('the API reference page', () => {
  let h: Harness;
  let browser: Browser;
  before(async () => {
    h = await startHarness('sqlite');
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  });
  after(async () => {
    await browser.close();
    await h.close();
  });

  test('lists every operation, from xport alone, under the strict CSP, without signing in', async () => {
    const doc = await fetchDocument(h.url);
    const page = await browser.newPage();
    const problems: string[] = [];
    const elsewhere: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content.Security.Policy|Refused to/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith(h.url) && !r.url().startsWith('data:')) elsewhere.push(r.url());
    });
    const res = await page.goto(`${h.url}/api/docs`);
    assert.equal(res?.status(), 200);
    assert.match((await res?.allHeaders())?.['content-security-policy'] ?? '', /script-src 'self';/);
    await page.waitForSelector('.opblock-summary', { timeout: 20_000 });
    const shown = await page.$$eval('.opblock-summary', (els) => els.length);
    assert.equal(shown, operations(doc).length, 'one block per operation');
    assert.match(await page.innerText('.info'), /xport API/);
    // An operation opened shows its body's example, the documented one.
    await page.click('#operations-documents-postDocuments .opblock-summary');
    await page.waitForSelector('#operations-documents-postDocuments .body-param__example, #operations-documents-postDocuments .microlight', { timeout: 10_000 });
    assert.match(await page.innerText('#operations-documents-postDocuments'), /CUST-001/);
    await page.screenshot({ path: 'test-results/api-docs.png', fullPage: false });
    assert.deepEqual(elsewhere, [], 'nothing from another origin');
    assert.deepEqual(problems, [], 'no script error, no CSP violation');
    await page.close();
  });
});
