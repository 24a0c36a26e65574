import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../schema';
import { iso } from '../clock';

/** How many sessions one person may hold at once; signing in again beyond it ends the oldest. */
export const SESSIONS_PER_USER = 10;

/** The stored key of a session: its SHA-256, so that reading the database does not give a usable cookie. */
export function sessionIdHash(id: string): string {
  return crypto.createHash('sha256').update(id, 'utf8').digest('hex');
}

/**
 * Web UI sessions in the web_sessions table, so that a restart (or a second process on PostgreSQL)
 * keeps people signed in. Rows are keyed by the hash of the session id; the id itself exists only in
 * the person's (signed) cookie.
 */
export class WebSessionsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(id: string, now = new Date()): Promise<Record<string, unknown> | null> {
    const r = await this.db.selectFrom('web_sessions').select(['data', 'expires_at']).where('id_hash', '=', sessionIdHash(id)).executeTakeFirst();
    if (!r) return null;
    if (r.expires_at <= iso(now)) {
      await this.destroy(id);
      return null;
    }
    return JSON.parse(r.data) as Record<string, unknown>;
  }

  /** Stores the session; a signed-in person's sessions beyond SESSIONS_PER_USER are dropped, oldest first. */
  async set(id: string, data: Record<string, unknown>, expiresAt: Date, userId: number | null): Promise<void> {
    const row = { data: JSON.stringify(data), expires_at: iso(expiresAt), updated_at: iso(), user_id: userId };
    await this.db
      .insertInto('web_sessions')
      .values({ id_hash: sessionIdHash(id), ...row })
      .onConflict((oc) => oc.column('id_hash').doUpdateSet(row))
      .execute();
    if (userId !== null) await this.capUser(userId);
  }

  private async capUser(userId: number): Promise<void> {
    const keep = await this.db.selectFrom('web_sessions').select('id_hash').where('user_id', '=', userId).orderBy('updated_at', 'desc').orderBy('id_hash').limit(SESSIONS_PER_USER).execute();
    if (keep.length < SESSIONS_PER_USER) return;
    await this.db
      .deleteFrom('web_sessions')
      .where('user_id', '=', userId)
      .where(
        'id_hash',
        'not in',
        keep.map((k) => k.id_hash),
      )
      .execute();
  }

  async destroy(id: string): Promise<void> {
    await this.db.deleteFrom('web_sessions').where('id_hash', '=', sessionIdHash(id)).execute();
  }

  /** Removes every expired session; returns how many. */
  async prune(now = new Date()): Promise<number> {
    const res = await this.db.deleteFrom('web_sessions').where('expires_at', '<=', iso(now)).executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('web_sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
