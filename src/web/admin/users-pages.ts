/**
 * Settings → Users (admins only): add a user (admin or viewer), change a role, remove a user.
 * A viewer can look at everything but retry, delete, skip or change settings nothing; at least one
 * admin always remains. A removed user's sessions end on their next request (requireUser re-reads).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../../app/runtime';
import type { UserRole } from '../../app/users-service';
import { hashPassword, passwordProblem } from '../auth/passwords';
import { requireAdmin, setFlash } from '../auth/session';
import { usersOf } from '../auth/users';
import { pageContext } from '../ui/context';
import { str, time } from '../ui/format';
import { html } from '../ui/html';
import { csrfField, page } from '../ui/layout';

const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;

function role(v: unknown): UserRole | null {
  return v === 'admin' || v === 'viewer' ? v : null;
}

function back(req: FastifyRequest, reply: FastifyReply, kind: 'ok' | 'error', text: string): FastifyReply {
  setFlash(req, kind, text);
  return reply.redirect('/settings/users', 303);
}

async function render(rt: Runtime, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const me = requireAdmin(req);
  const ctx = await pageContext(rt, req, reply);
  const users = await usersOf(rt).list();
  const rows = users.map(
    (u) => html`<tr><td data-label="User"><strong>${u.username}</strong>${u.id === me.id ? html` <span class="pill">you</span>` : ''}</td>
<td data-label="Role"><form method="post" action="/settings/users/${u.id}/role" class="inline">${csrfField(ctx)}
<label class="sr-only" for="role-${u.id}">Role of ${u.username}</label><select id="role-${u.id}" name="role">
<option value="admin" ${u.role === 'admin' ? html`selected` : ''}>admin</option><option value="viewer" ${u.role === 'viewer' ? html`selected` : ''}>viewer</option></select>
<button class="btn btn-small">Change role</button></form></td>
<td data-label="Added">${time(u.createdAt, 'datetime', ctx.tz)}</td>
<td data-label="">${u.id === me.id ? '' : html`<form method="post" action="/settings/users/${u.id}/delete" class="inline">${csrfField(ctx)}<button class="btn btn-small btn-danger">Remove</button></form>`}</td></tr>`,
  );
  const body = html`<section class="card"><h2>People who can sign in</h2><p class="muted">Admins can do everything; viewers can look but not export, delete, skip or change settings.</p>
<div class="table-wrap"><table class="grid"><thead><tr><th scope="col">User</th><th scope="col">Role</th><th scope="col">Added</th><th scope="col"><span class="sr-only">Action</span></th></tr></thead><tbody>${rows}</tbody></table></div></section>
<section class="card"><h2>Add a user</h2><form method="post" action="/settings/users" class="stack">${csrfField(ctx)}
<label>User name <input name="username" required maxlength="64" pattern="[A-Za-z0-9._@\\-]+" autocomplete="off"></label>
<label>Password (at least 8 characters) <input name="password" type="password" minlength="8" required autocomplete="new-password"></label>
<label>Role <select name="role"><option value="viewer">viewer</option><option value="admin">admin</option></select></label>
<button class="btn btn-primary">Add user</button></form></section>`;
  return reply
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(await page(ctx, 'Users', body, { subtitle: html`<a href="/settings">Settings</a> · <a href="/settings/tokens">API tokens</a>` }));
}

export function usersRoutes(app: FastifyInstance, rt: Runtime): void {
  app.get('/settings/users', (req, reply) => render(rt, req, reply));

  app.post('/settings/users', async (req, reply) => {
    const me = requireAdmin(req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const username = str(b.username).trim();
    const password = typeof b.password === 'string' ? b.password : '';
    const r = role(b.role);
    if (!USERNAME.test(username)) return back(req, reply, 'error', 'A user name is 1 to 64 letters, digits, dots, dashes, underscores or @.');
    if (!r) return back(req, reply, 'error', 'Choose the role admin or viewer.');
    const problem = passwordProblem(password);
    if (problem) return back(req, reply, 'error', problem);
    if (await usersOf(rt).findByName(username)) return back(req, reply, 'error', `A user named ${username} exists already.`);
    await rt.users.add(`web:${me.username}`, { username, passwordHash: await hashPassword(password), role: r });
    return back(req, reply, 'ok', `Added ${username} (${r}).`);
  });

  app.post('/settings/users/:id/role', async (req, reply) => {
    const me = requireAdmin(req);
    const id = Number((req.params as { id: string }).id);
    const r = role((req.body as Record<string, unknown> | null)?.role);
    if (!r) return back(req, reply, 'error', 'Choose the role admin or viewer.');
    const res = await rt.users.setRole(`web:${me.username}`, id, r);
    return back(req, reply, res.ok ? 'ok' : 'error', res.ok ? `Role changed to ${r}.` : res.reason);
  });

  app.post('/settings/users/:id/delete', async (req, reply) => {
    const me = requireAdmin(req);
    const id = Number((req.params as { id: string }).id);
    if (id === me.id) return back(req, reply, 'error', 'You cannot remove yourself; ask another admin.');
    const res = await rt.users.remove(`web:${me.username}`, id);
    return back(req, reply, res.ok ? 'ok' : 'error', res.ok ? 'User removed.' : res.reason);
  });
}
