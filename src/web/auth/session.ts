/**
 * Sessions, CSRF and the security headers of the web UI, registered inside the UI's own Fastify
 * context so that the JSON API (Bearer tokens, no cookies) is untouched by any of it.
 *  - Sessions live in the database (WebSessionsRepository) under the hash of their id; the cookie-signing
 *    secrets are derived from the secret key (never stored), so restarts keep people signed in and a
 *    copy of the database alone cannot forge a cookie.
 *  - Nothing is stored for a visitor who is not signed in: the CSRF secret lives in its own signed,
 *    HttpOnly cookie (double submit), so the login form needs no session row.
 *  - Every state change (POST/PUT/PATCH/DELETE) must carry the CSRF token, checked in preHandler.
 *  - Expired sessions are pruned every PRUNE_EVERY_MS; one person holds at most SESSIONS_PER_USER.
 *  - helmet's CSP allows only xport's own scripts, styles and connections: no external assets, no inline script.
 */
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import { STRICT_HELMET } from '../strict-headers';
import rateLimit from '@fastify/rate-limit';
import session from '@fastify/session';
import type { FastifyInstance, FastifyReply, FastifyRequest, Session } from 'fastify';
import type { Runtime } from '../../app/runtime';
import { SecretBox } from '../../security/secret-box';
import type { User } from '../../app/users-service';
import type { WebSessionsService } from '../../app/web-state';
import { HttpError } from '../errors';
import { usersOf } from './users';

export const SESSION_MAX_AGE_MS = 12 * 60 * 60_000;
export const PRUNE_EVERY_MS = 10 * 60_000;
export const CSRF_COOKIE = 'xport_csrf';

declare module 'fastify' {
  interface Session {
    userId?: number;
    /** The Xero organisation this person is looking at. */
    tenantId?: string;
    flash?: { kind: 'ok' | 'error'; text: string };
  }
  interface FastifyRequest {
    user?: User;
  }
}

/**
 * The session plugin goes on writing the response inside these callbacks. Called from a promise's
 * handler, anything they throw became an unhandled rejection and ended the process: they are called
 * outside the promise, and what they throw is logged instead.
 */
function settle<T>(p: Promise<T>, onDone: (err: unknown, value?: T) => void, logger: Runtime['logger']): void {
  const call = (err: unknown, value?: T): void => {
    try {
      onDone(err, value);
    } catch (thrown) {
      logger.error({ err: thrown }, 'writing a web response failed after the session was saved');
    }
  };
  p.then(
    (value) => call(null, value),
    (err: unknown) => call(err ?? new Error('session store failed')),
  );
}

function sessionStore(repo: WebSessionsService, logger: Runtime['logger']) {
  return {
    set(id: string, data: Session, cb: (err?: unknown) => void) {
      const plain = JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
      settle(repo.set(id, plain, new Date(Date.now() + SESSION_MAX_AGE_MS), data.userId ?? null), (err) => (err ? cb(err) : cb()), logger);
    },
    get(id: string, cb: (err: unknown, result?: Session | null) => void) {
      settle(repo.get(id), (err, d) => (err ? cb(err) : cb(null, (d ?? null) as Session | null)), logger);
    },
    destroy(id: string, cb: (err?: unknown) => void) {
      settle(repo.destroy(id), (err) => (err ? cb(err) : cb()), logger);
    },
  };
}

const pruning = new WeakMap<Runtime, () => void>();

/** Prunes expired sessions now and every PRUNE_EVERY_MS, once per runtime, until the server closes. */
async function startPruning(app: FastifyInstance, rt: Runtime, sessions: WebSessionsService): Promise<void> {
  if (pruning.has(rt)) return;
  const prune = () => sessions.prune().catch((err: unknown) => rt.logger.error({ err }, 'pruning expired web sessions failed'));
  await prune();
  const timer = setInterval(() => void prune(), PRUNE_EVERY_MS);
  timer.unref();
  pruning.set(rt, () => clearInterval(timer));
  app.addHook('onClose', async () => {
    pruning.get(rt)?.();
    pruning.delete(rt);
  });
}

export async function registerSecurity(app: FastifyInstance, rt: Runtime): Promise<void> {
  const box = SecretBox.load(rt.config);
  const sessionSecret = box.derive('web-session-cookie').toString('base64url');
  const cookieSecret = box.derive('web-csrf-cookie').toString('base64url');
  const sessions = rt.webSessions;
  await startPruning(app, rt, sessions);
  await app.register(helmet, STRICT_HELMET);
  await app.register(formbody);
  await app.register(cookie, { secret: cookieSecret });
  await app.register(session, {
    secret: sessionSecret,
    cookieName: 'xport_session',
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: SESSION_MAX_AGE_MS, path: '/' },
    store: sessionStore(sessions, rt.logger),
  });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, signed: true, secure: 'auto' },
  });
  await app.register(rateLimit, { global: false });
  app.addHook('preHandler', (req, reply, done) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return done();
    app.csrfProtection(req, reply, done);
  });
}

/** Loads the signed-in user; sends people who are not signed in to the login (or first-run set-up). */
export function requireUser(rt: Runtime) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const userId = req.session.userId;
    const user = userId ? await usersOf(rt).get(userId) : null;
    if (user) {
      req.user = user;
      return;
    }
    const target = (await usersOf(rt).count()) === 0 ? '/setup' : `/login?next=${encodeURIComponent(req.url)}`;
    if (req.headers['hx-request']) {
      await reply.header('HX-Redirect', target).code(401).send('Sign in again');
      return;
    }
    if (req.method !== 'GET') throw new HttpError(401, 'unauthorized', 'Your session has ended: sign in again');
    await reply.redirect(target);
  };
}

export function currentUser(req: FastifyRequest): User {
  if (!req.user) throw new HttpError(401, 'unauthorized', 'Not signed in');
  return req.user;
}

/** Viewers may look at everything but change nothing (retry, delete, skip, settings). */
export function requireAdmin(req: FastifyRequest): User {
  const user = currentUser(req);
  if (user.role !== 'admin') throw new HttpError(403, 'forbidden', `Your role (${user.role}) can look at the queue but not change it; ask an admin.`);
  return user;
}

export function setFlash(req: FastifyRequest, kind: 'ok' | 'error', text: string): void {
  req.session.flash = { kind, text };
}

export function takeFlash(req: FastifyRequest): { kind: 'ok' | 'error'; text: string } | null {
  const f = req.session.flash ?? null;
  if (f) req.session.flash = undefined;
  return f;
}

/**
 * Only local paths are followed after login (no open redirect), and only ones a Location header can
 * carry: visible ASCII, no control characters (browsers drop a tab or newline, so "/\t/evil.example"
 * would become "//evil.example"), nothing beyond Latin-1, and no second slash or backslash after the first.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next.length > 2000 || !/^\/[\x21-\x7e]*$/.test(next)) return '/queue';
  if (next.startsWith('//') || next.startsWith('/\\')) return '/queue';
  return new URL(next, 'http://xport.invalid').origin === 'http://xport.invalid' ? next : '/queue';
}
