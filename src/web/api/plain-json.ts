/**
 * The JSON parser of the settings API. fastify's own refuses any body with a `__proto__` key (its
 * protection against prototype poisoning), but in a mapping `__proto__` is a source code like any
 * other. JSON.parse makes such a key an ordinary own property; the settings schema copies maps into
 * objects without a prototype (src/domain/settings.ts), so nothing downstream can be poisoned by it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function badBody(message: string, code: string): Error & { statusCode: number; code: string } {
  return Object.assign(new Error(message), { statusCode: 400, code });
}

function parse(_req: FastifyRequest, body: Buffer, done: (err: Error | null, value?: unknown) => void): void {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    done(badBody('The body is not valid UTF-8', 'FST_ERR_CTP_INVALID_JSON_BODY'));
    return;
  }
  if (text.trim() === '') {
    done(badBody("Body cannot be empty when content-type is set to 'application/json'", 'FST_ERR_CTP_EMPTY_JSON_BODY'));
    return;
  }
  try {
    done(null, JSON.parse(text) as unknown);
  } catch (err) {
    done(badBody(`Body is not valid JSON: ${(err as Error).message}`, 'FST_ERR_CTP_INVALID_JSON_BODY'));
  }
}

export function usePlainJson(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, parse);
}
