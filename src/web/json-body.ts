/**
 * JSON request bodies as fastify parses them, except that an empty body with a JSON content type is
 * no body rather than a 400: curl scripts and many HTTP clients send `content-type: application/json`
 * on action endpoints (retry, skip, refresh…) that take no body. A route that needs a body still
 * answers its own 400 when it gets none.
 */
import type { FastifyInstance } from 'fastify';

export function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text === '') done(null, undefined);
    else parseJson(req, text, done);
  });
}
