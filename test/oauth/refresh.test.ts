/**
 * Token life against the sandbox's identity server, on every database:
 *  - two xport processes (two runtimes on one database) refreshing at once keep one working token
 *    (one refresh per round, and the stored refresh token still works after Xero's grace is over);
 *  - a refresh whose answer was lost in a crash is finished inside the 30-minute grace;
 *  - a connection that is gone (invalid_grant after the grace, a revoked grant seen as a 401)
 *    pauses the organisation, says so in the status, the log and a notification; reconnecting
 *    resumes it and the backlog exports by itself.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { XeroConnectionsRepository } from '../../src/db/repositories/xero-connections';
import { DEMO_ORGS } from '../../src/sandbox/index';
import { SecretBox } from '../../src/security/secret-box';
import { openGrant, sealGrant } from '../../src/xero/oauth-grant';
import { databaseKinds } from '../helpers/databases';
import { Browser, connectViaOAuth, sandboxPost, startRig, startXport, tokenRequests, type Rig, type Xport } from './helpers';
import { waitFor } from '../helpers/processes';

const NZ = DEMO_ORGS[0]?.tenantId ?? '';

function hookServer(): Promise<{ url: string; received: Array<Record<string, unknown>>; close(): Promise<void> }> {
  const received: Array<Record<string, unknown>> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      received.push(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({ url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/hook`, received, close: () => new Promise((r) => server.close(() => r())) });
    }),
  );
}

/** Two xport processes on one database, the first connected to NZ through OAuth, and a notification hook. */
async function connectedPair(kind: 'sqlite' | 'postgres', b: Browser) {
  const hook = await hookServer();
  const rig = await startRig(kind, { XPORT_NOTIFY_WEBHOOK_URL: hook.url });
  const second = await startXport(rig.db.url, rig.sandbox);
  await b.login(rig.x.url);
  await connectViaOAuth(b, rig.x, [NZ]);
  const repo = new XeroConnectionsRepository(rig.x.rt.store.db);
  const authId = (await repo.authIdOf(NZ)) ?? '';
  const apiToken = (await rig.x.rt.store.tokens.create({ tenantId: NZ, name: 'life', role: 'admin' })).token;
  return { hook, rig, second, repo, authId, apiToken };
}

/** The token set as stored (decrypted). */
async function storedGrant(rig: Rig, repo: XeroConnectionsRepository, authId: string) {
  const row = await repo.get(authId);
  const g = row ? openGrant(SecretBox.load(rig.x.rt.config), authId, row.ciphertext) : null;
  assert.ok(g);
  return g;
}

for (const kind of databaseKinds()) {
  describe(`OAuth token life (${kind})`, () => {
    let rig: Rig;
    let second: Xport;
    let hook: Awaited<ReturnType<typeof hookServer>>;
    let authId: string;
    let repo: XeroConnectionsRepository;
    const b = new Browser();
    const apiToken = { value: '' };

    before(async () => {
      ({ hook, rig, second, repo, authId, apiToken: apiToken.value } = await connectedPair(kind, b));
    });
    after(async () => {
      await second.close();
      await rig.close();
      await hook.close();
    });

    const grant = () => storedGrant(rig, repo, authId);
    /** Both processes find the stored access token expired (as 30 minutes after the last refresh). */
    const expireStored = async () => {
      const g = await grant();
      await repo.saveTokens(authId, null, sealGrant(SecretBox.load(rig.x.rt.config), authId, { ...g, accessExpiresAt: Date.now() - 1000 }));
      rig.x.tokens.forget(authId);
      second.tokens.forget(authId);
      return g;
    };
    const organisation = async (x: Xport) => x.rt.xero.call({ method: 'GET', path: '/Organisation', tenantId: NZ });
    /** Refreshes the stored refresh token behind xport's back: the answer a crashed process never stored. */
    const lostRefresh = async () => {
      const g = await grant();
      const basic = Buffer.from(`${rig.sandbox.clientId}:${rig.sandbox.clientSecret}`).toString('base64');
      const res = await fetch(`${rig.sandbox.url}/connect/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: g.refreshToken }),
      });
      assert.equal(res.status, 200);
      return g;
    };

    it('two processes refreshing at once: one refresh per round, and the token chain stays valid', async () => {
      const rounds = 5;
      const before = await tokenRequests(rig.sandbox);
      for (let i = 0; i < rounds; i += 1) {
        // Both processes find the stored access token expired at the same moment.
        await expireStored();
        const results = await Promise.all([rig.x, second, rig.x, second, rig.x, second].map((x) => x.tokens.tokenFor(authId)));
        assert.ok(
          results.every((r) => r.ok),
          JSON.stringify(results.filter((r) => !r.ok)),
        );
        assert.equal(new Set(results.map((r) => (r.ok ? r.token : ''))).size, 1, 'every caller got the same access token');
      }
      const refreshes = (await tokenRequests(rig.sandbox)) - before;
      assert.equal(refreshes, rounds, `expected one token request per round, saw ${refreshes}`);
      // Past Xero's 30-minute grace only the newest refresh token works: it must be the stored one.
      await sandboxPost(rig.sandbox, '/_sandbox/clock', { advanceSeconds: 31 * 60 });
      const g = await expireStored();
      assert.ok((await second.tokens.tokenFor(authId)).ok);
      assert.notEqual((await grant()).refreshToken, g.refreshToken, 'refreshed with the stored token after the grace');
      const res = await organisation(rig.x);
      assert.equal(res.kind === 'response' ? res.status : res.kind, 200);
    });

    it('finishes a refresh interrupted by a crash inside the 30-minute grace', async () => {
      const g = await lostRefresh();
      // The crashed process had marked its refresh as started two minutes ago, then died.
      await repo.saveTokens(authId, null, sealGrant(SecretBox.load(rig.x.rt.config), authId, { ...g, refreshStartedAt: Date.now() - 120_000 }));
      await sandboxPost(rig.sandbox, '/_sandbox/clock', { advanceSeconds: 10 * 60 });
      const done = await second.rt.connections.maintain();
      assert.equal(done.refreshed, 1);
      const after = await grant();
      assert.equal(after.refreshStartedAt, null);
      assert.notEqual(after.refreshToken, g.refreshToken);
      assert.equal((await rig.x.rt.store.tenants.get(NZ))?.status, 'active');
    });

    it('a lost connection (invalid_grant after the grace) pauses the organisation, logs and notifies', async () => {
      await lostRefresh();
      await sandboxPost(rig.sandbox, '/_sandbox/clock', { advanceSeconds: 31 * 60 });
      await expireStored();
      const r = await rig.x.tokens.tokenFor(authId);
      assert.equal(r.ok, false);
      const tenant = await rig.x.rt.store.tenants.get(NZ);
      assert.equal(tenant?.status, 'disconnected');
      assert.equal(tenant?.pauseCode, 'auth_invalid_grant');
      const status = await rig.x.rt.queue.status(NZ);
      assert.deepEqual(
        status.disconnected.map((d) => d.tenantId),
        [NZ],
      );
      const log = await rig.x.rt.store.log.search({ tenantId: NZ, level: 'error', q: 'connection to Xero', limit: 5 });
      assert.ok(log.entries.some((e) => e.event === 'connection.lost'));
      const note = await waitFor(async () => hook.received.find((n) => n.type === 'connection_lost'), 'the lost-connection notification');
      assert.equal(note.tenantName, 'Demo Company (NZ)');
      assert.equal(JSON.stringify(hook.received).includes((await grant()).refreshToken), false, 'no token in notifications');
    });
  });

  describe(`Disconnect and reconnect (${kind})`, () => {
    let rig: Rig;
    let second: Xport;
    let hook: Awaited<ReturnType<typeof hookServer>>;
    let authId: string;
    let repo: XeroConnectionsRepository;
    const b = new Browser();
    const apiToken = { value: '' };

    before(async () => {
      ({ hook, rig, second, repo, authId, apiToken: apiToken.value } = await connectedPair(kind, b));
    });
    after(async () => {
      await second.close();
      await rig.close();
      await hook.close();
    });

    const grant = () => storedGrant(rig, repo, authId);
    const organisation = async (x: Xport) => x.rt.xero.call({ method: 'GET', path: '/Organisation', tenantId: NZ });

    it('a connection revoked in Xero is noticed on the next call (401, refresh refused) and pauses the organisation', async () => {
      authId = (await repo.authIdOf(NZ)) ?? '';
      const g = await grant();
      const basic = Buffer.from(`${rig.sandbox.clientId}:${rig.sandbox.clientSecret}`).toString('base64');
      await fetch(`${rig.sandbox.url}/connect/revocation`, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: g.refreshToken }),
      });
      const first = await organisation(rig.x);
      assert.equal(first.kind === 'response' ? first.status : first.kind, 401);
      const secondCall = await organisation(rig.x);
      assert.equal(secondCall.kind, 'no_token');
      assert.equal((await rig.x.rt.store.tenants.get(NZ))?.status, 'disconnected');
    });
    it('reconnecting resumes the organisation and the backlog exports by itself', async () => {
      const docs = ['BACKLOG-1', 'BACKLOG-2'].map((s) => ({ kind: 'customer', sourceId: s, name: `${s} Ltd`, email: `${s.toLowerCase()}@example.test` }));
      const res = await fetch(`${rig.x.url}/api/v1/documents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiToken.value}`, 'content-type': 'application/json' },
        body: JSON.stringify({ documents: docs }),
      });
      assert.equal(res.status, 202);
      await rig.x.rt.workers[0]?.drain();
      const held = await rig.x.rt.store.exports.list({ tenantId: NZ, statuses: ['queued'], limit: 10 });
      assert.equal(held.length, 2, 'nothing exports while disconnected');
      const { settings } = await connectViaOAuth(b, rig.x, [NZ]);
      assert.match(settings, /Connected to Xero: Demo Company \(NZ\)/);
      assert.equal((await rig.x.rt.store.tenants.get(NZ))?.status, 'active');
      await rig.x.rt.workers[0]?.drain();
      const exported = await rig.x.rt.store.exports.list({ tenantId: NZ, statuses: ['exported'], limit: 10 });
      assert.ok(
        ['BACKLOG-1', 'BACKLOG-2'].every((s) => exported.some((e) => e.sourceId === s)),
        'the backlog exported after reconnecting',
      );
    });
  });
}
