/**
 * The API's rate limit over real HTTP (XPORT_API_RATE_LIMIT requests a minute per API token): the
 * answers within the limit count down in x-ratelimit-*, the first one over it is 429 `rate_limited`
 * with Retry-After, every operation of /api/v1 counts against the same token's minute, another token
 * is not held back, a request over the limit is refused before its body is read, requests without a
 * token are counted by address, nothing outside /api/v1 is limited, and 0 switches it off. The key a
 * token is counted under never holds the token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createRuntime, type Runtime } from '../../src/app/runtime';
import { loadConfig } from '../../src/config/config';
import { DOCUMENT_EXAMPLES } from '../../src/web/api/document-bodies';
import { rateLimitKey } from '../../src/web/api/rate-limit';
import { buildServer } from '../../src/web/server';
import { databaseKinds, makeDatabase, type TestDatabase } from '../helpers/databases';

const LIMIT = 5;

interface Rig {
  db: TestDatabase;
  rt: Runtime;
  app: FastifyInstance;
  url: string;
  admin: string;
  viewer: string;
  close(): Promise<void>;
}

async function startRig(kind: 'sqlite' | 'postgres', limit: number): Promise<Rig> {
  const db = await makeDatabase(kind);
  const rt = await createRuntime(loadConfig({ XPORT_DATABASE_URL: db.url, XPORT_LOG_LEVEL: 'silent', XPORT_WORKERS: '0', XPORT_API_RATE_LIMIT: String(limit) }));
  const tenantId = 'tenant-rate-limit';
  await rt.store.tenants.upsert({ id: tenantId, name: 'Rate Limit Ltd' });
  const admin = (await rt.apiTokens.create('test', { tenantId, name: 'admin', role: 'admin' })).token;
  const viewer = (await rt.apiTokens.create('test', { tenantId, name: 'viewer', role: 'viewer' })).token;
  const app = await buildServer(rt);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const a = app.server.address();
  const url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  return {
    db,
    rt,
    app,
    url,
    admin,
    viewer,
    async close() {
      await app.close();
      await rt.close();
      await db.drop();
    },
  };
}

async function call(
  rig: Rig,
  method: string,
  path: string,
  token: string | null,
  body?: string,
): Promise<{ status: number; headers: Headers; json: { error?: { code: string; message: string; details?: unknown } } }> {
  const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
  const res = await fetch(`${rig.url}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text.startsWith('{') ? (JSON.parse(text) as { error?: { code: string; message: string } }) : {} };
}

for (const kind of databaseKinds()) {
  describe(`the API rate limit, ${LIMIT} a minute per token (${kind})`, () => {
    let rig: Rig;
    before(async () => {
      rig = await startRig(kind, LIMIT);
    });
    after(async () => rig.close());

    test('answers within the limit count down; the next one is 429 rate_limited with Retry-After; every operation counts', async () => {
      const calls: Array<[string, string, string | undefined]> = [
        ['GET', '/api/v1/status', undefined],
        ['GET', '/api/v1/exports', undefined],
        ['POST', '/api/v1/documents', JSON.stringify(DOCUMENT_EXAMPLES.customer)],
        ['GET', '/api/v1/settings', undefined], // routes in their own plugin context (as every routes file registers) count too
        ['GET', '/api/v1/exports/999999', undefined],
      ];
      const remaining: number[] = [];
      for (const [method, path, body] of calls) {
        const res = await call(rig, method, path, rig.admin, body);
        assert.ok(res.status !== 429, `${method} ${path} is within the limit`);
        assert.equal(res.headers.get('x-ratelimit-limit'), String(LIMIT));
        remaining.push(Number(res.headers.get('x-ratelimit-remaining')));
        const reset = Number(res.headers.get('x-ratelimit-reset'));
        assert.ok(reset >= 1 && reset <= 60, `x-ratelimit-reset ${reset}`);
      }
      assert.deepEqual(remaining, [4, 3, 2, 1, 0]);
      const over = await call(rig, 'GET', '/api/v1/status', rig.admin);
      assert.equal(over.status, 429);
      assert.equal(over.json.error?.code, 'rate_limited');
      assert.match(over.json.error?.message ?? '', /More than 5 requests a minute with this API token: try again in \d+ s$/);
      const retryAfter = Number(over.headers.get('retry-after'));
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${over.headers.get('retry-after')}`);
      assert.deepEqual(over.json.error?.details, { limit: LIMIT, retryAfterSeconds: retryAfter });
      assert.equal(over.headers.get('x-ratelimit-remaining'), '0');
      assert.equal(over.headers.get('cache-control'), 'no-store', 'an API answer like any other');
      assert.equal((await rig.rt.queue.list('tenant-rate-limit', undefined, { limit: 10 })).length, 1, 'only the document sent within the limit was stored');
    });

    test('over the limit, a request is refused before its body is read, and before its token is checked', async () => {
      const big = `{"documents":["${'x'.repeat(11 * 1024 * 1024)}"]}`;
      const res = await call(rig, 'POST', '/api/v1/documents', rig.admin, big);
      assert.equal(res.status, 429, 'not 413: the body was never read');
      const bogus = 'not-a-token-but-sent-many-times';
      const statuses: number[] = [];
      for (let i = 0; i <= LIMIT; i++) statuses.push((await call(rig, 'GET', '/api/v1/status', bogus)).status);
      assert.deepEqual(statuses, [...Array(LIMIT).fill(401), 429]);
    });

    test('another token has its own minute; so does a request without a token (by address)', async () => {
      const other = await call(rig, 'GET', '/api/v1/status', rig.viewer);
      assert.equal(other.status, 200);
      assert.equal(other.headers.get('x-ratelimit-remaining'), String(LIMIT - 1));
      const anonymous: number[] = [];
      for (let i = 0; i <= LIMIT; i++) anonymous.push((await call(rig, 'GET', '/api/v1/status', null)).status);
      assert.deepEqual(anonymous, [...Array(LIMIT).fill(401), 429]);
    });

    test('nothing outside /api/v1 is limited: probes, the OpenAPI document, the reference, the pages', async () => {
      assert.equal((await call(rig, 'GET', '/api/v1/status', rig.admin)).status, 429, 'the token is still over its limit');
      for (const path of ['/healthz', '/readyz', '/api/v1/openapi.json', '/api/docs/', '/login']) {
        for (let i = 0; i <= LIMIT; i++) {
          const res = await call(rig, 'GET', path, rig.admin);
          assert.equal(res.status, 200, `${path} (${i + 1})`);
          assert.equal(res.headers.get('x-ratelimit-limit'), null, `${path}: no rate-limit headers`);
        }
      }
    });
  });
}

describe('XPORT_API_RATE_LIMIT=0: no limit', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig('sqlite', 0);
  });
  after(async () => rig.close());

  test('many requests, none refused, no rate-limit headers', async () => {
    for (let i = 0; i < 50; i++) {
      const res = await call(rig, 'GET', '/api/v1/status', rig.admin);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-ratelimit-limit'), null);
    }
  });

  test('the default is generous: 10,000 documents a second in requests of 500 is 1,200 requests a minute', () => {
    const perMinute = loadConfig({}).apiRateLimit;
    assert.ok(perMinute >= 2 * ((10_000 / 500) * 60), `default ${perMinute} leaves room beside bulk ingest`);
  });
});

describe('the key a request is counted under', () => {
  const hostile = ['xpt_abc', 'a'.repeat(4096), 'tøken-ünïcode', '\u0000nul', 'Bearer', '"quoted"', '%00', 'token:abc'];
  test('a digest of the token, never the token; the same token one key, two tokens two keys', () => {
    const keys = new Set<string>();
    for (const token of hostile) {
      const key = rateLimitKey({ headers: { authorization: `Bearer ${token}` }, ip: '127.0.0.1' });
      assert.match(key, /^token:[0-9a-f]{64}$/);
      assert.ok(!key.includes(token), 'the token is not in its key');
      assert.equal(rateLimitKey({ headers: { authorization: `bearer  ${token}` }, ip: '10.0.0.1' }), key, 'the scheme in any case, any address');
      keys.add(key);
    }
    assert.equal(keys.size, hostile.length);
    assert.equal(rateLimitKey({ headers: {}, ip: '192.0.2.7' }), 'address:192.0.2.7');
    assert.equal(rateLimitKey({ headers: { authorization: 'Basic abc' }, ip: '192.0.2.7' }), 'address:192.0.2.7');
  });
});
