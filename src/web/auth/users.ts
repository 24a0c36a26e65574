/**
 * Who may use the web UI. An admin user exists from start-up when XPORT_ADMIN_PASSWORD is set;
 * otherwise the first visitor sets the admin password (/setup); admins manage the others on /settings/users.
 */
import type { Runtime } from '../../app/runtime';
import type { User, UserRole, UsersService } from '../../app/users-service';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from './passwords';

export const ADMIN_USERNAME = 'admin';

export function usersOf(rt: Runtime): UsersService {
  return rt.users;
}

/** Sets the admin password from the configuration, if one is given (idempotent). */
export async function ensureConfiguredAdmin(rt: Runtime): Promise<void> {
  const password = rt.config.adminPassword;
  if (!password) return;
  const users = usersOf(rt);
  const existing = await users.findByName(ADMIN_USERNAME);
  if (existing && existing.role === 'admin' && (await verifyPassword(password, existing.passwordHash))) return;
  await users.upsert({ username: ADMIN_USERNAME, passwordHash: await hashPassword(password), role: 'admin' });
}

export async function authenticate(rt: Runtime, username: string, password: string): Promise<User | null> {
  const user = await usersOf(rt).findByName(username.trim());
  if (!user) return verifyAgainstDummy(password).then(() => null);
  if (!(await verifyPassword(password, user.passwordHash))) return null;
  // The only moment the password is known: bring a hash made with older parameters up to today's.
  if (needsRehash(user.passwordHash)) await usersOf(rt).setPasswordHash(user.id, await hashPassword(password));
  return { id: user.id, username: user.username, role: user.role, createdAt: user.createdAt };
}

/** For tests and the user-management pages: create or update a user with a password. */
export async function setUser(rt: Runtime, p: { username: string; password: string; role: UserRole }): Promise<void> {
  await usersOf(rt).upsert({ username: p.username, passwordHash: await hashPassword(p.password), role: p.role });
}
