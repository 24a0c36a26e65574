/**
 * Property: the JSON parser walks a parsed body for NUL characters only when its text holds a NUL
 * escape (or a raw NUL), and every body gets the answer it got when every body was walked: refused or
 * accepted, status and message, for NULs in keys and values at any depth (beyond findNul's depth
 * limit too), escaped backslashes that only look like a NUL escape, and raw NUL bytes.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import Fastify, { type FastifyInstance } from 'fastify';
import { findNul, nulIn, registerJsonParser } from '../../src/web/request-guards';
import { HttpError } from '../../src/web/errors';

const char = fc.oneof({ arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 4 }, fc.constantFrom('\u0000', '\\', 'u', '0', '"', '\ud800'));
const text = fc.string({ unit: char, maxLength: 12 });
const leaf = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null));
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'medium' }, leaf, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(text, tie('value'), { maxKeys: 4 })),
}));
/** A value under up to 70 arrays or objects: findNul looks no deeper than 64. */
const deep = fc.tuple(value, fc.array(fc.oneof(fc.constant(null), text), { maxLength: 70 })).map(([v, wraps]) => wraps.reduce<unknown>((inner, w) => (w === null ? [inner] : { [w]: inner }), v));
const documents = fc.oneof(
  fc.array(value, { maxLength: 6 }).map((documents) => ({ documents })),
  deep,
);
/** Bodies as clients send them, and some with a raw NUL byte or a `\\u0000` that is an escaped backslash. */
const body = fc.oneof(
  { arbitrary: documents.map((d) => JSON.stringify(d)), weight: 6 },
  fc.tuple(documents, fc.nat()).map(([d, at]) => {
    const t = JSON.stringify(d);
    return t.slice(0, at % (t.length + 1)) + '\u0000' + t.slice(at % (t.length + 1));
  }),
  documents.map((d) => JSON.stringify(d).replaceAll('\\u0000', '\\\\u0000')),
);

test('nulIn finds what findNul finds, for any parsed body', () => {
  fc.assert(
    fc.property(body, (t) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(t) as unknown;
      } catch {
        return;
      }
      assert.equal(nulIn(t, parsed), findNul(parsed));
    }),
    { numRuns: 2000 },
  );
});

/** The parser as it was: every parsed body walked by findNul. */
function formerJsonParser(app: FastifyInstance): void {
  const parseText = app.getDefaultJsonParser('error', 'error');
  const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, raw, done) => {
    const bytes = raw as Buffer;
    if (bytes.length === 0) return done(null, undefined);
    let t: string;
    try {
      t = strictUtf8.decode(bytes);
    } catch {
      return done(new HttpError(400, 'invalid_utf8', 'The request body is not valid UTF-8'), undefined);
    }
    parseText(req, t, (err, parsed) => {
      if (err) return done(err, undefined);
      const nul = findNul(parsed);
      if (nul) return done(new HttpError(400, 'invalid_text', `${nul} holds a NUL character, which cannot be stored`), undefined);
      done(null, parsed);
    });
  });
}

const apps: FastifyInstance[] = [];
async function app(parser: (app: FastifyInstance) => void): Promise<FastifyInstance> {
  const a = Fastify();
  parser(a);
  a.post('/ingest', async (req) => ({ received: req.body ?? null }));
  await a.ready();
  apps.push(a);
  return a;
}
let before_: FastifyInstance;
let now: FastifyInstance;
before(async () => {
  before_ = await app(formerJsonParser);
  now = await app((a) => registerJsonParser(a));
});
after(() => Promise.all(apps.map((a) => a.close())));

test('an ingest body is refused or accepted as before, with the same message', async () => {
  await fc.assert(
    fc.asyncProperty(body, async (t) => {
      const send = (a: FastifyInstance) => a.inject({ method: 'POST', url: '/ingest', headers: { 'content-type': 'application/json' }, payload: Buffer.from(t) });
      const [was, is] = await Promise.all([send(before_), send(now)]);
      assert.equal(is.statusCode, was.statusCode);
      assert.equal(is.body, was.body);
    }),
    { numRuns: 400 },
  );
});
