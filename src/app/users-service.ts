/**
 * People who sign in to the web UI: the web's sign-in and Settings → Users call this, never the
 * repositories. Adding a user, changing a role and removing one are recorded in the Connection Log
 * through events (`actor` is who did it, `web:<username>`). Passwords arrive hashed (src/web/auth/passwords.ts).
 */
import type { Store } from '../db/store';
import { UserAdminRepository, type UserChange } from '../db/repositories/user-admin';
import { UsersRepository, type User, type UserRole, type UserWithHash } from '../db/repositories/users';
import type { EventBus } from '../engine/events';

export type { User, UserChange, UserRole, UserWithHash };

export class UsersService {
  private readonly users: UsersRepository;
  private readonly admin: UserAdminRepository;

  constructor(
    store: Store,
    private readonly bus: EventBus,
  ) {
    this.users = new UsersRepository(store.db);
    this.admin = new UserAdminRepository(store.db);
  }

  count(): Promise<number> {
    return this.users.count();
  }

  findByName(username: string): Promise<UserWithHash | null> {
    return this.users.findByName(username);
  }

  get(id: number): Promise<User | null> {
    return this.users.get(id);
  }

  list(): Promise<User[]> {
    return this.users.list();
  }

  /** Creates or updates a user (start-up admin, tests); not logged. */
  upsert(p: { username: string; passwordHash: string; role: UserRole }): Promise<void> {
    return this.users.upsert(p);
  }

  setPasswordHash(id: number, passwordHash: string): Promise<void> {
    return this.users.setPasswordHash(id, passwordHash);
  }

  /** The first user (/setup): false when someone was first already. */
  createFirst(p: { username: string; passwordHash: string }): Promise<boolean> {
    return this.users.createFirst(p);
  }

  async add(actor: string, p: { username: string; passwordHash: string; role: UserRole }): Promise<void> {
    await this.users.upsert(p);
    await this.bus.emit('user.added', { actor, username: p.username, role: p.role });
  }

  async setRole(actor: string, id: number, role: UserRole): Promise<UserChange> {
    const res = await this.admin.setRole(id, role);
    if (res.ok) await this.bus.emit('user.role_changed', { actor, userId: id, role });
    return res;
  }

  async remove(actor: string, id: number): Promise<UserChange> {
    const res = await this.admin.remove(id);
    if (res.ok) await this.bus.emit('user.removed', { actor, userId: id });
    return res;
  }
}
