/**
 * /metrics names every organisation, so it is not public: without XPORT_METRICS_TOKEN or a separate
 * listener it answers 401; with a token it needs that Bearer token; with XPORT_METRICS_PORT a second
 * listener serves it and the main one still refuses it without a token.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bearerMatches } from '../../src/web/metrics-routes';
import { freePort } from '../oauth/helpers';
import { serve } from './helpers';

const TOKEN = 'metrics-token-0123456789abcdef';
const scrape = (url: string, token?: string) => fetch(`${url}/metrics`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

describe('/metrics', () => {
  it('answers 401 when neither a token nor a separate listener is configured', async () => {
    const s = await serve('sqlite');
    try {
      const res = await scrape(s.url);
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer');
      assert.equal((await res.text()).includes('xport_queue_depth'), false);
      assert.equal((await scrape(s.url, 'anything-at-all')).status, 401);
    } finally {
      await s.close();
    }
  });

  it('needs the Bearer token when XPORT_METRICS_TOKEN is set', async () => {
    const s = await serve('sqlite', { XPORT_METRICS_TOKEN: TOKEN });
    try {
      assert.equal((await scrape(s.url)).status, 401);
      assert.equal((await scrape(s.url, `${TOKEN}x`)).status, 401);
      assert.equal((await scrape(s.url, TOKEN.slice(0, -1))).status, 401);
      const ok = await scrape(s.url, TOKEN);
      assert.equal(ok.status, 200);
      assert.match(await ok.text(), /xport_queue_depth/);
    } finally {
      await s.close();
    }
  });

  it('is served on XPORT_METRICS_HOST:XPORT_METRICS_PORT, and not on the main listener', async () => {
    const port = await freePort();
    const s = await serve('sqlite', { XPORT_METRICS_PORT: String(port) });
    try {
      const separate = await scrape(`http://127.0.0.1:${port}`);
      assert.equal(separate.status, 200);
      assert.match(await separate.text(), /xport_queue_depth/);
      assert.equal((await scrape(s.url)).status, 401);
    } finally {
      await s.close();
    }
    await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`), 'the separate listener closes with the server');
  });

  it('compares the token in constant time over hashes, so any length is handled', () => {
    assert.equal(bearerMatches(`Bearer ${TOKEN}`, TOKEN), true);
    assert.equal(bearerMatches(`bearer ${TOKEN}`, TOKEN), true);
    for (const h of [undefined, '', 'Bearer', `Basic ${TOKEN}`, `Bearer ${TOKEN} extra`, `Bearer ${'x'.repeat(10_000)}`]) assert.equal(bearerMatches(h, TOKEN), false, String(h).slice(0, 30));
  });
});
