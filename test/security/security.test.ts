/**
 * Keys, scoping and roles on every database: the generated key file (mode 0600) and a wrong key
 * refused at start-up; organisation A's API token cannot read or act on organisation B; a viewer
 * (token or person) cannot retry, delete, skip or change settings; users and API tokens managed in
 * Settings (token shown once, stored hashed, revocable); CSRF and XSS attempts on these pages fail;
 * login attempts are rate-limited. (The UI's own CSRF/XSS browser tests: test/ui/actions.test.ts.)
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createRuntime, type Runtime } from '../../src/app/runtime';
import { loadConfig } from '../../src/config/config';
import { hashToken } from '../../src/db/repositories/api-tokens';
import { SecretKeyMismatchError } from '../../src/security/key-check';
import { SecretBox } from '../../src/security/secret-box';
import { setUser } from '../../src/web/auth/users';
import { buildServer } from '../../src/web/server';
import { databaseKinds, makeDatabase, type TestDatabase } from '../helpers/databases';
import { ADMIN_PASSWORD, Browser, csrfOf } from '../oauth/helpers';

const A = { id: 'aaaaaaaa-0000-4000-8000-00000000000a', name: 'Org A Ltd' };
const B = { id: 'bbbbbbbb-0000-4000-8000-00000000000b', name: 'Org B Ltd' };
const VIEWER_PASSWORD = 'viewer-password-9';
const customer = (sourceId: string) => ({ kind: 'customer', sourceId, name: `${sourceId} Ltd`, email: `${sourceId.toLowerCase()}@example.test` });

describe('the secret key', () => {
  it('is generated once into the data folder, readable only by its owner, and reused', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xport-key-'));
    const box = SecretBox.load({ secretKey: undefined, dataDir: dir });
    const file = path.join(dir, 'secret.key');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const sealed = box.encrypt('refresh-token-value', 'xero_connections:1');
    assert.equal(SecretBox.load({ secretKey: undefined, dataDir: dir }).decrypt(sealed, 'xero_connections:1'), 'refresh-token-value');
    assert.equal(box.decrypt(sealed, 'xero_connections:2'), null, 'bound to its row');
    assert.equal(SecretBox.load({ secretKey: crypto.randomBytes(32).toString('hex'), dataDir: dir }).decrypt(sealed, 'xero_connections:1'), null);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a process started with another key refuses to run on the database', async () => {
    const db = await makeDatabase('sqlite');
    const key = (k: string) => loadConfig({ XPORT_DATABASE_URL: db.url, XPORT_LOG_LEVEL: 'silent', XPORT_WORKERS: '0', XPORT_SECRET_KEY: k });
    const rt = await createRuntime(key(crypto.randomBytes(32).toString('hex')));
    await rt.close();
    await assert.rejects(createRuntime(key(crypto.randomBytes(32).toString('hex'))), SecretKeyMismatchError);
    await db.drop();
  });
});

for (const kind of databaseKinds()) {
  describe(`scoping and roles (${kind})`, () => {
    let db: TestDatabase;
    let rt: Runtime;
    let app: FastifyInstance;
    let url: string;
    const tokens = { a: '', b: '', viewer: '' };
    const ids = { a: 0, b: 0 };
    const api = async (token: string, method: string, p: string, body?: unknown) => {
      const res = await fetch(`${url}/api/v1${p}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json().catch(() => null)) as Record<string, unknown> | null };
    };

    before(async () => {
      db = await makeDatabase(kind);
      rt = await createRuntime(loadConfig({ XPORT_DATABASE_URL: db.url, XPORT_LOG_LEVEL: 'silent', XPORT_WORKERS: '0', XPORT_ADMIN_PASSWORD: ADMIN_PASSWORD }));
      for (const t of [A, B]) await rt.store.tenants.upsert(t);
      tokens.a = (await rt.store.tokens.create({ tenantId: A.id, name: 'a', role: 'admin' })).token;
      tokens.b = (await rt.store.tokens.create({ tenantId: B.id, name: 'b', role: 'admin' })).token;
      tokens.viewer = (await rt.store.tokens.create({ tenantId: A.id, name: 'viewer', role: 'viewer' })).token;
      await setUser(rt, { username: 'viewer', password: VIEWER_PASSWORD, role: 'viewer' });
      app = await buildServer(rt);
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const ingest = async (token: string, sourceId: string) =>
        ((await api(token, 'POST', '/documents', customer(sourceId))).json as { documents: Array<{ exportId: number }> }).documents[0]?.exportId ?? 0;
      ids.a = await ingest(tokens.a, 'A-1');
      ids.b = await ingest(tokens.b, 'B-1');
      await rt.store.exports.markFailed(ids.b, { message: 'x', code: 'email_invalid', errorClass: 'validation', action: 'y' });
    });
    after(async () => {
      await app.close();
      await rt.close();
      await db.drop();
    });

    it("organisation A's token cannot read or act on organisation B", async () => {
      assert.equal((await api(tokens.a, 'GET', `/exports/${ids.b}`)).status, 404);
      assert.equal((await api(tokens.b, 'GET', `/exports/${ids.b}`)).status, 200);
      assert.ok(((await api(tokens.a, 'GET', '/exports?status=failed')).json?.exports as unknown[]).length === 0);
      assert.equal((await api(tokens.a, 'POST', `/exports/${ids.b}/retry`)).status, 409);
      assert.equal((await api(tokens.a, 'POST', `/exports/${ids.b}/skip`)).status, 409);
      assert.equal((await api(tokens.a, 'DELETE', `/exports/${ids.b}`)).status, 404);
      assert.equal((await api(tokens.a, 'POST', '/exports/delete-all')).json?.deleted, 0);
      assert.equal((await api(tokens.b, 'GET', `/exports/${ids.b}`)).json?.status, 'failed', "B's export is untouched");
      const log = (await api(tokens.a, 'GET', '/log?q=B-1')).json?.entries as unknown[];
      assert.equal(log.length, 0);
    });

    it('a viewer token reads but cannot send, retry, skip, delete or refresh', async () => {
      assert.equal((await api(tokens.viewer, 'GET', '/status')).status, 200);
      for (const [method, p] of [
        ['POST', `/exports/${ids.a}/retry`],
        ['POST', `/exports/${ids.a}/skip`],
        ['DELETE', `/exports/${ids.a}`],
        ['POST', '/exports/retry-all'],
        ['POST', '/exports/delete-all'],
        ['POST', '/reference/refresh'],
      ] as const) {
        assert.equal((await api(tokens.viewer, method, p)).status, 403, `${method} ${p}`);
      }
      assert.equal((await api(tokens.viewer, 'POST', '/documents', customer('V-1'))).status, 403);
    });

    it('a viewer signed in to the web cannot change settings, users, tokens or the Xero connection', async () => {
      const v = new Browser();
      await v.login(url, 'viewer', VIEWER_PASSWORD);
      const csrf = csrfOf((await v.request(`${url}/settings`)).text);
      for (const p of ['/settings/users', '/settings/tokens', '/settings/xero/disconnect', '/settings/options']) {
        assert.equal((await v.request(`${url}${p}`, { form: { _csrf: csrf, username: 'x', password: 'long-enough-1', role: 'admin', name: 'x', tenantId: A.id } })).status, 403, p);
      }
      assert.equal((await v.request(`${url}/settings/users`)).status, 403);
      assert.equal((await v.request(`${url}/settings/xero/connect`)).status, 403);
    });

    it('an admin manages users and API tokens; a token is shown once, stored hashed, and revocable', async () => {
      const b = new Browser();
      await b.login(url);
      const add = await b.request(`${url}/settings/users`, { form: { _csrf: await b.csrf(url), username: 'clerk', password: 'clerk-password-1', role: 'viewer' } });
      assert.equal(add.status, 303);
      const clerk = await rt.store.db.selectFrom('users').select(['id', 'role']).where('username', '=', 'clerk').executeTakeFirst();
      assert.equal(clerk?.role, 'viewer');
      await b.request(`${url}/settings/users/${clerk?.id}/role`, { form: { _csrf: await b.csrf(url), role: 'admin' } });
      assert.equal((await rt.store.db.selectFrom('users').select('role').where('username', '=', 'clerk').executeTakeFirst())?.role, 'admin');
      await b.request(`${url}/settings/users/${clerk?.id}/delete`, { form: { _csrf: await b.csrf(url) } });
      assert.equal(await rt.store.db.selectFrom('users').select('id').where('username', '=', 'clerk').executeTakeFirst(), undefined);

      const created = await b.request(`${url}/settings/tokens`, { form: { _csrf: await b.csrf(url, '/settings/tokens'), name: '<script>window.x=1</script>', tenantId: B.id, role: 'admin' } });
      assert.equal(created.status, 201);
      const token = /data-testid="new-token">([^<]+)</.exec(created.text)?.[1] ?? '';
      assert.match(token, /^xpt_/);
      assert.ok(!created.text.includes('<script>window.x=1</script>') && created.text.includes('&lt;script&gt;'), 'the name is escaped');
      const row = await rt.store.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst();
      assert.equal(row?.tenant_id, B.id);
      assert.equal(JSON.stringify(await rt.store.db.selectFrom('api_tokens').selectAll().execute()).includes(token), false, 'only the hash is stored');
      assert.equal((await b.request(`${url}/settings/tokens`)).text.includes(token), false, 'shown once');
      assert.equal((await api(token, 'GET', '/status')).status, 200);
      await b.request(`${url}/settings/tokens/${row?.id}/revoke`, { form: { _csrf: await b.csrf(url, '/settings/tokens') } });
      assert.equal((await api(token, 'GET', '/status')).status, 401);
    });

    it('refuses state changes without the CSRF token, and the last admin cannot be demoted', async () => {
      const b = new Browser();
      await b.login(url);
      assert.equal((await b.request(`${url}/settings/users`, { form: { username: 'evil', password: 'evil-password-1', role: 'admin' } })).status, 403);
      assert.equal((await b.request(`${url}/settings/xero/disconnect`, { form: { _csrf: 'forged' } })).status, 403);
      const admin = await rt.store.db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();
      await b.request(`${url}/settings/users/${admin.id}/role`, { form: { _csrf: await b.csrf(url), role: 'viewer' } });
      assert.equal((await rt.store.db.selectFrom('users').select('role').where('id', '=', admin.id).executeTakeFirst())?.role, 'admin');
    });

    it('rate-limits login attempts', async () => {
      const b = new Browser();
      const statuses: number[] = [];
      for (let i = 0; i < 12; i += 1) {
        const page = await b.request(`${url}/login`);
        const csrf = page.status === 200 ? csrfOf(page.text) : '';
        statuses.push((await b.request(`${url}/login`, { form: { _csrf: csrf, username: 'admin', password: `wrong-${i}` } })).status);
      }
      assert.ok(statuses.includes(429), `statuses: ${statuses.join(',')}`);
    });
  });
}
