/**
 * The smaller holes: Cache-Control no-store on every signed-in page and API answer; user names unique
 * without regard to case; a signed Xero webhook replayed is processed once; mapping keys named
 * `constructor`, `toString` or `__proto__` are ordinary keys (API and settings form); the demo does not
 * print a password the person supplied.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config/config';
import { startDemo } from '../../src/demo/demo';
import { resolveTaxType } from '../../src/domain/mapping';
import { defaultSettings } from '../../src/domain/settings';
import { webhooksIdle, xeroSignature } from '../../src/web/xero/webhooks';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';
import { waitFor } from '../helpers/processes';
import { ADMIN_PASSWORD, Browser } from '../oauth/helpers';

const KEY = 'webhook-key-for-tests-0123456789';
const ODD_KEYS = ['__proto__', 'constructor', 'toString'];
const customer = { kind: 'customer', sourceId: 'HX-CUST', name: 'Hardening Traders', email: 'ap@hardening.test', currency: 'NZD' };
const invoice = {
  kind: 'sales_invoice',
  sourceId: 'HX-001',
  revision: 1,
  date: '2026-11-20',
  dueDate: '2026-12-20',
  contact: 'HX-CUST',
  currency: 'NZD',
  amountsAre: 'exclusive',
  lines: [{ productCode: 'WIDGET', description: 'Widget', quantity: 1, unitPrice: '10.00', discountRate: 0, taxCode: 'G.S.T.', account: 'sales' }],
};

for (const kind of databaseKinds()) {
  describe(`hardening (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(kind, { env: { XERO_WEBHOOK_KEY: KEY, XPORT_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    });
    after(() => h.close());

    it('answers every signed-in page and every API call with Cache-Control: no-store', async () => {
      const b = new Browser();
      await b.login(h.url);
      for (const p of ['/queue', '/log', '/documents', '/settings', '/settings/users', '/settings/tokens', '/queue?status=failed']) {
        const res = await fetch(`${h.url}${p}`, { headers: { cookie: cookieHeader(b, h.url) } });
        assert.equal(res.status, 200, p);
        assert.equal(res.headers.get('cache-control'), 'no-store', p);
      }
      for (const [p, token] of [
        ['/api/v1/status', undefined],
        ['/api/v1/exports', undefined],
        ['/api/v1/settings', undefined],
        ['/api/v1/exports/999999', undefined],
        ['/api/v1/status', 'wrong-token'],
      ] as const) {
        const res = await fetch(`${h.url}${p}`, { headers: { authorization: `Bearer ${token ?? 'test-api-token-0123456789'}` } });
        assert.equal(res.headers.get('cache-control'), 'no-store', `${p} ${res.status}`);
      }
    });

    it('treats user names without regard to case', async () => {
      const b = new Browser();
      await b.login(h.url);
      const add = async (username: string) => b.request(`${h.url}/settings/users`, { form: { _csrf: await b.csrf(h.url), username, password: 'clerk-password-1', role: 'viewer' } });
      await add('Clerk');
      const again = await add('clerk');
      assert.equal(again.status, 303);
      assert.match((await b.request(`${h.url}/settings/users`)).text, /exists already/);
      const same = await h.rt.store.db
        .selectFrom('users')
        .select('username')
        .where(sql<string>`lower(username)`, '=', 'clerk')
        .execute();
      assert.deepEqual(
        same.map((u) => u.username),
        ['Clerk'],
      );
      await assert.rejects(
        h.rt.store.db.insertInto('users').values({ username: 'CLERK', password_hash: 'x', role: 'admin', created_at: new Date().toISOString() }).execute(),
        'the database refuses it too',
      );
      await new Browser().login(h.url, 'CLERK', 'clerk-password-1');
    });

    it('a signed webhook delivery replayed is processed once', async () => {
      assert.equal((await h.api('POST', '/api/v1/documents', { documents: [customer, invoice] })).status, 202);
      await h.drain();
      const row = ((await h.api('GET', '/api/v1/exports?status=exported&kind=sales_invoice')).json as { exports: Array<{ sourceId: string; xeroId: string }> }).exports.find(
        (e) => e.sourceId === 'HX-001',
      );
      assert.ok(row);
      assert.equal((await fetch(`${h.sandbox.url}/_sandbox/organisations/${h.tenantId}/invoices/${row.xeroId}/void`, { method: 'POST' })).status, 200);
      const delivery = (at: string) =>
        JSON.stringify({
          events: [
            {
              resourceUrl: `${h.sandbox.url}/api.xro/2.0/Invoices/${row.xeroId}`,
              resourceId: row.xeroId,
              eventDateUtc: at,
              eventType: 'UPDATE',
              eventCategory: 'INVOICE',
              tenantId: h.tenantId,
              tenantType: 'ORGANISATION',
            },
          ],
          firstEventSequence: 1,
          lastEventSequence: 1,
          entropy: 'ABCDEFGHIJ',
        });
      const send = async (body: string) => {
        const res = await fetch(`${h.url}/webhooks/xero`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-xero-signature': xeroSignature(body, KEY) } });
        assert.equal(res.status, 200);
        await webhooksIdle(h.rt);
      };
      const voidedEntries = async () =>
        Number(
          (
            await h.rt.store.db
              .selectFrom('connection_log')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('event', '=', 'xero.document_voided')
              .executeTakeFirstOrThrow()
          ).n,
        );
      const first = delivery('2026-12-01T10:00:00.000');
      await send(first);
      await waitFor(async () => (await voidedEntries()) === 1, 'the first delivery to be logged');
      await send(first);
      await send(first);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await voidedEntries(), 1, 'replays are not processed');
      await send(delivery('2026-12-01T10:05:00.000'));
      await waitFor(async () => (await voidedEntries()) === 2, 'a later event for the same invoice to be processed');
    });
    it('mapping keys named __proto__, constructor or toString are ordinary keys (API)', async () => {
      const sales = Object.fromEntries(ODD_KEYS.map((k, i) => [k, ['OUTPUT2', 'INPUT2', 'NONE'][i]]));
      const body = `{"taxMappings":{"sales":{"__proto__":"OUTPUT2","constructor":"INPUT2","toString":"NONE"}},"customerSalesAccounts":{"constructor":"200","__proto__":"sales"}}`;
      const res = await fetch(`${h.url}/api/v1/settings`, { method: 'PATCH', body, headers: { authorization: 'Bearer test-api-token-0123456789', 'content-type': 'application/json' } });
      assert.equal(res.status, 200, await res.clone().text());
      const read = (await h.api('GET', '/api/v1/settings')).json as { taxMappings: { sales: Record<string, string> }; customerSalesAccounts: Record<string, string> };
      assert.deepEqual(Object.entries(read.taxMappings.sales), Object.entries(sales));
      assert.deepEqual(Object.entries(read.customerSalesAccounts), [
        ['constructor', '200'],
        ['__proto__', 'sales'],
      ]);
      const poison = await fetch(`${h.url}/api/v1/settings`, {
        method: 'PATCH',
        body: '{"__proto__":{"polluted":"yes"}}',
        headers: { authorization: 'Bearer test-api-token-0123456789', 'content-type': 'application/json' },
      });
      assert.equal(poison.status, 400);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });

    it('mapping keys named __proto__, constructor or toString are ordinary keys (settings form)', async () => {
      const b = new Browser();
      await b.login(h.url);
      const res = await b.request(`${h.url}/settings/tax`, {
        form: { _csrf: await b.csrf(h.url, '/settings'), sales_key: ODD_KEYS, sales_value: ['OUTPUT2', 'INPUT2', 'NONE'], purchases_key: ['constructor'], purchases_value: ['INPUT2'] },
      });
      assert.equal(res.status, 303, res.text.slice(0, 500));
      const stored = await h.rt.settings.get(h.tenantId);
      assert.deepEqual(Object.keys(stored.taxMappings.sales), ODD_KEYS);
      assert.deepEqual(Object.entries(stored.taxMappings.purchases), [['constructor', 'INPUT2']]);
      assert.match((await b.request(`${h.url}/settings`)).text, /value="__proto__"/);
    });
  });
}

function cookieHeader(b: Browser, base: string): string {
  const jar = (b as unknown as { jar: Map<string, Map<string, string>> }).jar.get(new URL(base).origin) ?? new Map<string, string>();
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

describe('mapping look-ups', () => {
  it('a source code named like an Object member is unmapped until mapped', () => {
    for (const code of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      assert.deepEqual(resolveTaxType(code, 'sales', defaultSettings()), { ok: false, taxCode: code }, code);
    }
  });
});

describe('the demo banner', () => {
  it('prints a generated password, never one the person supplied', async () => {
    for (const supplied of ['my-own-password-1', undefined]) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xport-demo-pw-'));
      const demo = await startDemo({ port: 0, sandboxPort: 0, dataDir, feed: false, base: loadConfig({ XPORT_LOG_LEVEL: 'silent', ...(supplied ? { XPORT_ADMIN_PASSWORD: supplied } : {}) }) });
      try {
        if (supplied) {
          assert.equal(demo.banner.includes(supplied), false);
          assert.match(demo.banner, /admin \/ \(the password in XPORT_ADMIN_PASSWORD\)/);
        } else {
          assert.ok(demo.banner.includes(`admin / ${demo.adminPassword}`), 'the generated one is printed');
        }
      } finally {
        await demo.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    }
  });
});
