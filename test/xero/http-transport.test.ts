/**
 * The Xero transport over real sockets: what each network failure is called and whether the request
 * may have reached the server (which decides between sending again and looking the document up
 * first), answers of any status as values, and repeated headers kept.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { sendHttp } from '../../src/xero/http';

describe('sendHttp', () => {
  let server: http.Server;
  let base = '';
  const seen: Array<{ method: string; url: string; body: string; contentType: string | undefined }> = [];

  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', body, contentType: req.headers['content-type'] });
        if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2_000);
        if (req.url === '/slow-body') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"a":');
          return void setTimeout(() => res.end('1}'), 2_000);
        }
        if (req.url === '/reset') return void req.socket.destroy();
        res.writeHead(req.url === '/refused' ? 400 : 200, [
          ['content-type', 'application/json'],
          ['Xero-Correlation-Id', 'corr-1'],
          ['X-MinLimit-Remaining', '58'],
          ['x-rate', 'a'],
          ['x-rate', 'b'],
        ]);
        res.end(JSON.stringify({ echo: body, naïve: 'ü€𝄞' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  test('an answer of any status is a value, with its body, headers (lower case, repeats joined), correlation id and limits', async () => {
    const ok = await sendHttp({ method: 'POST', url: `${base}/ok`, headers: { 'content-type': 'application/json' }, body: '{"x":"ü"}', timeoutMs: 5_000 });
    assert.equal(ok.kind, 'response');
    if (ok.kind !== 'response') return;
    assert.equal(ok.status, 200);
    assert.deepEqual(JSON.parse(ok.bodyText), { echo: '{"x":"ü"}', naïve: 'ü€𝄞' });
    assert.equal(ok.correlationId, 'corr-1');
    assert.equal(ok.limits.minuteRemaining, 58);
    assert.equal(ok.headers['x-rate'], 'a, b');
    assert.equal(seen.at(-1)?.contentType, 'application/json');
    const refused = await sendHttp({ method: 'GET', url: `${base}/refused`, headers: {}, timeoutMs: 5_000 });
    assert.equal(refused.kind === 'response' && refused.status, 400);
  });

  test('no answer in time: a timeout that may have reached the server (headers or body late)', async () => {
    for (const path of ['/slow', '/slow-body']) {
      const started = Date.now();
      const r = await sendHttp({ method: 'POST', url: `${base}${path}`, headers: {}, body: '{}', timeoutMs: 300 });
      assert.equal(r.kind, 'network', path);
      if (r.kind !== 'network') return;
      assert.equal(r.failure, 'timeout', `${path}: ${r.detail}`);
      assert.equal(r.mayHaveReachedServer, true);
      assert.ok(Date.now() - started < 1_900, `${path} gave up at its timeout`);
    }
  });

  test('the connection dropped after the request was sent: a reset that may have reached the server', async () => {
    const r = await sendHttp({ method: 'POST', url: `${base}/reset`, headers: {}, body: '{}', timeoutMs: 5_000 });
    assert.equal(r.kind, 'network');
    if (r.kind !== 'network') return;
    assert.equal(r.mayHaveReachedServer, true);
    assert.ok(r.failure === 'connection_reset' || r.failure === 'unknown', `${r.failure}: ${r.detail}`);
  });

  test('nothing listening: connection refused, which certainly never reached the server', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const r = await sendHttp({ method: 'GET', url: `http://127.0.0.1:${port}/`, headers: {}, timeoutMs: 5_000 });
    assert.equal(r.kind, 'network');
    if (r.kind !== 'network') return;
    assert.equal(r.failure, 'connection_refused', r.detail);
    assert.equal(r.mayHaveReachedServer, false);
  });
});
