/**
 * The operator log of a real `xport serve`: JSON lines on a piped stdout, one per HTTP request with
 * the route pattern (not the URL), status and duration; no token, password or secret query value
 * anywhere; XPORT_LOG_LEVEL filters. The readable (terminal) form is checked on the formatter.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createLogger, prettyLine } from '../../src/app/logger';
import { waitFor } from '../helpers/processes';
import { opsWorld, spawnXport, type OpsWorld, type XportProcess } from './harness';
import { freePort } from '../helpers/processes';

const API_TOKEN = 'tok_operatorlogtest_0123456789abcdef';
const PASSWORD = 'pw-operator-log-test-9876';
const QUERY_SECRET = 'qs-secret-5f5f5f5f5f';

async function startServe(w: OpsWorld, level: string): Promise<{ p: XportProcess; url: string }> {
  const port = await freePort();
  const p = spawnXport(['serve'], { ...w.env, XPORT_PORT: String(port), XPORT_API_TOKEN: API_TOKEN, XPORT_ADMIN_PASSWORD: PASSWORD, XPORT_LOG_LEVEL: level, XPORT_WORKERS: '0' });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (p.child.exitCode !== null) throw new Error(`serve exited: ${p.stderr()}`);
      return (await fetch(`${url}/healthz`).catch(() => null))?.status === 200;
    },
    'serve to listen',
    30_000,
  );
  return { p, url };
}

describe('operator logs of a real serve process', () => {
  let w: OpsWorld;
  before(async () => {
    w = await opsWorld('sqlite');
  });
  after(async () => {
    await w?.close();
  });

  test('one JSON line per request with the route pattern; no token, password or query secret', { timeout: 60_000 }, async () => {
    const { p, url } = await startServe(w, 'debug');
    const auth = { authorization: `Bearer ${API_TOKEN}` };
    assert.equal((await fetch(`${url}/api/v1/status`, { headers: auth })).status, 200);
    assert.equal((await fetch(`${url}/api/v1/exports/999999?token=${QUERY_SECRET}`, { headers: auth })).status, 404);
    assert.equal((await fetch(`${url}/api/v1/status`, { headers: { authorization: 'Bearer wrong-token-aaaaaaaaaaaa' } })).status, 401);
    await fetch(`${url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'xport_session=abc123cookievalue' },
      body: `username=admin&password=${PASSWORD}`,
    });
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    const { code } = await p.stop('SIGTERM');
    assert.equal(code, 0, p.stderr());
    const lines = p.stdout().trim().split('\n');
    for (const l of lines) assert.doesNotThrow(() => JSON.parse(l), `every stdout line is JSON: ${l}`);
    const requests = p.records().filter((r) => r.msg === 'http request');
    const routes = requests.map((r) => `${String(r.method)} ${String(r.route)} ${String(r.status)}`);
    assert.ok(routes.includes('GET /api/v1/status 200'), routes.join('\n'));
    assert.ok(routes.includes('GET /api/v1/exports/:id 404'), 'the route pattern, not the URL');
    assert.ok(routes.includes('GET /api/v1/status 401'));
    assert.ok(routes.includes('GET /healthz 200'), 'probes at debug');
    for (const r of requests) assert.equal(typeof r.durationMs, 'number');
    const all = p.stdout() + p.stderr();
    for (const secret of [API_TOKEN, PASSWORD, QUERY_SECRET, 'abc123cookievalue', 'wrong-token-aaaaaaaaaaaa', w.sandbox.clientSecret]) {
      assert.ok(!all.includes(secret), `"${secret}" is not in the log`);
    }
    assert.ok(p.records().some((r) => typeof r.msg === 'string' && r.msg.startsWith('xport listening')));
    assert.equal(p.records().at(-1)?.msg, 'stopped');
  });

  test('XPORT_LOG_LEVEL=warn keeps request lines out', { timeout: 60_000 }, async () => {
    const { p, url } = await startServe(w, 'warn');
    await fetch(`${url}/api/v1/status`);
    await p.stop('SIGTERM');
    assert.equal(p.records().filter((r) => r.msg === 'http request').length, 0);
    assert.ok(
      p.records().every((r) => Number(r.level) >= 40),
      p.stdout(),
    );
  });
});

describe('readable lines for a terminal', () => {
  test('time, level, message and key=value, secrets redacted', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => {
      text += d.toString();
    });
    const log = createLogger({ level: 'info', pretty: true, destination: out });
    log.warn({ tenant: 't1', code: 'rate_limited', authorization: 'Bearer xyz', reason: 'minute limit' }, 'exports paused');
    log.debug('hidden');
    await new Promise((r) => setImmediate(r));
    assert.match(text, /^\d\d:\d\d:\d\d\.\d{3} WARN {2}exports paused tenant=t1 code=rate_limited authorization=\[redacted\] reason="minute limit"\n$/);
    assert.equal(prettyLine('not json'), 'not json');
  });
});
