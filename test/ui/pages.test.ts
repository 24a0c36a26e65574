/**
 * Every page renders (at 1280 px and on a phone) without a script error or CSP violation; filters and
 * search narrow the grids; text from Xero or documents stays inert; the log never shows a token.
 * Screenshots go to XPORT_SCREENSHOTS_DIR (docs/screenshots to refresh the docs) or a temp folder.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { login, seedDemo, startRig, TENANT2, type Rig, type Seeded } from './helpers';

const SHOTS = process.env.XPORT_SCREENSHOTS_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'xport-shots-'));

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

async function rowCount(page: Page, selector: string): Promise<number> {
  return page.locator(`${selector} tbody tr`).count();
}

describe('web UI pages', () => {
  let rig: Rig;
  let data: Seeded;
  before(async () => {
    rig = await startRig();
    data = await seedDemo(rig.rt);
    fs.mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => rig.close());

  test('signing in is required, and the login page renders', async () => {
    const context = await rig.browser.newContext({ baseURL: rig.url });
    const page = await context.newPage();
    await page.goto('/queue');
    assert.match(page.url(), /\/login\?next=%2Fqueue/);
    await page.screenshot({ path: path.join(SHOTS, 'login-desktop.png') });
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', 'wrong-password');
    await page.click('button:has-text("Sign in")');
    assert.match((await page.textContent('.alert-error')) ?? '', /not right/);
    await context.close();
  });

  for (const [width, height, label] of [
    [1280, 900, 'desktop'],
    [390, 844, 'phone'],
  ] as const) {
    test(`every page renders at ${width} px with the banner and no script errors`, async () => {
      const { context, page } = await login(rig, { width, height });
      const errors = watchErrors(page);
      const logEntry = (await rig.rt.store.log.search({ tenantId: null, q: 'corr', limit: 1 })).entries[0];
      const pages: Array<[string, string, RegExp]> = [
        ['/queue', 'queue', /Manage Xero Queue/],
        ['/queue?view=groups', 'queue-groups', /Manage Xero Queue/],
        ['/documents', 'documents', /Documents/],
        [`/documents/${data.failedAccount[0]}`, 'document', /Sales Invoice SO-1001/],
        ['/log', 'log', /Connection Log/],
        [`/log/${logEntry?.id ?? 1}`, 'log-entry', /Connection Log entry/],
        ['/settings', 'settings', /Settings/],
        ['/queue/confirm?action=retry-all', 'confirm-export-all', /Manage Xero Queue/],
      ];
      for (const [url, name, title] of pages) {
        const res = await page.goto(url);
        assert.equal(res?.status(), 200, url);
        assert.match((await page.textContent('h1')) ?? '', title);
        assert.match((await page.textContent('#banner')) ?? '', /Xero Export Queue: \d+ in the queue and 6 failed exports\s*View Failed Exports/);
        await page.screenshot({ path: path.join(SHOTS, `${name}-${label}.png`), fullPage: true });
      }
      assert.deepEqual(errors, []);
      await context.close();
    });
  }

  test('the Failed Xero Exports grid has exactly the seed columns, plus Skip', async () => {
    const { context, page } = await login(rig);
    const headers = await page.locator('#failed-grid thead th').allTextContents();
    assert.deepEqual(
      headers.map((h) => h.trim()),
      ['Failed Export', 'Exported Item', 'Export Error', 'Action Required', 'Export', 'Delete', 'Skip'],
    );
    assert.equal(await rowCount(page, '#failed-grid'), 6);
    const link = page.locator('#failed-grid a', { hasText: 'SO-1001' });
    await Promise.all([page.waitForURL(/\/documents\/\d+/), link.click()]);
    assert.match((await page.textContent('h1')) ?? '', /SO-1001/);
    await context.close();
  });

  test('filters by kind, by error and by text narrow the failed grid; the grouped view says what to fix', async () => {
    const { context, page } = await login(rig);
    await page.selectOption('select[name=kind]', 'customer');
    await Promise.all([page.waitForURL(/kind=customer/), page.click('form.filters button')]);
    assert.equal(await rowCount(page, '#failed-grid'), 2);
    await page.goto('/queue?code=account_code_invalid');
    assert.equal(await rowCount(page, '#failed-grid'), 4);
    await page.goto('/queue?q=SO-1002');
    assert.equal(await rowCount(page, '#failed-grid'), 1);
    await page.goto('/queue?q=no-such-thing');
    assert.match((await page.textContent('.empty')) ?? '', /No failed exports match/);
    await page.goto('/queue?view=groups');
    const group = await page.locator('.group', { hasText: '4 items' }).textContent();
    assert.match(group ?? '', /Account code '425' is not a valid code for this document\.\s*→ fix the Freight mapping/);
    await context.close();
  });

  test('the connection log filters by level and text, shows an entry without any token', async () => {
    const { context, page } = await login(rig);
    await page.goto('/log');
    const all = await rowCount(page, '#log-grid');
    await page.selectOption('select[name=level]', 'error');
    await Promise.all([page.waitForURL(/level=error/), page.click('form.filters button')]);
    const errors = await rowCount(page, '#log-grid');
    assert.ok(errors >= 1 && errors < all, `${errors} error rows of ${all}`);
    await page.goto('/log?q=812%20ms');
    assert.equal(await rowCount(page, '#log-grid'), 1);
    await page.goto('/log?level=error&q=SO-1001');
    await Promise.all([page.waitForURL(/\/log\/\d+/), page.locator('#log-grid a').first().click()]);
    const text = (await page.textContent('main')) ?? '';
    assert.match(text, /corr-123/);
    assert.doesNotMatch(text, /SECRET-TOKEN-VALUE/);
    await context.close();
  });

  test('documents filter by kind, status, date range and problems only', async () => {
    const { context, page } = await login(rig);
    await page.goto('/documents');
    const all = await rowCount(page, '#documents-grid');
    assert.equal(all, 10);
    await page.goto('/documents?kind=purchase_bill');
    assert.equal(await rowCount(page, '#documents-grid'), 1);
    await page.goto('/documents?status=exported');
    assert.equal(await rowCount(page, '#documents-grid'), 1);
    assert.match((await page.textContent('#documents-grid')) ?? '', /45\.89/);
    await page.goto('/documents?from=2026-09-15&to=2026-10-31');
    assert.equal(await rowCount(page, '#documents-grid'), 1);
    await page.check('input[name=problems]');
    await page.fill('input[name=from]', '');
    await page.fill('input[name=to]', '');
    await Promise.all([page.waitForURL(/problems=1/), page.click('form.filters button')]);
    assert.equal(await rowCount(page, '#documents-grid'), 7); // 6 failed + 1 waiting
    await context.close();
  });

  test('text from Xero and from documents is shown as text, never run', async () => {
    const { context, page } = await login(rig);
    for (const url of ['/queue', '/queue?view=groups', `/documents/${data.xss}`, '/documents']) {
      await page.goto(url);
      assert.equal(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss), undefined, url);
    }
    await page.goto('/queue');
    assert.match((await page.textContent('#failed-grid')) ?? '', /Xero said <script>window.__xss=1<\/script>/);
    assert.equal(await page.locator('#failed-grid script, #failed-grid img').count(), 0);
    await context.close();
  });

  test('the organisation switch shows the other organisation', async () => {
    const { context, page } = await login(rig);
    await page.selectOption('#org-select', TENANT2.id); // submits itself (app.js)
    await page.waitForSelector('.subtitle:has-text("Second Shop Ltd")');
    assert.match((await page.textContent('.alert-ok')) ?? '', /Now showing Second Shop Ltd/);
    assert.match((await page.textContent('#banner')) ?? '', /0 in the queue and 0 failed/);
    await context.close();
  });
});
