/** Sign in, sign out, and the first-visit set-up of the admin password. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../../app/runtime';
import { passwordProblem, hashPassword } from '../auth/passwords';
import { safeNext } from '../auth/session';
import { ADMIN_USERNAME, authenticate, usersOf } from '../auth/users';
import { str } from './format';
import { barePage } from './layout';
import { html, type Html } from './html';

const LOGIN_LIMIT = { rateLimit: { max: 10, timeWindow: '1 minute' } };

function loginForm(csrf: string, next: string, username: string, error: string | null): Html {
  return html`<h1>Sign in</h1>
${error ? html`<div class="alert alert-error" role="alert">${error}</div>` : ''}
<form method="post" action="/login" class="stack">
  <input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="next" value="${next}">
  <label>User name <input name="username" autocomplete="username" required value="${username}" autofocus></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button class="btn btn-primary">Sign in</button>
</form>`;
}

function setupForm(csrf: string, error: string | null): Html {
  return html`<h1>Welcome to xport</h1><p>No one has signed in yet. Choose the password of the <strong>admin</strong> user.</p>
${error ? html`<div class="alert alert-error" role="alert">${error}</div>` : ''}
<form method="post" action="/setup" class="stack">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label>Password (at least 8 characters) <input name="password" type="password" autocomplete="new-password" minlength="8" required autofocus></label>
  <label>Password again <input name="confirm" type="password" autocomplete="new-password" minlength="8" required></label>
  <button class="btn btn-primary">Create the admin user</button>
</form>`;
}

async function signIn(req: FastifyRequest, userId: number): Promise<void> {
  const tenantId = req.session.tenantId;
  await req.session.regenerate(); // a new session id after login: no session fixation
  req.session.userId = userId;
  if (tenantId) req.session.tenantId = tenantId;
}

async function sendHtml(reply: FastifyReply, body: string, code = 200): Promise<FastifyReply> {
  return reply.code(code).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
}

export function loginRoutes(app: FastifyInstance, rt: Runtime): void {
  app.get('/login', async (req, reply) => {
    if ((await usersOf(rt).count()) === 0) return reply.redirect('/setup');
    const q = req.query as Record<string, unknown>;
    return sendHtml(reply, barePage('Sign in', loginForm(reply.generateCsrf(), safeNext(q.next), '', null)));
  });

  app.post('/login', { config: LOGIN_LIMIT }, async (req, reply) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const user = await authenticate(rt, str(b.username), typeof b.password === 'string' ? b.password : '');
    if (!user) {
      rt.logger.warn({ username: str(b.username).slice(0, 100), ip: req.ip }, 'failed web login');
      return sendHtml(reply, barePage('Sign in', loginForm(reply.generateCsrf(), safeNext(b.next), str(b.username), 'The user name or password is not right.')), 401);
    }
    await signIn(req, user.id);
    return reply.redirect(safeNext(b.next), 303);
  });

  app.post('/logout', async (req, reply) => {
    await req.session.destroy();
    return reply.redirect('/login', 303);
  });

  app.get('/setup', async (_req, reply) => {
    if ((await usersOf(rt).count()) > 0) return reply.redirect('/login');
    return sendHtml(reply, barePage('Set up', setupForm(reply.generateCsrf(), null)));
  });

  app.post('/setup', { config: LOGIN_LIMIT }, async (req, reply) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const password = typeof b.password === 'string' ? b.password : '';
    const problem = passwordProblem(password, typeof b.confirm === 'string' ? b.confirm : '');
    if (problem) return sendHtml(reply, barePage('Set up', setupForm(reply.generateCsrf(), problem)), 422);
    const users = usersOf(rt);
    if (!(await users.createFirst({ username: ADMIN_USERNAME, passwordHash: await hashPassword(password) }))) return reply.redirect('/login', 303);
    const admin = await users.findByName(ADMIN_USERNAME);
    if (admin) await signIn(req, admin.id);
    return reply.redirect('/queue', 303);
  });
}
