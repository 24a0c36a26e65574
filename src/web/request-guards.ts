/**
 * What no request may do to the server: send bytes the database cannot store, a body type xport does
 * not read, or a value that reaches a response header and makes Node throw while the response is
 * written (which, inside a plugin's callback, used to end the process).
 *  - JSON bodies must be valid UTF-8 (400 `invalid_utf8`) without NUL characters (400 `invalid_text`:
 *    PostgreSQL cannot store them); an empty JSON body is an empty body (bodiless POST actions).
 *  - Only JSON and (in the web UI) form bodies are read: any other non-empty body, text/plain included, is
 *    415; an empty body of any type is no body.
 *  - Every header value is checked just before the response is written: a value Node would refuse
 *    (control characters, characters beyond Latin-1) is encoded (Location) or dropped, and logged.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { HttpError } from './errors';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The path of the first string (or key) holding a NUL character, or null. */
export function findNul(value: unknown, path = 'body', depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value === null || typeof value !== 'object' || depth > 64) return null;
  for (const [k, v] of Object.entries(value)) {
    if (k.includes('\u0000')) return `${path} (a key)`;
    const found = findNul(v, Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * findNul, walked only when the text can hold a NUL: JSON has one way to write U+0000 in a string or key,
 * the escape `\u0000` (a raw NUL is not valid JSON, but is looked for all the same). Most bodies have
 * neither, and their parsed documents are not walked.
 */
export function nulIn(text: string, value: unknown): string | null {
  return text.includes('\\u0000') || text.includes('\u0000') ? findNul(value) : null;
}

type ParseText = (req: FastifyRequest, text: string, done: (err: Error | null, value?: unknown) => void) => void;

/**
 * JSON.parse as it is: a `__proto__` key becomes an ordinary own property. For the settings API, where
 * `__proto__` is a source code like any other (fastify's parser refuses such a body as prototype
 * poisoning); the settings schema copies maps into objects without a prototype (src/domain/settings.ts).
 */
const plainParse: ParseText = (_req, text, done) => {
  try {
    done(null, JSON.parse(text) as unknown);
  } catch (err) {
    done(Object.assign(new Error(`Body is not valid JSON: ${(err as Error).message}`), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }));
  }
};

/** The JSON parser of this instance (and its children): strict UTF-8, no NUL, an empty body is no body. */
export function registerJsonParser(app: FastifyInstance, o: { ordinaryProtoKeys?: boolean } = {}): void {
  const parseText: ParseText = o.ordinaryProtoKeys ? plainParse : app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    const bytes = body as Buffer;
    if (bytes.length === 0) return done(null, undefined);
    let text: string;
    try {
      text = strictUtf8.decode(bytes);
    } catch {
      return done(new HttpError(400, 'invalid_utf8', 'The request body is not valid UTF-8'), undefined);
    }
    parseText(req, text, (err, value) => {
      if (err) return done(err, undefined);
      const nul = nulIn(text, value);
      if (nul) return done(new HttpError(400, 'invalid_text', `${nul} holds a NUL character, which cannot be stored`), undefined);
      done(null, value);
    });
  });
}

export function registerBodyParsers(app: FastifyInstance): void {
  registerJsonParser(app);
  app.removeContentTypeParser('text/plain');
  // Any other type: an empty body is no body (fetch and some clients label an empty body text/plain);
  // a body xport would have to read is 415. Form bodies of the web UI have their own parser.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (req, body, done) => {
    if ((body as Buffer).length === 0) return done(null, undefined);
    done(new HttpError(415, 'unsupported_media_type', `xport reads JSON bodies (application/json), not ${req.headers['content-type'] ?? 'a body without a content type'}`), undefined);
  });
}

// What Node's http module accepts in a header value: tab, visible ASCII, space and Latin-1 (no CR, LF, NUL).
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export function isSafeHeaderValue(value: string): boolean {
  return HEADER_VALUE.test(value);
}

/** Percent-encodes what a Location may not carry, so a redirect to a path with odd characters still works. */
export function encodeLocation(value: string): string {
  let out = '';
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0x21 && cp <= 0x7e) out += ch;
    else if (cp >= 0xd800 && cp <= 0xdfff)
      out += '%EF%BF%BD'; // a lone surrogate: U+FFFD
    else out += encodeURIComponent(ch);
  }
  return out;
}

function checkHeaders(req: FastifyRequest, reply: FastifyReply, logger: Logger): void {
  for (const [name, raw] of Object.entries(reply.getHeaders())) {
    const values = Array.isArray(raw) ? raw.map(String) : raw === undefined ? [] : [String(raw)];
    if (values.every(isSafeHeaderValue)) continue;
    if (name === 'location' && values.length === 1) reply.header('location', encodeLocation(values[0] ?? '/'));
    else reply.removeHeader(name);
    logger.warn({ header: name, url: req.url.slice(0, 200) }, 'a response header held characters HTTP cannot carry: encoded or dropped');
  }
}

/** Registered on the root instance, so its onSend runs before any plugin's (sessions save in theirs). */
export function registerHeaderGuard(app: FastifyInstance, logger: Logger): void {
  app.addHook('onSend', async (req, reply, payload) => {
    checkHeaders(req, reply, logger);
    return payload;
  });
}
