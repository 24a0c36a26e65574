/**
 * XPORT_TRUST_PROXY: behind a trusted proxy that says the request came over HTTPS, the session and
 * CSRF cookies are Secure and Strict-Transport-Security is sent; the same header from a peer that is
 * not trusted changes nothing. The variable takes true, a hop count, or a list of addresses/CIDRs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config';
import { serve, signIn, type Served } from './helpers';

const HTTPS = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' };

describe('XPORT_TRUST_PROXY is parsed like fastify trustProxy', () => {
  it('accepts true, false, a hop count and a list of addresses and CIDR ranges; refuses anything else', () => {
    const tp = (v: string) => loadConfig({ XPORT_TRUST_PROXY: v }).trustProxy;
    assert.equal(loadConfig({}).trustProxy, false);
    assert.equal(tp('true'), true);
    assert.equal(tp('false'), false);
    assert.equal(tp('2'), 2);
    assert.deepEqual(tp('127.0.0.1, 10.0.0.0/8,fd00::/8'), ['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);
    for (const bad of ['yes', '10.0.0.0/33', 'proxy.example.com', '1.2.3.4/8/1', ',']) assert.throws(() => tp(bad), ConfigError, bad);
  });
});

for (const [name, env, trusted] of [
  ['a trusted proxy (its address)', { XPORT_TRUST_PROXY: '127.0.0.1' }, true],
  ['a trusted proxy (one hop)', { XPORT_TRUST_PROXY: '1' }, true],
  ['a peer that is not trusted (the default)', {}, false],
  ['a peer outside the trusted range', { XPORT_TRUST_PROXY: '10.0.0.0/8' }, false],
] as const) {
  describe(`X-Forwarded-Proto: https from ${name}`, () => {
    let s: Served;
    before(async () => {
      s = await serve('sqlite', env);
    });
    after(() => s.close());

    it(trusted ? 'makes cookies Secure and sends HSTS' : 'leaves cookies without Secure and sends no HSTS', async () => {
      const { setCookies, headers } = await signIn(s.url, undefined, undefined, HTTPS);
      const ours = setCookies.filter((c) => /^xport_(session|csrf)=/.test(c));
      assert.equal(ours.length, 2, setCookies.join('\n'));
      for (const c of ours) assert.equal(/;\s*Secure/i.test(c), trusted, c);
      const page = await fetch(`${s.url}/login`, { headers: HTTPS });
      assert.equal(page.headers.get('strict-transport-security'), trusted ? 'max-age=31536000' : null);
      assert.equal(headers.get('strict-transport-security'), trusted ? 'max-age=31536000' : null);
      assert.equal((await fetch(`${s.url}/healthz`)).headers.get('strict-transport-security'), null, 'plain HTTP gets no HSTS');
    });
  });
}
