/**
 * Export All in a real browser: it acts on what the filter shows and the confirmation says so; the
 * POST redirects to a result page, whose rows say "queued again" and then change live to the real
 * outcome; reloading the result page runs nothing again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fail, login, seedDemo, startRig, statusOf, TENANT, type Rig, type Seeded } from './helpers';

describe('Export All on a filter, with live outcomes', () => {
  let rig: Rig;
  let data: Seeded;
  before(async () => {
    rig = await startRig();
    data = await seedDemo(rig.rt);
  });
  after(async () => rig.close());

  test('the filter decides what is exported, the result page follows each item, a reload changes nothing', async () => {
    const { context, page } = await login(rig);
    await page.goto('/queue?kind=purchase_bill#failed');
    await Promise.all([page.waitForURL(/confirm\?action=retry-all&kind=purchase_bill/), page.click('a:has-text("Export All shown")')]);
    const total = (await rig.rt.queue.status(TENANT.id)).failed;
    assert.match((await page.textContent('.confirm')) ?? '', new RegExp(`the 1 purchase bill that the filter shows \\(of ${total} failed exports\\)`));
    await Promise.all([page.waitForURL(/\/queue\/results\/[0-9a-f-]{36}$/), page.click('button:has-text("Yes, export it")')]);
    const bill = data.failedAccount[3] as number;
    assert.equal(await statusOf(rig.rt, bill), 'queued');
    assert.equal((await rig.rt.queue.status(TENANT.id)).failed, total - 1, 'only the filtered item was queued again');
    const cell = `[data-outcome-for="${bill}"]`;
    assert.equal(await page.textContent(cell), 'queued again: waiting for its turn');
    assert.doesNotMatch((await page.textContent('#bulk-results')) ?? '', /succeeded/);
    await page.waitForSelector('html[data-live="1"]');

    // A worker exports it: the row changes by itself.
    await rig.rt.store.exports.markExported(bill, { xeroId: '9b2f1a7e-0000-4000-8000-0000000000b1', xeroNumber: 'PB-2001', xeroTotal: '45.89' });
    await rig.rt.bus.emit('export.exported', { tenantId: TENANT.id, exportId: bill, kind: 'purchase_bill', reference: 'PB-2001', xeroId: 'x', durationMs: 1, correlationId: null, limits: null });
    await page.waitForSelector(`tr[data-export-id="${bill}"][data-state=exported]`, { timeout: 5000 });
    assert.equal(await page.textContent(cell), 'exported to Xero as PB-2001');
    assert.match((await page.textContent('#bulk-summary')) ?? '', /1 exported/);

    // Reloading shows the outcome now and queues nothing again.
    await fail(rig.rt, [bill]);
    await page.reload();
    assert.equal(await statusOf(rig.rt, bill), 'failed');
    assert.match((await page.textContent(cell)) ?? '', /^failed again: Account code '425'/);
    await context.close();
  });

  test('Delete All says which items it removes when a filter is active, and keeps the rest', async () => {
    const { context, page } = await login(rig);
    await page.goto(`/queue/confirm?action=delete-all&code=email_invalid`);
    assert.match((await page.textContent('.confirm')) ?? '', /This removes the 1 failed export with the error "email invalid" that the filter shows/);
    const before = (await rig.rt.queue.status(TENANT.id)).failed;
    await Promise.all([page.waitForURL(/\/queue\/results\//), page.click('button:has-text("Yes, delete it")')]);
    assert.equal(await statusOf(rig.rt, data.failedEmail), null);
    assert.equal((await rig.rt.queue.status(TENANT.id)).failed, before - 1);
    assert.equal(await page.locator('#bulk-results tr[data-state=deleted]').count(), 1);
    await context.close();
  });
});
