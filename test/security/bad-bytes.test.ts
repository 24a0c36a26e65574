/**
 * Bad bytes in requests, on every database: a NUL (or any text) in the log search answers 200; a JSON
 * body that is not valid UTF-8 is refused 400 `invalid_utf8`, one holding a NUL 400 `invalid_text`,
 * nothing stored; a text/plain body is 415; a JSON POST with an empty body is still accepted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { createRuntime, type Runtime } from '../../src/app/runtime';
import { loadConfig } from '../../src/config/config';
import { buildServer } from '../../src/web/server';
import { databaseKinds, makeDatabase, type TestDatabase } from '../helpers/databases';

const TENANT = { id: 'aaaaaaaa-0000-4000-8000-00000000000a', name: 'Bytes Ltd' };

for (const kind of databaseKinds()) {
  describe(`bad bytes (${kind})`, () => {
    let db: TestDatabase;
    let rt: Runtime;
    let app: FastifyInstance;
    let url = '';
    let token = '';
    const call = async (method: string, path: string, body?: Buffer | string, type?: string) => {
      const res = await fetch(`${url}/api/v1${path}`, { method, body, headers: { authorization: `Bearer ${token}`, ...(type ? { 'content-type': type } : {}) } });
      return { status: res.status, json: (await res.json().catch(() => null)) as Record<string, unknown> | null };
    };
    const codeOf = (j: Record<string, unknown> | null) => (j?.error as { code?: string } | undefined)?.code;

    before(async () => {
      db = await makeDatabase(kind);
      rt = await createRuntime(loadConfig({ XPORT_DATABASE_URL: db.url, XPORT_LOG_LEVEL: 'silent', XPORT_WORKERS: '0' }));
      await rt.store.tenants.upsert(TENANT);
      token = (await rt.store.tokens.create({ tenantId: TENANT.id, name: 't', role: 'admin' })).token;
      await rt.store.log.append([{ tenantId: TENANT.id, level: 'info', event: 'test', message: 'Invoice INV-1 exported', documentRef: 'INV-1' }]);
      app = await buildServer(rt);
      await app.listen({ host: '127.0.0.1', port: 0 });
      const a = app.server.address();
      url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    });
    after(async () => {
      await app?.close();
      await rt?.close();
      await db?.drop();
    });

    it('the log search takes any text: NUL, control characters, quotes, FTS syntax', async () => {
      for (const q of ['%00', 'INV%00-1', '%00%00%00', '%22', 'NEAR(a%20b)', '*', '%E2%98%83']) {
        const r = await call('GET', `/log?q=${q}`);
        assert.equal(r.status, 200, `q=${q}: ${JSON.stringify(r.json)}`);
      }
      assert.equal(((await call('GET', '/log?q=INV-1')).json?.entries as unknown[]).length, 1);
      assert.equal(((await call('GET', '/log?q=INV%00-1')).json?.entries as unknown[]).length, 0, 'no stored text holds a NUL');
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 30 }), async (q) => {
          const r = await call('GET', `/log?q=${encodeURIComponent(q.replace(/[\ud800-\udfff]/g, '\ufffd'))}`);
          assert.ok(r.status === 200 || (r.status === 400 && codeOf(r.json) === 'invalid_request'), `${JSON.stringify(q)} → ${r.status}`);
        }),
        { numRuns: 60 },
      );
    });

    it('a JSON body that is not valid UTF-8 is refused, and nothing is stored', async () => {
      const bytes = Buffer.concat([Buffer.from('{"kind":"customer","sourceId":"C-1","name":"Caf'), Buffer.from([0xe9]), Buffer.from(' Ltd"}')]);
      const r = await call('POST', '/documents', bytes, 'application/json');
      assert.equal(r.status, 400);
      assert.equal(codeOf(r.json), 'invalid_utf8');
      assert.equal((await rt.store.exports.countByStatus(TENANT.id)).queued, 0);
    });

    it('a NUL in a JSON string is refused 400 invalid_text', async () => {
      const r = await call('POST', '/documents', JSON.stringify({ kind: 'customer', sourceId: 'C-2', name: 'A\u0000B' }), 'application/json');
      assert.equal(r.status, 400);
      assert.equal(codeOf(r.json), 'invalid_text');
      const key = await call('POST', '/documents', '{"documents":[{"kind":"customer","sourceId":"C-3","name":"x","a\\u0000":1}]}', 'application/json');
      assert.equal(codeOf(key.json), 'invalid_text');
    });

    it('the settings API, whose parser keeps `__proto__` as a key, refuses a NUL too', async () => {
      const r = await call('PATCH', '/settings', '{"taxMappings":{"sales":{"G\\u0000":"OUTPUT2"}}}', 'application/json');
      assert.equal(r.status, 400);
      assert.equal(codeOf(r.json), 'invalid_text');
    });

    it('text/plain and other body types xport does not read are 415', async () => {
      for (const type of ['text/plain', 'application/xml', 'text/plain; charset=utf-8']) {
        const r = await call('POST', '/documents', '{"kind":"customer","sourceId":"C-4","name":"x"}', type);
        assert.equal(r.status, 415, type);
      }
    });

    it('a bodiless POST is accepted with or without a JSON content type', async () => {
      assert.equal((await call('POST', '/exports/retry-all', '', 'application/json')).status, 200);
      assert.equal((await call('POST', '/exports/retry-all')).status, 200);
      assert.equal((await call('POST', '/documents', JSON.stringify({ kind: 'customer', sourceId: 'C-5', name: 'Café Ltd' }), 'application/json')).status, 202);
    });
  });
}
