/**
 * What people do in the UI, in a real browser against a real server: row actions (Export, Delete, Skip),
 * Export All and Delete All with their confirmation and per-row results, the live banner, settings with
 * validation and mapping-health re-queue, CSRF refusal, the viewer role, and first-visit set-up.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { orgSettingsSchema } from '../../src/domain/settings';
import { ACCOUNT_FAILURE, addViewer, fail, ingest, invoice, login, seedDemo, startRig, statusOf, TENANT, VIEWER_PASSWORD, type Rig, type Seeded } from './helpers';

async function csrfToken(page: Page): Promise<string> {
  const attr = await page.getAttribute('body', 'hx-headers');
  return (JSON.parse(attr ?? '{}') as Record<string, string>)['x-csrf-token'] ?? '';
}

describe('web UI actions', () => {
  let rig: Rig;
  let data: Seeded;
  before(async () => {
    rig = await startRig();
    data = await seedDemo(rig.rt);
    await addViewer(rig.rt);
  });
  after(async () => rig.close());

  test('the banner updates live when an export fails, and shows a pause and a lost connection', async () => {
    const { context, page } = await login(rig);
    await page.waitForSelector('html[data-live="1"]');
    assert.equal(await page.getAttribute('#banner', 'data-failed'), '6');
    const [id] = data.queued as [number];
    await fail(rig.rt, [id]);
    await rig.rt.bus.emit('export.failed', {
      tenantId: TENANT.id,
      exportId: id,
      kind: 'sales_invoice',
      reference: 'SO-1005',
      code: ACCOUNT_FAILURE.code,
      errorClass: 'validation',
      message: ACCOUNT_FAILURE.message,
      action: ACCOUNT_FAILURE.action,
      correlationId: null,
      httpStatus: 400,
    });
    await page.waitForSelector('#banner[data-failed="7"]', { timeout: 5000 });
    assert.match((await page.textContent('#banner')) ?? '', /Xero Export Queue: \d+ in the queue and 7 failed exports/);

    const until = new Date(Date.now() + 3600_000);
    await rig.rt.store.tenants.pause(TENANT.id, { until, reason: 'Xero daily limit reached', code: 'rate_limit_day' });
    await rig.rt.bus.emit('tenant.paused', { tenantId: TENANT.id, until: until.toISOString(), reason: 'Xero daily limit reached', code: 'rate_limit_day' });
    await page.waitForSelector('[data-testid=banner-pause]', { timeout: 5000 });
    assert.match((await page.textContent('[data-testid=banner-pause]')) ?? '', /Xero daily limit reached, resumes at (\d+ \w+ \d{4}, )?\d{1,2}:\d{2} [ap]m, in 1 hour/);
    await rig.rt.store.tenants.resume(TENANT.id);
    await rig.rt.store.tenants.setStatus(TENANT.id, 'disconnected');
    await rig.rt.bus.emit('tenant.resumed', { tenantId: TENANT.id, reason: 'test' });
    await page.waitForSelector('[data-testid=banner-lost]', { timeout: 5000 });
    assert.equal(await page.locator('[data-testid=banner-pause]').count(), 0);
    await rig.rt.store.tenants.setStatus(TENANT.id, 'active');
    await context.close();
  });

  test('Export, Delete and Skip act on one row and say what happened', async () => {
    const { context, page } = await login(rig);
    const [a, b, c] = data.failedAccount as [number, number, number];
    await page.click(`#export-${a} button:has-text("Export")`);
    await page.waitForSelector(`#export-${a}[data-result=ok]`);
    assert.match((await page.textContent(`#export-${a}`)) ?? '', /queued to export again/);
    assert.equal(await statusOf(rig.rt, a), 'queued');

    page.once('dialog', (d) => void d.accept());
    await page.click(`#export-${b} button:has-text("Delete")`);
    await page.waitForSelector(`#export-${b}[data-result=ok]`);
    assert.equal(await statusOf(rig.rt, b), null);

    await page.click(`#export-${c} button:has-text("Skip")`);
    await page.waitForSelector(`#export-${c}[data-result=ok]`);
    assert.equal(await statusOf(rig.rt, c), 'skipped');
    const log = await rig.rt.store.log.search({ tenantId: TENANT.id, q: 'web:admin', limit: 10 });
    assert.ok(log.entries.length >= 3, 'each action is in the connection log');
    await context.close();
  });

  test('a state change without the CSRF token is refused', async () => {
    const { context, page } = await login(rig);
    const id = data.failedEmail;
    const refused = await page.request.post(`/queue/exports/${id}/retry`, { form: { nothing: '1' }, maxRedirects: 0 });
    assert.equal(refused.status(), 403);
    const wrong = await page.request.post(`/queue/exports/${id}/retry`, { form: { _csrf: 'forged-token' }, maxRedirects: 0 });
    assert.equal(wrong.status(), 403);
    assert.equal(await statusOf(rig.rt, id), 'failed');
    const accepted = await page.request.post(`/queue/exports/${id}/skip`, { form: { _csrf: await csrfToken(page) }, maxRedirects: 0 });
    assert.equal(accepted.status(), 303);
    assert.equal(await statusOf(rig.rt, id), 'skipped');
    await context.close();
  });

  test('a viewer sees the queue but cannot retry, delete, skip or change settings', async () => {
    const { context, page } = await login(rig, { username: 'viewer', password: VIEWER_PASSWORD });
    assert.equal(await page.locator('#failed-grid button').count(), 0);
    assert.equal(await page.locator('text=Export All').count(), 0);
    const id = data.xss;
    const res = await page.request.post(`/queue/exports/${id}/retry`, { form: { _csrf: await csrfToken(page) }, maxRedirects: 0 });
    assert.equal(res.status(), 403);
    assert.equal(await statusOf(rig.rt, id), 'failed');
    await page.goto('/settings');
    assert.equal(await page.locator('#accounts fieldset[disabled]').count(), 1);
    const save = await page.request.post('/settings/options', { form: { _csrf: await csrfToken(page), lockDatePolicy: 'hold' }, maxRedirects: 0 });
    assert.equal(save.status(), 403);
    await context.close();
  });

  test('settings: a mapping fix is saved from the drop-downs, bad input is refused precisely, health re-queues the failures', async () => {
    const { context, page } = await login(rig);
    await page.goto('/settings');
    assert.match((await page.textContent('#health')) ?? '', /Freight account → 425: account 425 \(Freight\) is archived in Xero/);
    await page.fill('#tax input[name=sales_key] >> nth=3', 'LUXURY');
    await Promise.all([page.waitForLoadState('load'), page.click('#tax button:has-text("Save")')]);
    assert.match((await page.textContent('#settings-errors')) ?? '', /Tax mappings → Sales → LUXURY: choose a Xero value/);

    const more = await ingest(rig.rt, TENANT.id, [invoice('SO-3001', 'CUST-001'), invoice('SO-3002', 'CUST-001')]);
    await fail(rig.rt, more);
    await page.goto('/settings');
    const caused = (await rig.rt.queue.list(TENANT.id, ['failed'], { errorCode: 'account_code_invalid', limit: 500 })).map((r) => r.id);
    assert.ok(caused.length >= 2);
    await Promise.all([page.waitForURL(/#health/), page.click(`#health button:has-text("Re-queue the ${caused.length} failures")`)]);
    assert.match((await page.textContent('.alert-ok')) ?? '', new RegExp(`${caused.length} failed exports queued to export again`));
    for (const id of caused) assert.equal(await statusOf(rig.rt, id), 'queued');

    await page.selectOption('select[name=account_freight]', '300');
    await Promise.all([page.waitForURL(/#accounts/), page.click('#accounts button:has-text("Save")')]);
    const tenant = await rig.rt.store.tenants.get(TENANT.id);
    assert.equal(orgSettingsSchema.parse(tenant?.settings).accounts.freight, '300');
    assert.match((await page.textContent('#health')) ?? '', /Every mapping resolves/);
    await context.close();
  });

  test('Export All and Delete All ask first, then give a result per row', async () => {
    const extra = await ingest(rig.rt, TENANT.id, [invoice('SO-4001', 'CUST-001'), invoice('SO-4002', 'CUST-001'), invoice('SO-4003', 'CUST-001')]);
    await fail(rig.rt, extra);
    const { context, page } = await login(rig);
    await page.goto('/queue');
    await Promise.all([page.waitForURL(/confirm\?action=retry-all/), page.click('a:has-text("Export All")')]);
    const failed = (await rig.rt.queue.status(TENANT.id)).failed;
    assert.match((await page.textContent('.confirm')) ?? '', new RegExp(`This queues all ${failed} failed exports`));
    await page.click('button:has-text("Yes, export these")');
    await page.waitForSelector('#bulk-results');
    assert.equal(await page.locator('#bulk-results tbody tr[data-state=queued]').count(), failed);
    assert.equal((await rig.rt.queue.status(TENANT.id)).failed, 0);

    await fail(rig.rt, extra);
    await page.goto('/queue/confirm?action=delete-all');
    await page.click('a:has-text("Cancel")');
    assert.equal((await rig.rt.queue.status(TENANT.id)).failed, 3);
    await page.goto('/queue/confirm?action=delete-all');
    await page.click('button:has-text("Yes, delete these")');
    await page.waitForSelector('#bulk-results');
    assert.equal(await page.locator('#bulk-results tbody tr[data-state=deleted]').count(), 3);
    for (const id of extra) assert.equal(await statusOf(rig.rt, id), null);
    await page.goto('/queue');
    assert.match((await page.textContent('#failed')) ?? '', /Failed Xero Exports\s*0/);
    assert.match((await page.textContent('.empty')) ?? '', /No failed exports/);
    await context.close();
  });
});

describe('first visit without XPORT_ADMIN_PASSWORD', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig({ env: { XPORT_ADMIN_PASSWORD: '' } });
  });
  after(async () => rig.close());

  test('the first visitor sets the admin password, then must sign in with it', async () => {
    const context = await rig.browser.newContext({ baseURL: rig.url });
    const page = await context.newPage();
    await page.goto('/queue');
    assert.match(page.url(), /\/setup$/);
    await page.fill('input[name=password]', 'a-good-password');
    await page.fill('input[name=confirm]', 'another-password');
    await page.click('button:has-text("Create")');
    assert.match((await page.textContent('.alert-error')) ?? '', /not the same/);
    await page.fill('input[name=password]', 'a-good-password');
    await page.fill('input[name=confirm]', 'a-good-password');
    await Promise.all([page.waitForURL(/\/queue/), page.click('button:has-text("Create")')]);
    assert.match((await page.textContent('#banner')) ?? '', /no Xero organisation is connected yet/);
    await page.goto('/setup');
    assert.match(page.url(), /\/login/);
    await context.close();
  });
});
