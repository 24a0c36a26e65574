/**
 * The security headers of every HTML page xport serves (the web UI and the API reference): a strict
 * Content Security Policy that allows only xport's own scripts, styles and connections, no framing.
 * HSTS is set by the server itself, only over HTTPS (src/web/server.ts).
 */
import type { FastifyHelmetOptions } from '@fastify/helmet';

export const STRICT_HELMET: FastifyHelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      fontSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'self'"],
      objectSrc: ["'none'"],
    },
  },
  hsts: false,
};
