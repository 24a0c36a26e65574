/**
 * The whole OAuth flow against the sandbox's identity server, on every database: consent with PKCE
 * and state, the callback, the choice of organisations, encrypted token sets (no token in clear
 * anywhere in the database), exports carried by the OAuth token, and a forged callback refused.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { DEMO_ORGS } from '../../src/sandbox/index';
import { SecretBox } from '../../src/security/secret-box';
import { openGrant } from '../../src/xero/oauth-grant';
import { XeroConnectionsRepository } from '../../src/db/repositories/xero-connections';
import { databaseKinds } from '../helpers/databases';
import { Browser, connectViaOAuth, startRig, type Rig } from './helpers';

const [NZ, AU] = DEMO_ORGS.map((o) => o.tenantId) as [string, string];

for (const kind of databaseKinds()) {
  describe(`OAuth flow (${kind})`, () => {
    let rig: Rig;
    const b = new Browser();
    before(async () => {
      rig = await startRig(kind);
      await b.login(rig.x.url);
    });
    after(() => rig.close());

    it('connects through consent with PKCE and state, and keeps only the chosen organisation', async () => {
      const { authorizeUrl, settings } = await connectViaOAuth(b, rig.x, [NZ, AU], [NZ]);
      const q = new URL(authorizeUrl).searchParams;
      assert.equal(new URL(authorizeUrl).pathname, '/identity/connect/authorize');
      assert.equal(q.get('code_challenge_method'), 'S256');
      assert.match(q.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.ok((q.get('state') ?? '').length >= 22);
      assert.equal(q.get('scope'), rig.x.rt.config.xero.scopes);
      assert.match(q.get('scope') ?? '', /accounting\.invoices/, 'granular scopes by default');
      assert.match(settings, /Connected to Xero: Demo Company \(NZ\)/);
      const tenants = await rig.x.rt.store.tenants.list();
      assert.deepEqual(
        tenants.map((t) => [t.id, t.status]),
        [[NZ, 'active']],
      );
    });

    it('removed the organisation not chosen from the Xero connection', async () => {
      const repo = new XeroConnectionsRepository(rig.x.rt.store.db);
      const authId = await repo.authIdOf(NZ);
      assert.ok(authId);
      const token = await rig.x.tokens.tokenFor(authId);
      assert.ok(token.ok);
      const res = await fetch(`${rig.sandbox.url}/connections`, { headers: { authorization: `Bearer ${token.token}` } });
      const list = (await res.json()) as Array<{ tenantId: string }>;
      assert.deepEqual(
        list.map((c) => c.tenantId),
        [NZ],
      );
    });

    it('exports with the OAuth token, and reads reference data through it', async () => {
      const { token } = await rig.x.rt.store.tokens.create({ tenantId: NZ, name: 'flow', role: 'admin' });
      const res = await fetch(`${rig.x.url}/api/v1/documents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'customer', sourceId: 'OAUTH-1', name: 'OAuth Flow Ltd', email: 'ap@oauth.test' }),
      });
      assert.equal(res.status, 202);
      await rig.x.rt.workers[0]?.drain();
      const rows = await rig.x.rt.store.exports.list({ tenantId: NZ, limit: 5 });
      assert.equal(rows[0]?.status, 'exported', rows[0]?.lastError ?? '');
    });

    it('stores token sets encrypted: no token in clear text anywhere in the database', async () => {
      const repo = new XeroConnectionsRepository(rig.x.rt.store.db);
      const authId = await repo.authIdOf(NZ);
      const row = authId ? await repo.get(authId) : null;
      assert.ok(row?.ciphertext?.startsWith('v1.'));
      if (!row) return;
      const grant = openGrant(SecretBox.load(rig.x.rt.config), row.id, row.ciphertext);
      assert.ok(grant?.refreshToken && grant.accessToken);
      if (kind === 'sqlite') {
        const file = rig.db.url.slice('sqlite:'.length);
        const bytes = Buffer.concat([file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
        for (const secret of [grant.accessToken, grant.refreshToken, grant.accessToken.split('.')[1] ?? 'x']) assert.equal(bytes.includes(secret), false);
      }
      const { sql } = await import('kysely');
      const dump = await sql<{ t: string }>`select token_ciphertext as t from xero_connections`.execute(rig.x.rt.store.db);
      const logs = await rig.x.rt.store.log.search({ tenantId: null, level: 'all', limit: 500 });
      const everything = JSON.stringify([dump.rows, logs.entries]);
      assert.equal(everything.includes(grant.refreshToken), false);
      assert.equal(everything.includes(grant.accessToken), false);
    });

    it('refuses a callback whose state does not match, and one with no sign-in started', async () => {
      const start = await b.request(`${rig.x.url}/settings/xero/connect`);
      assert.equal(start.status, 302);
      const forged = await b.request(`${rig.x.url}/settings/xero/callback?code=abc&state=forged`);
      assert.equal(forged.status, 303);
      const page = await b.request(`${rig.x.url}/settings`);
      assert.match(page.text, /does not belong to this sign-in|start again|Connecting to Xero failed/);
      const replay = await b.request(`${rig.x.url}/settings/xero/callback?code=abc&state=forged`);
      assert.equal(replay.status, 303);
      assert.match((await b.request(`${rig.x.url}/settings`)).text, /does not match a sign-in started here/);
    });
  });
}
