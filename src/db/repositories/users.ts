import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema';
import { iso } from '../clock';

/** admin: everything; viewer: reads only (no retry, delete, skip or settings). */
export type UserRole = 'admin' | 'viewer';

export interface User {
  id: number;
  username: string;
  role: UserRole;
  createdAt: string;
}

export interface UserWithHash extends User {
  passwordHash: string;
}

function toRole(role: string): UserRole {
  return role === 'admin' ? 'admin' : 'viewer';
}

/** People who sign in to the web UI. Passwords are stored as scrypt hashes (src/web/auth/passwords.ts). */
export class UsersRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** User names are unique without regard to case (a unique index on lower(username), 0010): `Admin` is `admin`. */
  async findByName(username: string): Promise<UserWithHash | null> {
    const r = await this.db
      .selectFrom('users')
      .selectAll()
      .where(sql<string>`lower(username)`, '=', sql<string>`lower(${username})`)
      .executeTakeFirst();
    return r ? { id: r.id, username: r.username, role: toRole(r.role), createdAt: r.created_at, passwordHash: r.password_hash } : null;
  }

  async get(id: number): Promise<User | null> {
    const r = await this.db.selectFrom('users').select(['id', 'username', 'role', 'created_at']).where('id', '=', id).executeTakeFirst();
    return r ? { id: r.id, username: r.username, role: toRole(r.role), createdAt: r.created_at } : null;
  }

  async list(): Promise<User[]> {
    const rows = await this.db.selectFrom('users').select(['id', 'username', 'role', 'created_at']).orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, username: r.username, role: toRole(r.role), createdAt: r.created_at }));
  }

  /** Creates the user, or sets the password and role of an existing one (whatever the case of its name). */
  async upsert(p: { username: string; passwordHash: string; role: UserRole }): Promise<void> {
    const existing = await this.findByName(p.username);
    if (existing) {
      await this.db.updateTable('users').set({ password_hash: p.passwordHash, role: p.role }).where('id', '=', existing.id).execute();
      return;
    }
    await this.db.insertInto('users').values({ username: p.username, password_hash: p.passwordHash, role: p.role, created_at: iso() }).execute();
  }

  async setPasswordHash(id: number, passwordHash: string): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).execute();
  }

  /** Creates the user only if no user exists yet (first-visit set-up); false when someone was first. */
  async createFirst(p: { username: string; passwordHash: string }): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx.selectFrom('users').select('id').limit(1).executeTakeFirst();
      if (r) return false;
      await trx.insertInto('users').values({ username: p.username, password_hash: p.passwordHash, role: 'admin', created_at: iso() }).execute();
      return true;
    });
  }
}
