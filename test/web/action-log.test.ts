/**
 * What people do reaches the Connection Log through events and its one writer, with the texts
 * people read, and is on record by the time the action answers: users and API tokens managed in
 * Settings, settings changed and a contact linked over the API, a custom connection held from
 * Settings. On every database.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createRuntime, type Runtime } from '../../src/app/runtime';
import { loadConfig } from '../../src/config/config';
import { buildServer } from '../../src/web/server';
import { databaseKinds, makeDatabase, type TestDatabase } from '../helpers/databases';
import { ADMIN_PASSWORD, Browser } from '../oauth/helpers';

const ORG = { id: 'cccccccc-0000-4000-8000-00000000000c', name: 'Org C Ltd' };
const CONTACT = '5b3c1d2e-0000-4000-8000-0000000000aa';

for (const kind of databaseKinds()) {
  describe(`people's actions in the Connection Log (${kind})`, () => {
    let db: TestDatabase;
    let rt: Runtime;
    let app: FastifyInstance;
    let url: string;
    let token = '';
    const messages = async (event: string): Promise<string[]> =>
      (await rt.connectionLog.search({ tenantId: null, q: undefined, limit: 100 })).entries.filter((e) => e.event === event).map((e) => e.message);
    const api = (method: string, p: string, body?: unknown) =>
      fetch(`${url}/api/v1${p}`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      });

    before(async () => {
      db = await makeDatabase(kind);
      rt = await createRuntime(loadConfig({ XPORT_DATABASE_URL: db.url, XPORT_LOG_LEVEL: 'silent', XPORT_WORKERS: '0', XPORT_ADMIN_PASSWORD: ADMIN_PASSWORD }));
      await rt.store.tenants.upsert(ORG);
      token = (await rt.store.tokens.create({ tenantId: ORG.id, name: 'ledger', role: 'admin' })).token;
      app = await buildServer(rt);
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    });
    after(async () => {
      await app.close();
      await rt.close();
      await db.drop();
    });

    it('users added, promoted and removed in Settings', async () => {
      const b = new Browser();
      await b.login(url);
      assert.equal((await b.request(`${url}/settings/users`, { form: { _csrf: await b.csrf(url), username: 'clerk', password: 'clerk-password-1', role: 'viewer' } })).status, 303);
      assert.deepEqual(await messages('user.added'), ['web:admin added the viewer clerk']);
      const clerk = await rt.users.findByName('clerk');
      await b.request(`${url}/settings/users/${clerk?.id}/role`, { form: { _csrf: await b.csrf(url), role: 'admin' } });
      assert.deepEqual(await messages('user.role'), [`web:admin made user ${clerk?.id} admin`]);
      await b.request(`${url}/settings/users/${clerk?.id}/delete`, { form: { _csrf: await b.csrf(url) } });
      assert.deepEqual(await messages('user.removed'), [`web:admin removed user ${clerk?.id}`]);
    });

    it('an API token created and revoked, named by its first 8 characters only', async () => {
      const b = new Browser();
      await b.login(url);
      const created = await b.request(`${url}/settings/tokens`, { form: { _csrf: await b.csrf(url, '/settings/tokens'), name: 'Shop', tenantId: ORG.id, role: 'viewer' } });
      const value = /data-testid="new-token">([^<]+)</.exec(created.text)?.[1] ?? '';
      assert.match(value, /^xpt_/);
      const [entry] = (await rt.connectionLog.search({ tenantId: ORG.id, limit: 100 })).entries.filter((e) => e.event === 'api_token.created');
      assert.equal(entry?.message, `web:admin created the viewer API token "Shop" (${value.slice(0, 8)}…)`);
      assert.equal(entry?.actor, 'web:admin');
      assert.ok(!JSON.stringify(await rt.connectionLog.search({ tenantId: null, limit: 500 })).includes(value), 'the token never reaches the log');
      const id = (await rt.apiTokens.list()).find((t) => t.name === 'Shop')?.id;
      await b.request(`${url}/settings/tokens/${id}/revoke`, { form: { _csrf: await b.csrf(url, '/settings/tokens') } });
      assert.deepEqual(await messages('api_token.revoked'), [`web:admin revoked API token ${id}`]);
    });

    it('settings patched and a contact linked over the API', async () => {
      assert.equal((await api('PATCH', '/settings', { sendCustomerCodeAsAccountNumber: false })).status, 200);
      const settings = (await rt.connectionLog.search({ tenantId: ORG.id, limit: 100 })).entries.filter((e) => e.event === 'settings.changed');
      assert.deepEqual(
        settings.map((e) => [e.message, e.actor]),
        [['api:ledger changed the settings (sendCustomerCodeAsAccountNumber)', 'api:ledger']],
      );
      assert.equal((await api('POST', '/contacts/customer/CUST-7/link', { xeroContactId: CONTACT })).status, 200);
      const linked = (await rt.connectionLog.search({ tenantId: ORG.id, limit: 100 })).entries.filter((e) => e.event === 'contact.linked');
      assert.deepEqual(
        linked.map((e) => [e.message, e.documentRef]),
        [[`api:ledger linked customer CUST-7 to Xero contact ${CONTACT}`, 'CUST-7']],
      );
    });

    it('a custom connection held from Settings', async () => {
      const b = new Browser();
      await b.login(url);
      const res = await b.request(`${url}/settings/connection/disconnect`, { form: { _csrf: await b.csrf(url, '/settings') } });
      assert.equal(res.status, 303);
      assert.equal((await rt.organisations.get(ORG.id))?.status, 'disconnected');
      assert.deepEqual(await messages('connection.disconnected'), ['web:admin disconnected xport from this organisation; exports wait until it is reconnected']);
    });
  });
}
