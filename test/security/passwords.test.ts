/**
 * Password hashes: scrypt at N=2^17, r=8, p=1 with the parameters stored in the hash; a hash made with
 * older parameters (N=2^14) still signs in and is replaced by a current one at that sign-in, and only
 * then (a wrong password changes nothing).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashPassword, hashPasswordWith, needsRehash, SCRYPT_N, verifyPassword } from '../../src/web/auth/passwords';
import { usersOf } from '../../src/web/auth/users';
import { csrfOf } from '../oauth/helpers';
import { cookieOf, serve, signIn, type Served } from './helpers';

describe('password hashes', () => {
  it('are scrypt N=2^17, r=8, p=1, with the parameters stored', async () => {
    const hash = await hashPassword('correct horse battery');
    assert.match(hash, /^scrypt\$131072\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.equal(SCRYPT_N, 2 ** 17);
    assert.equal(await verifyPassword('correct horse battery', hash), true);
    assert.equal(await verifyPassword('wrong', hash), false);
    assert.equal(needsRehash(hash), false);
    assert.equal(needsRehash(await hashPasswordWith('x', 2 ** 14)), true);
    assert.equal(await verifyPassword('x', 'scrypt$1099511627776$8$1$AAAA$AAAA'), false, 'absurd parameters are refused, not attempted');
  });
});

describe('a hash with older parameters', () => {
  let s: Served;
  before(async () => {
    s = await serve('sqlite');
  });
  after(() => s.close());

  it('is rehashed at the next successful sign-in, and not at a failed one', async () => {
    const users = usersOf(s.rt);
    await users.upsert({ username: 'clerk', passwordHash: await hashPasswordWith('clerk-password-1', 2 ** 14), role: 'viewer' });
    const stored = async () => (await users.findByName('clerk'))?.passwordHash ?? '';
    const old = await stored();
    assert.match(old, /^scrypt\$16384\$/);

    const page = await fetch(`${s.url}/login`);
    const cookie = `xport_csrf=${encodeURIComponent(cookieOf(page.headers.getSetCookie(), 'xport_csrf') ?? '')}`;
    const wrong = await fetch(`${s.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(await page.text()), username: 'clerk', password: 'not-the-password' }).toString(),
    });
    assert.equal(wrong.status, 401);
    assert.equal(await stored(), old, 'a failed sign-in changes nothing');

    await signIn(s.url, 'clerk', 'clerk-password-1');
    const now = await stored();
    assert.match(now, /^scrypt\$131072\$8\$1\$/);
    assert.equal(await verifyPassword('clerk-password-1', now), true);
    await signIn(s.url, 'clerk', 'clerk-password-1'); // and still signs in with the new hash
  });
});
