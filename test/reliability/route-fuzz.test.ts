/**
 * No request can end the process or earn a 5xx: every route in fastify's route table (UI and API),
 * signed in and signed out, is driven with generated path parameters, query strings, form and JSON
 * bodies, headers and cookies holding control characters, NUL, invalid UTF-8, characters beyond
 * Latin-1, huge values and wrong types. The requests are written on a raw socket so that nothing is
 * cleaned up on the way. Every answer must be below 500 and the server must still answer at the end.
 * XPORT_FUZZ_RUNS sets the requests per route and mode (default 10); XPORT_FUZZ_SEED repeats a run.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { databaseKinds } from '../helpers/databases';
import { rawRequest, type RawRequest } from '../helpers/raw-http';
import { safeNext } from '../../src/web/auth/session';
import { ADMIN_PASSWORD, csrfOf, startRig, type Rig } from '../oauth/helpers';

const RUNS = Number(process.env.XPORT_FUZZ_RUNS ?? 10);
const SEED = Number(process.env.XPORT_FUZZ_SEED ?? Date.now() % 1_000_000);

interface Route {
  method: string;
  path: string;
}

/** Full paths from fastify's printed radix tree: each line's segment is appended to its parents'. */
export function routeTable(app: FastifyInstance): Route[] {
  const stack: string[] = [];
  const out: Route[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (\S*)(?: \(([^)]+)\))?/.exec(line);
    if (!m) continue;
    const depth = (m[1] ?? '').length / 4;
    stack.length = depth;
    stack.push(m[2] ?? '');
    const path = stack.join('');
    for (const method of (m[3] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s && s !== 'HEAD'))
      out.push({ method, path });
  }
  return out;
}

const NASTY = [
  '\u0000',
  'a\u0000b',
  '/☃',
  '☃',
  '\n',
  '\r\nSet-Cookie: x=1',
  '\t//evil.example',
  '/\t/evil.example',
  '/\\evil.example',
  '//evil.example',
  '\\\\evil.example',
  '/%2F%2Fevil.example',
  'x'.repeat(20_000),
  '-1',
  '0',
  '1e309',
  'NaN',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  '\ud800',
  '\uffff',
  '𝒳',
  "'; drop table exports; --",
  '"*',
  'NEAR(a b)',
  '%',
  '%%',
  '%ff',
  'true',
  ' ',
  '',
];
const FIELDS = [
  'next',
  'q',
  'status',
  'kind',
  'cursor',
  'limit',
  'level',
  'page',
  'id',
  'tenantId',
  'code',
  'state',
  'error',
  'role',
  'name',
  'username',
  'password',
  'confirm',
  'value',
  'account',
  'tax',
  'section',
  'ids',
  'errorCode',
  'tenant',
  '__proto__',
  'constructor',
];

const nastyText = fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'binary', maxLength: 40 }), fc.integer().map(String), fc.string({ maxLength: 12 }));
const hex = (b: number) => `%${b.toString(16).padStart(2, '0')}`;
/** A value in a URL or form: its UTF-8 bytes percent-encoded, or random bytes (invalid UTF-8), or raw bytes. */
const urlValue = fc.oneof(
  nastyText.map((s) => [...Buffer.from(s, 'utf8')].map(hex).join('')),
  fc.uint8Array({ maxLength: 12 }).map((b) => [...b].map(hex).join('')),
  nastyText.map((s) => [...s].map((c) => (/[\ud800-\udfff]/.test(c) ? '%EF%BF%BD' : encodeURIComponent(c))).join('')),
);
const pairs = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...FIELDS), urlValue), urlValue), { maxLength: 5 }).map((ps) => ps.map(([k, v]) => `${k}=${v}`).join('&'));
/** Header bytes Node's parser lets through (no CR, LF, NUL): Latin-1, tabs, other control characters. */
const headerValue = fc.oneof(
  fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b.filter((x) => x !== 10 && x !== 13 && x !== 0))),
  nastyText.map((s) => Buffer.from(s.replace(/[\r\n\0]/g, ''), 'latin1')),
);
const CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'garbage/☃', 'application/xml'];
const jsonBody = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
  fc.constantFrom('{"documents":[{"kind":"customer","sourceId":"a\\u0000b","name":"x"}]}', '{"kind":"customer","sourceId":"C1","name":"\\u0000"}', '{', '', '{"__proto__":{"x":1}}'),
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
);

interface Creds {
  cookie: string;
  csrf: string;
  token: string;
}

/** `next` values that once reached a Location header raw (and ended the process), sent as UTF-8 bytes. */
const NEXTS = ['/☃', '/\n', '/a\r\nSet-Cookie: x=1', '/\t/evil.example', '\t//evil.example', '/\\evil.example', '/\u0000', '/\ud800', '/𝒳', '//evil.example'];
const nextField = (i: number) => `next=${[...Buffer.from(NEXTS[i % NEXTS.length] ?? '/', 'utf8')].map(hex).join('')}`;

function requestFor(route: Route, creds: Creds | null, next: string) {
  const segment = fc.oneof(urlValue, fc.constantFrom('1', '2', '999999', '-1', 'abc', 'customer', 'supplier'));
  return fc
    .record({
      params: fc.array(segment, { minLength: 4, maxLength: 4 }),
      query: fc.option(pairs, { nil: undefined }),
      form: pairs,
      json: jsonBody,
      contentType: fc.constantFrom(...CONTENT_TYPES),
      cookieJunk: fc.option(headerValue, { nil: undefined }),
      headers: fc.array(fc.tuple(fc.constantFrom('hx-request', 'accept', 'x-forwarded-for', 'referer', 'accept-language', 'if-none-match', 'x-xero-signature', 'origin'), headerValue), {
        maxLength: 3,
      }),
      badAuth: fc.option(headerValue, { nil: undefined }),
    })
    .map((g): RawRequest => {
      let i = 0;
      const path = route.path.replace(/:[A-Za-z]+|\*/g, () => g.params[i++ % 4] ?? 'x');
      const target = `${path}${g.query === undefined ? '' : `?${g.query}`}`;
      const headers: Array<[string, Buffer | string]> = [...g.headers];
      const cookie = [creds?.cookie, g.cookieJunk?.toString('latin1')].filter(Boolean).join('; ');
      if (cookie) headers.push(['cookie', Buffer.from(cookie, 'latin1')]);
      const api = route.path.startsWith('/api/');
      if (api) headers.push(['authorization', g.badAuth ?? (creds ? `Bearer ${creds.token}` : 'Bearer nope')]);
      if (route.method === 'GET' || route.method === 'DELETE') return { method: route.method, target, headers };
      // Sign-in forms carry the right password, so that the redirect to `next` is reached.
      const login = route.path === '/login' ? `username=admin&password=${encodeURIComponent(ADMIN_PASSWORD)}&` : '';
      const form = `${creds ? `_csrf=${encodeURIComponent(creds.csrf)}&` : ''}${login}${next}&${g.form}`;
      const body = g.contentType.startsWith('application/json') ? g.json : form;
      headers.push(['content-type', g.contentType]);
      return { method: route.method, target, headers, body };
    });
}

/** A visitor's cookie and the login form's CSRF token. */
async function visit(url: string): Promise<{ cookie: string; csrf: string }> {
  const page = await fetch(`${url}/login`);
  return {
    cookie: page.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; '),
    csrf: csrfOf(await page.text()),
  };
}

async function signIn(url: string): Promise<{ cookie: string; csrf: string }> {
  const visitor = await visit(url);
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: visitor.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: visitor.csrf, username: 'admin', password: ADMIN_PASSWORD, next: '/queue' }).toString(),
  });
  assert.equal(res.status, 303, 'signed in');
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const queue = await fetch(`${url}/settings/users`, { headers: { cookie } });
  return { cookie, csrf: csrfOf(await queue.text()) };
}

describe('safeNext', () => {
  it('follows local paths only, and only ones a Location header can carry', () => {
    for (const ok of ['/queue', '/queue?status=failed#x', '/log?q=a%20b', '/documents/12']) assert.equal(safeNext(ok), ok);
    for (const bad of [...NEXTS, 'https://evil.example', '/\x7f', '', 42, null, ['/queue'], `/${'a'.repeat(3000)}`]) assert.equal(safeNext(bad), '/queue', JSON.stringify(bad));
  });
});

for (const kind of databaseKinds()) {
  describe(`route fuzz (${kind})`, () => {
    let rig: Rig;
    let port = 0;
    let creds: Creds;

    before(async () => {
      rig = await startRig(kind);
      const tenant = { id: 'aaaaaaaa-0000-4000-8000-00000000000a', name: 'Fuzz Ltd' };
      await rig.x.rt.store.tenants.upsert(tenant);
      const token = (await rig.x.rt.store.tokens.create({ tenantId: tenant.id, name: 'fuzz', role: 'admin' })).token;
      port = Number(new URL(rig.x.url).port);
      creds = { ...(await signIn(rig.x.url)), token };
    });
    after(async () => rig?.close());

    it('every route, signed in and out: no 5xx, and the server still answers', { timeout: 120_000 }, async () => {
      // Signing in and out changes the session: those routes go last, each sign-in from a fresh visitor's form.
      const last = (r: Route) => (r.path === '/login' && r.method === 'POST' ? 1 : 0);
      const routes = routeTable(rig.x.app)
        .filter((r) => r.path !== '/logout')
        .sort((a, b) => last(a) - last(b));
      assert.ok(routes.length > 40, `the route table lists the routes (${routes.length})`);
      const failures: string[] = [];
      const seen = new Map<number, number>();
      for (const [n, route] of routes.entries()) {
        for (const signedIn of [true, false]) {
          for (let k = 0; k < RUNS; k += 1) {
            const login = last(route) === 1 ? { ...creds, ...(await visit(rig.x.url)) } : null;
            const who = login ?? (signedIn ? creds : null);
            const [r] = fc.sample(requestFor(route, who, nextField(k)), { numRuns: 1, seed: SEED + n * 1000 + k * 2 + (signedIn ? 1 : 0) });
            if (!r) continue;
            const answer = await rawRequest(port, r).catch((err: unknown) => ({ status: 0, head: String(err) }));
            seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
            // 502 is Xero's answer passed on (the fuzz organisation is not in the sandbox); 503 only while the database is down.
            if ((answer.status >= 500 && answer.status !== 502) || answer.status === 0)
              failures.push(
                `${answer.status} ${r.method} ${String(r.target).slice(0, 150)} ${JSON.stringify((r.headers ?? []).map(([k, v]) => [k, Buffer.from(v).toString('latin1').slice(0, 80)]))} → ${answer.head.slice(0, 200)}`,
              );
          }
        }
      }
      console.log(`route fuzz (${kind}, seed ${SEED}): ${routes.length} routes, answers by status ${JSON.stringify(Object.fromEntries(seen))}`);
      assert.deepEqual(failures.slice(0, 20), [], `seed ${SEED}`);
      assert.ok(
        [...seen.keys()].some((s) => s >= 200 && s < 300),
        'some requests got through to the handlers',
      );
      const health = await fetch(`${rig.x.url}/healthz`);
      assert.equal(health.status, 200);
      const next = await fetch(`${rig.x.url}/readyz`);
      assert.equal(next.status, 200);
    });
  });
}
