import type { Kysely } from 'kysely';
import type { Database } from '../schema';
import { iso } from '../clock';

const PREFIX = 'web-session:';

/**
 * Web UI sessions, kept in the key_value table under "web-session:<id>" so that a restart (or a second
 * process on PostgreSQL) keeps people signed in. Values are JSON with an `expiresAt` (ISO time).
 */
export class WebSessionsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(id: string, now = new Date()): Promise<Record<string, unknown> | null> {
    const r = await this.db.selectFrom('key_value').select('value').where('key', '=', PREFIX + id).executeTakeFirst();
    if (!r) return null;
    const parsed = JSON.parse(r.value) as { expiresAt?: string; data?: Record<string, unknown> };
    if (!parsed.expiresAt || parsed.expiresAt <= iso(now)) {
      await this.destroy(id);
      return null;
    }
    return parsed.data ?? null;
  }

  async set(id: string, data: Record<string, unknown>, expiresAt: Date): Promise<void> {
    const value = JSON.stringify({ expiresAt: iso(expiresAt), data });
    await this.db.insertInto('key_value').values({ key: PREFIX + id, value, updated_at: iso() })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: iso() })).execute();
  }

  async destroy(id: string): Promise<void> {
    await this.db.deleteFrom('key_value').where('key', '=', PREFIX + id).execute();
  }

  /** Removes sessions not touched for `idleMs` (their cookie has expired by then). */
  async prune(idleMs: number, now = new Date()): Promise<number> {
    const res = await this.db.deleteFrom('key_value').where('key', 'like', `${PREFIX}%`)
      .where('updated_at', '<', iso(new Date(now.getTime() - idleMs))).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
