/**
 * User management beside UsersRepository (which signs people in): change a role, remove a user,
 * and keep at least one admin, checked in the same transaction as the change.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema';
import type { UserRole } from './users';

export type UserChange = { ok: true } | { ok: false; reason: string };

export class UserAdminRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async setRole(id: number, role: UserRole): Promise<UserChange> {
    return this.db.transaction().execute(async (trx) => {
      const user = await trx.selectFrom('users').select(['id', 'role']).where('id', '=', id).executeTakeFirst();
      if (!user) return { ok: false, reason: 'That user does not exist' };
      if (user.role === 'admin' && role !== 'admin' && (await this.admins(trx)) <= 1) return { ok: false, reason: 'xport needs at least one admin: make someone else admin first' };
      await trx.updateTable('users').set({ role }).where('id', '=', id).execute();
      return { ok: true };
    });
  }

  async remove(id: number): Promise<UserChange> {
    return this.db.transaction().execute(async (trx) => {
      const user = await trx.selectFrom('users').select(['id', 'role']).where('id', '=', id).executeTakeFirst();
      if (!user) return { ok: false, reason: 'That user does not exist' };
      if (user.role === 'admin' && (await this.admins(trx)) <= 1) return { ok: false, reason: 'xport needs at least one admin: the last admin cannot be removed' };
      await trx.deleteFrom('users').where('id', '=', id).execute();
      return { ok: true };
    });
  }

  private async admins(trx: Kysely<Database>): Promise<number> {
    const r = await trx
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role', '=', 'admin')
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
