/**
 * The storage port: one object holding the repositories over one database, whatever its dialect.
 */
import { openDatabase, type OpenedDatabase } from './dialect';
import { migrateToLatest } from './migrate';
import { ApiTokensRepository } from './repositories/api-tokens';
import { ConnectionLogRepository } from './repositories/connection-log';
import { ContactLinksRepository } from './repositories/contact-links';
import { ExportsRepository } from './repositories/exports';
import { KeyValueRepository } from './repositories/key-value';
import { ReferenceCacheRepository } from './repositories/reference-cache';
import { TenantsRepository } from './repositories/tenants';

export interface Store extends OpenedDatabase {
  tenants: TenantsRepository;
  exports: ExportsRepository;
  log: ConnectionLogRepository;
  contacts: ContactLinksRepository;
  tokens: ApiTokensRepository;
  reference: ReferenceCacheRepository;
  kv: KeyValueRepository;
}

export function createStore(opened: OpenedDatabase): Store {
  const { db, adapter } = opened;
  return {
    ...opened,
    tenants: new TenantsRepository(db),
    exports: new ExportsRepository(db, adapter),
    log: new ConnectionLogRepository(db, adapter),
    contacts: new ContactLinksRepository(db),
    tokens: new ApiTokensRepository(db),
    reference: new ReferenceCacheRepository(db),
    kv: new KeyValueRepository(db),
  };
}

/** Opens the database, applies migrations and returns the store. */
export async function openStore(url: string, options: { migrate?: boolean; poolSize?: number } = {}): Promise<Store> {
  const opened = openDatabase(url, options);
  if (options.migrate !== false) {
    try {
      await migrateToLatest(opened.db, opened.adapter);
    } catch (err) {
      await opened.close();
      throw err;
    }
  }
  return createStore(opened);
}
