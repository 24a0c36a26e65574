/**
 * Settings → Webhooks in a real browser: an admin adds a webhook and copies its secret once, the
 * receiver verifies deliveries with that secret, the delivery log shows a failed delivery, and
 * Redeliver sends it again under the same webhook-id.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import pino from 'pino';
import { XeroConnectionsRepository } from '../../src/db/repositories/xero-connections';
import { WriteBackDispatcher } from '../../src/engine/write-back';
import { SecretBox } from '../../src/security/secret-box';
import { login, seedDemo, startRig, TENANT, type Rig } from '../ui/helpers';
import { startReceiver, type Receiver } from './receiver';

async function firstDelivery(page: Page): Promise<string> {
  return (await page.locator('#deliveries tbody tr').first().textContent()) ?? '';
}

describe('Settings → Webhooks', () => {
  let rig: Rig;
  let receiver: Receiver;
  before(async () => {
    rig = await startRig();
    await seedDemo(rig.rt);
    receiver = await startReceiver();
  });
  after(async () => {
    await rig.close();
    await receiver.close();
  });

  test('add a webhook, see its failed delivery in the log, redeliver it', async () => {
    const { context, page } = await login(rig);
    try {
      await page.goto('/settings');
      await Promise.all([page.waitForURL(/\/settings\/webhooks$/), page.click('a:has-text("Webhooks")')]);
      // Past the browser's own check of type=url, to see the server's.
      await page.locator('input[name=url]').evaluate((el: { setAttribute(name: string, value: string): void }) => el.setAttribute('type', 'text'));
      await page.fill('input[name=url]', 'ftp://nope.test/');
      await page.click('button:has-text("Add webhook")');
      assert.match((await page.locator('[role=alert]').textContent()) ?? '', /http or https/);

      await page.fill('input[name=url]', receiver.url);
      await page.check('input[name=events][value="connection.lost"]');
      await page.click('button:has-text("Add webhook")');
      const secret = (await page.locator('[data-testid=new-secret]').textContent()) ?? '';
      assert.match(secret, /^whsec_/);
      receiver.setSecret(secret);
      await page.goto('/settings/webhooks');
      assert.equal(await page.locator('[data-testid=new-secret]').count(), 0, 'the secret is shown once');
      assert.ok(!(await page.content()).includes(secret));

      // The receiver is down for the first attempt, and this dispatcher does not retry.
      receiver.failNext(1, 500);
      const dispatcher = new WriteBackDispatcher({ store: rig.rt.store, box: SecretBox.load(rig.rt.config), logger: pino({ level: 'silent' }) }, { schedule: [] });
      await new XeroConnectionsRepository(rig.rt.store.db).markTenantDisconnected(TENANT.id, { reason: 'token revoked', code: 'auth_invalid_grant' });
      await dispatcher.drain();
      assert.equal(receiver.accepted.length, 0);
      await page.click('#webhooks td a');
      await page.waitForSelector('#deliveries');
      assert.match(await firstDelivery(page), /connection\.lost[\s\S]*failed[\s\S]*HTTP 500/);

      await page.click('#deliveries button:has-text("Redeliver")');
      await page.waitForSelector('#deliveries');
      await dispatcher.drain();
      assert.deepEqual(
        receiver.accepted.map((e) => e.type),
        ['connection.lost'],
      );
      assert.equal(receiver.requests[0], receiver.requests[1], 'the same webhook-id');
      await page.reload();
      assert.match(await firstDelivery(page), /delivered/);
    } finally {
      await context.close();
    }
  });
});
