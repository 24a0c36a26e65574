/**
 * Anonymous visitors store nothing (the login form's CSRF protection is a signed cookie, not a
 * session row), expired sessions are pruned by a timer while the server runs, and one person holds
 * at most SESSIONS_PER_USER sessions: signing in again drops the oldest.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import { SESSIONS_PER_USER, WebSessionsRepository } from '../../src/db/repositories/web-sessions';
import { PRUNE_EVERY_MS } from '../../src/web/auth/session';
import { databaseKinds } from '../helpers/databases';
import { waitUntil } from '../helpers/processes';
import { csrfOf } from '../oauth/helpers';
import { cookieOf, queueWith, serve, signIn, type Served } from './helpers';

for (const kind of databaseKinds()) {
  describe(`sessions (${kind})`, () => {
    let s: Served;
    before(async () => {
      s = await serve(kind);
    });
    after(() => s.close());

    it('200 anonymous visits to the login page store no session', async () => {
      const before = await s.sessionRows();
      for (let i = 0; i < 200; i += 1) {
        const res = await fetch(`${s.url}/${i % 2 ? 'login' : 'queue'}`, { headers: i % 3 ? {} : { cookie: 'xport_session=made-up.value' } });
        await res.arrayBuffer();
      }
      assert.equal(await s.sessionRows(), before);
    });

    it('the login form is still protected against CSRF without a session', async () => {
      const page = await fetch(`${s.url}/login`);
      const token = csrfOf(await page.text());
      const csrfCookie = cookieOf(page.headers.getSetCookie(), 'xport_csrf') ?? '';
      const other = cookieOf((await fetch(`${s.url}/login`)).headers.getSetCookie(), 'xport_csrf') ?? '';
      const post = (cookie: string, csrf: string) =>
        fetch(`${s.url}/login`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
          body: new URLSearchParams({ ...(csrf ? { _csrf: csrf } : {}), username: 'admin', password: 'admin-password-1' }).toString(),
        });
      assert.equal((await post('', token)).status, 403, 'no CSRF cookie');
      assert.equal((await post(`xport_csrf=${encodeURIComponent(csrfCookie)}`, '')).status, 403, 'no token');
      assert.equal((await post(`xport_csrf=${encodeURIComponent(other)}`, token)).status, 403, "another browser's cookie");
      assert.equal((await post(`xport_csrf=${encodeURIComponent(csrfCookie.replace(/\.[^.]+$/, '.forged'))}`, token)).status, 403, 'an unsigned cookie');
      assert.equal((await post(`xport_csrf=${encodeURIComponent(csrfCookie)}`, token)).status, 303, 'the pair from one page signs in');
    });

    it(`one person holds at most ${SESSIONS_PER_USER} sessions; the oldest are dropped`, async () => {
      const first = (await signIn(s.url)).session;
      assert.equal((await queueWith(s.url, first)).status, 200);
      const admin = await s.rt.store.db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();
      // Later sign-ins elsewhere (stored the way the session plugin stores them; the login route's rate limit would stop a loop of real ones).
      const repo = new WebSessionsRepository(s.rt.store.db);
      for (let i = 0; i < SESSIONS_PER_USER; i += 1) {
        await new Promise((r) => setTimeout(r, 2));
        await repo.set(`elsewhere-${i}`, { userId: admin.id }, new Date(Date.now() + 3_600_000), admin.id);
      }
      const rows = await s.rt.store.db.selectFrom('web_sessions').select('id_hash').where('user_id', '=', admin.id).execute();
      assert.equal(rows.length, SESSIONS_PER_USER);
      assert.equal((await queueWith(s.url, first)).status, 302, 'the oldest session has ended');
      assert.ok(await repo.get(`elsewhere-${SESSIONS_PER_USER - 1}`), 'the newest is kept');
    });
  });
}

describe('pruning expired sessions', () => {
  it(`runs every ${PRUNE_EVERY_MS / 60_000} minutes while the server runs`, async () => {
    mock.timers.enable({ apis: ['setInterval'] });
    let s: Served | null = null;
    try {
      s = await serve('sqlite');
      const repo = new WebSessionsRepository(s.rt.store.db);
      await repo.set('expired-1', {}, new Date(Date.now() - 1000), null);
      await repo.set('expired-2', {}, new Date(Date.now() - 1000), null);
      await repo.set('alive', {}, new Date(Date.now() + 3_600_000), null);
      assert.equal(await s.sessionRows(), 3);
      mock.timers.tick(PRUNE_EVERY_MS);
      assert.ok(await waitUntil(async () => (await s?.sessionRows()) === 1, 5000, 20), 'expired sessions pruned, the live one kept');
    } finally {
      mock.timers.reset();
      await s?.close();
    }
  });
});
