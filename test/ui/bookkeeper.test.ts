/**
 * The bookkeeper's day in a real browser: saving a mapping offers to export the failures it caused,
 * right where Save was pressed; people read words, not machine text (times in the organisation's zone,
 * event names, allowances, names instead of GUIDs, plurals, money to 2 places); the banner agrees with
 * the queue page; the log pages both ways; a favicon; an HTML 404 in the layout (JSON for the API);
 * the navigation reaches every page on a 390 px phone; Connect to Xero is there on a fresh OAuth install.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ACCOUNT_FAILURE, fail, ingest, invoice, login, seedDemo, startRig, statusOf, TENANT, type Rig, type Seeded } from './helpers';

describe('the bookkeeper polish', () => {
  let rig: Rig;
  let data: Seeded;
  before(async () => {
    rig = await startRig();
    data = await seedDemo(rig.rt);
    await rig.rt.store.reference.put(TENANT.id, 'organisation', [{ Name: TENANT.name, CountryCode: 'NZ', BaseCurrency: 'NZD', Timezone: 'NEWZEALANDSTANDARDTIME' }]);
  });
  after(async () => rig.close());

  test('saving the mapping that caused failures says how many, in the saved section, and exports them with one button', async () => {
    const { context, page } = await login(rig);
    await page.goto('/settings#accounts');
    await page.selectOption('select[name=account_freight]', '300');
    await Promise.all([page.waitForURL(/saved=accounts.*#accounts$/), page.click('#accounts button:has-text("Save")')]);
    const note = (await page.textContent('#accounts #saved-note')) ?? '';
    assert.match(note, /^Saved\. 4 failed exports were caused by this mapping\./);
    assert.equal(await page.locator('main > .alert-ok').count(), 0, 'the note is in the section, not at the top of the page');
    await Promise.all([page.waitForURL(/\/queue/), page.click('#accounts button:has-text("Export these 4 now")')]);
    for (const id of data.failedAccount) assert.equal(await statusOf(rig.rt, id), 'queued');
    await fail(rig.rt, data.failedAccount);
    await context.close();
  });

  test("times are in the organisation's zone with words; log events, allowances and Xero objects are words", async () => {
    const until = new Date(Date.now() + 2 * 3600_000 + 60_000);
    await rig.rt.store.tenants.pause(TENANT.id, { until, reason: 'Xero daily limit reached', code: 'rate_limit_day' });
    const { context, page } = await login(rig);
    const nz = new Intl.DateTimeFormat('en-GB', { timeZone: 'Pacific/Auckland', hour: 'numeric', minute: '2-digit', hourCycle: 'h12' }).format(until).toLowerCase();
    const banner = (await page.textContent('[data-testid=banner-pause]')) ?? '';
    assert.match(banner, new RegExp(`resumes at (\\d+ \\w+ \\d{4}, )?${nz.replace(/\s/g, '\\s')}, in 2 hours`), banner);
    assert.doesNotMatch((await page.textContent('main')) ?? '', /\d{4}-\d{2}-\d{2}T\d{2}/);
    await rig.rt.store.tenants.resume(TENANT.id);

    await page.goto('/log');
    const log = (await page.textContent('#log-grid')) ?? '';
    assert.match(log, /Export failed/);
    assert.doesNotMatch(log, /export\.failed|element\(s\)/);
    await page.goto('/log?q=812%20ms');
    await page.locator('#log-grid a').first().click();
    const detail = (await page.textContent('main')) ?? '';
    assert.match(detail, /4,950 calls left today · 58 left this minute/);
    assert.doesNotMatch(detail, /[{}]/);

    await page.goto('/documents?status=exported');
    const xero = (await page.textContent('#documents-grid td[data-label=Xero]')) ?? '';
    assert.equal(xero.trim(), 'SO-1006 Open in Xero');
    assert.match((await page.getAttribute('#documents-grid td[data-label=Xero] a', 'href')) ?? '', /^https:\/\/go\.xero\.com\/AccountsReceivable\/View\.aspx\?InvoiceID=9b2f1a7e-/);
    assert.match((await page.textContent('#documents-grid td[data-label="Xero total"]')) ?? '', /^45\.89/);

    // A refused element of a batch Xero answered with 200 reads "refused by Xero", never "HTTP 200" beside "error".
    const [refused] = data.failedAccount as [number];
    await rig.rt.store.exports.startAttempt([refused], 'batch-1', 'idem-1');
    await rig.rt.store.exports.finishAttempt(refused, 'batch-1', { outcome: 'error', httpStatus: 200, error: ACCOUNT_FAILURE.message, correlationId: 'corr-9' });
    const row = await rig.rt.store.exports.get(TENANT.id, refused);
    await page.goto(`/documents/${row?.documentId ?? 0}`);
    const attempts = (await page.textContent('#attempts-grid')) ?? '';
    assert.match(attempts, /refused by Xero/);
    assert.doesNotMatch(attempts, /\b200\b|\berror\b/);

    await page.goto('/settings');
    assert.doesNotMatch((await page.textContent('#connection')) ?? '', new RegExp(TENANT.id), 'no tenant GUIDs');
    await context.close();
  });

  test('the banner agrees with the queue page; a group of one says "Export it again"; waiting reads once', async () => {
    const { context, page } = await login(rig);
    const banner = await page.locator('#banner .banner-main strong').first().textContent();
    const queue = await page.locator('#queue-counts strong').textContent();
    assert.equal(banner, queue);
    assert.match((await page.textContent('#current-grid')) ?? '', /Waiting for customer CUST-009/);
    assert.doesNotMatch((await page.textContent('#current-grid')) ?? '', /Waiting: waiting/);
    await page.goto('/queue?view=groups');
    assert.match((await page.textContent('#failure-groups')) ?? '', /Export it again/);
    assert.doesNotMatch((await page.textContent('#failure-groups')) ?? '', /these 1 /);
    await context.close();
  });

  test('drop-downs offer only the tax rates of their direction and the accounts of their role', async () => {
    const { context, page } = await login(rig);
    await page.goto('/settings#tax');
    const values = async (selector: string) =>
      page
        .locator(selector)
        .locator('option')
        .evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value).filter(Boolean));
    const sales = await values('#tax select[name=sales_value] >> nth=0');
    const purchases = await values('#tax select[name=purchases_value] >> nth=0');
    assert.ok(sales.includes('OUTPUT2') && sales.includes('EXEMPTOUTPUT') && sales.includes('NONE'), sales.join());
    assert.ok(!sales.includes('INPUT2') && !sales.includes('EXEMPTINPUT'), sales.join());
    assert.ok(purchases.includes('INPUT2') && !purchases.includes('OUTPUT2') && !purchases.includes('EXEMPTOUTPUT'), purchases.join());
    assert.deepEqual(await values('select[name=account_sales]'), ['200', '201']);
    assert.deepEqual(await values('select[name=account_stock_on_hand]'), ['630']);
    const cogs = await values('select[name=account_cogs]');
    assert.ok(cogs.includes('310') && !cogs.includes('200') && !cogs.includes('630'), cogs.join());
    await context.close();
  });

  test('the log pages to Older and back to Newer', async () => {
    await rig.rt.store.log.append(Array.from({ length: 120 }, (_, i) => ({ tenantId: TENANT.id, level: 'info' as const, event: 'documents.ingested', message: `paging entry ${i}` })));
    const { context, page } = await login(rig);
    await page.goto('/log');
    const first = await page.locator('#log-grid tbody tr').first().textContent();
    await page.click('a:has-text("Older")');
    await page.click('a:has-text("Older")');
    await page.click('a:has-text("Newer")');
    await page.click('a:has-text("Newer")');
    assert.equal(await page.locator('#log-grid tbody tr').first().textContent(), first);
    assert.equal(await page.locator('a:has-text("Newer")').count(), 0, 'the newest page has no Newer');
    await context.close();
  });

  test('a favicon; an HTML 404 in the layout for pages and JSON for the API', async () => {
    const { context, page } = await login(rig);
    const icon = await page.request.get('/favicon.ico');
    assert.equal(icon.status(), 200);
    assert.match(icon.headers()['content-type'] ?? '', /image\/svg\+xml/);
    assert.equal(await page.getAttribute('link[rel=icon]', 'href'), '/static/favicon.svg');
    const res = await page.goto('/no-such-page');
    assert.equal(res?.status(), 404);
    assert.match((await page.textContent('h1')) ?? '', /Page not found/);
    assert.equal(await page.locator('nav.nav a[href="/settings"]').count(), 1);
    const api = await page.request.get('/api/v1/no-such-thing');
    assert.equal(api.status(), 404);
    assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'not_found');
    await context.close();
  });

  test('at 390 px every navigation link is on screen', async () => {
    const { context, page } = await login(rig, { width: 390, height: 844 });
    for (const href of ['/queue', '/documents', '/log', '/settings']) {
      const box = await page.locator(`nav.nav a[href="${href}"]`).boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 390 && box.width > 60, `${href}: ${JSON.stringify(box)}`);
      assert.equal(await page.locator(`nav.nav a[href="${href}"]`).evaluate((el) => el.scrollWidth <= el.clientWidth), true, `${href} is not cut`);
    }
    await context.close();
  });

  test('a document whose contact was merged in Xero links to the picker for that contact', async () => {
    const [id] = await ingest(rig.rt, TENANT.id, [invoice('SO-8001', 'CUST-001')]);
    await fail(rig.rt, [id as number], {
      message: 'The contact with the specified contact details has been archived.',
      code: 'contact_archived',
      errorClass: 'conflict',
      action: 'Link it to the contact it was merged into.',
    });
    const { context, page } = await login(rig);
    await page.goto('/queue?q=SO-8001');
    const link = page.locator(`#export-${id} a:has-text("Choose the Xero contact for CUST-001")`);
    assert.equal(await link.getAttribute('href'), '/settings/contacts/pick?kind=customer&sourceId=CUST-001');
    await context.close();
  });

  test('money is shown to 2 places everywhere', async () => {
    const [id] = await ingest(rig.rt, TENANT.id, [invoice('SO-7001', 'CUST-001', { price: '34.1' })]);
    await rig.rt.store.exports.markExported(id as number, { xeroId: '9b2f1a7e-0000-4000-8000-0000000000c1', xeroNumber: 'SO-7001', xeroTotal: '78.4' });
    const { context, page } = await login(rig);
    await page.goto('/documents?q=SO-7001');
    assert.match((await page.textContent('#documents-grid td[data-label="Xero total"]')) ?? '', /^78\.40\b/);
    await context.close();
  });
});

describe('a fresh OAuth install', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig({ env: { XERO_CLIENT_ID: 'app-id', XERO_CLIENT_SECRET: 'app-secret', XERO_REDIRECT_URI: 'http://127.0.0.1:1/settings/xero/callback' } });
  });
  after(async () => rig.close());

  test('the banner leads to Settings, which has Connect to Xero', async () => {
    const { context, page } = await login(rig);
    await Promise.all([page.waitForURL(/\/settings#connection$/), page.click('#banner a:has-text("Connect to Xero")')]);
    const connect = page.locator('#connection a:has-text("Connect to Xero")');
    assert.equal(await connect.getAttribute('href'), '/settings/xero/connect');
    assert.doesNotMatch((await page.textContent('#connection')) ?? '', /press Reconnect/);
    await context.close();
  });
});
