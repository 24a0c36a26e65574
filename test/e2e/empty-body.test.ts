/**
 * Action endpoints take no body, and clients send them anyway with `content-type: application/json`
 * and nothing after it (curl scripts, many HTTP libraries): every bodiless POST and DELETE of the API
 * answers as it does without a body, never 400. Sent over real HTTP with Content-Length: 0, with an
 * empty chunked body, and without a content type.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { databaseKinds } from '../helpers/databases';
import { API_TOKEN, startHarness, type Harness } from '../helpers/harness';
import { customer, post } from '../engine-e2e/helpers';
import { ACCOUNT_FAILURE, fail } from '../ui/helpers';

type Send = (h: Harness, method: string, path: string) => Promise<{ status: number; body: string }>;

const withLength =
  (contentType: string | null): Send =>
  async (h, method, path) => {
    const res = await fetch(`${h.url}${path}`, { method, body: '', headers: { authorization: `Bearer ${API_TOKEN}`, ...(contentType ? { 'content-type': contentType } : {}) } });
    return { status: res.status, body: await res.text() };
  };

/** Like curl -X POST -H 'content-type: application/json' through a proxy that chunks: no length, an empty body. */
const chunked: Send = (h, method, path) =>
  new Promise((resolve, reject) => {
    const req = http.request(`${h.url}${path}`, { method, headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });

const WAYS: Array<[string, Send]> = [
  ['content-type: application/json, Content-Length: 0', withLength('application/json')],
  ['content-type: application/json; charset=utf-8, Content-Length: 0', withLength('application/json; charset=utf-8')],
  ['content-type: application/json, empty chunked body', chunked],
  ['no content type', withLength(null)],
];

for (const kind of databaseKinds()) {
  describe(`bodiless API actions accept an empty JSON body (${kind})`, () => {
    let h: Harness;
    let n = 0;
    before(async () => {
      h = await startHarness(kind, { sandbox: { limits: { enabled: false } }, runtime: { noClientLimits: true } });
    });
    after(async () => h.close());

    /** Three exports made failed, to act on. */
    async function failedExports(): Promise<number[]> {
      n += 1;
      const ids = await post(h, customer(`CUST-EB-${n}-A`, `Empty Body ${n} A`), customer(`CUST-EB-${n}-B`, `Empty Body ${n} B`), customer(`CUST-EB-${n}-C`, `Empty Body ${n} C`));
      await fail(h.rt, ids, ACCOUNT_FAILURE);
      return ids;
    }

    for (const [way, send] of WAYS) {
      test(way, async () => {
        const [a, b, c] = await failedExports();
        const calls: Array<[string, string, number]> = [
          ['POST', '/api/v1/reference/refresh', 200],
          ['POST', `/api/v1/exports/${a}/retry`, 200],
          ['POST', `/api/v1/exports/${b}/skip`, 200],
          ['DELETE', `/api/v1/exports/${c}`, 200],
          ['POST', '/api/v1/exports/retry-all', 200],
          ['POST', '/api/v1/exports/delete-all', 200],
          // An export that is not failed: the action's own answer, not a body error.
          ['POST', `/api/v1/exports/${a}/retry`, 409],
        ];
        for (const [method, path, want] of calls) {
          const res = await send(h, method, path);
          assert.equal(res.status, want, `${method} ${path} (${way}): ${res.body}`);
        }
      });
    }

    test('a route that needs a body still says so', async () => {
      const res = await withLength('application/json')(h, 'POST', '/api/v1/documents');
      assert.equal(res.status, 400, res.body);
      assert.equal((JSON.parse(res.body) as { error: { code: string } }).error.code, 'invalid_document');
      const bad = await fetch(`${h.url}/api/v1/exports/retry-all`, { method: 'POST', body: '{"oops"', headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' } });
      assert.equal(bad.status, 400, 'a body that is not JSON is still refused');
    });
  });
}
