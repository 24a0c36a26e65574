import type { Kysely } from 'kysely';
import type { Database } from '../schema';
import { iso } from '../clock';

/** Small named values (the session secret, the secret-key check value). */
export class KeyValueRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(key: string): Promise<string | null> {
    const r = await this.db.selectFrom('key_value').select('value').where('key', '=', key).executeTakeFirst();
    return r?.value ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('key_value')
      .values({ key, value, updated_at: iso() })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: iso() }))
      .execute();
  }

  /** Sets the value only if absent; returns the value that is stored. */
  async getOrInit(key: string, make: () => string): Promise<string> {
    await this.db
      .insertInto('key_value')
      .values({ key, value: make(), updated_at: iso() })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return (await this.get(key)) ?? '';
  }

  /** Removes the values under a key prefix not written since `before` (kept results of bulk actions). */
  async deleteOlder(prefix: string, before: Date): Promise<void> {
    await this.db
      .deleteFrom('key_value')
      .where('key', 'like', `${prefix.replace(/[%_\\]/g, '')}%`)
      .where('updated_at', '<', before.toISOString())
      .execute();
  }
}
