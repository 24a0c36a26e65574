/**
 * The storage port: one object holding the repositories over one database, whatever its dialect.
 */
import { openDatabase, type OpenOptions, type OpenedDatabase } from './dialect';
import { migrateToLatest } from './migrate';
import { ApiTokensRepository } from './repositories/api-tokens';
import { ConnectionLogRepository } from './repositories/connection-log';
import { ContactLinksRepository } from './repositories/contact-links';
import { ExportsRepository } from './repositories/exports';
import { KeyValueRepository } from './repositories/key-value';
import { OutboxRepository } from './repositories/outbox';
import { ReferenceCacheRepository } from './repositories/reference-cache';
import { TenantsRepository } from './repositories/tenants';
import { WorkerHeartbeatsRepository } from './repositories/worker-heartbeats';

export interface Store extends OpenedDatabase {
  tenants: TenantsRepository;
  exports: ExportsRepository;
  log: ConnectionLogRepository;
  contacts: ContactLinksRepository;
  tokens: ApiTokensRepository;
  reference: ReferenceCacheRepository;
  kv: KeyValueRepository;
  workers: WorkerHeartbeatsRepository;
  /** What happened, for the write-back webhooks and the pull feed. */
  outbox: OutboxRepository;
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
    workers: new WorkerHeartbeatsRepository(db),
    outbox: new OutboxRepository(db, adapter),
  };
}

/** Opens the database, applies migrations and returns the store. */
export async function openStore(url: string, options: OpenOptions & { migrate?: boolean } = {}): Promise<Store> {
  const opened = openDatabase(url, options);
  if (options.migrate === false) return createStore(opened);
  // PostgreSQL: migrations (an index over a large table) may take longer than any request may, so they
  // run on a connection without the statement timeout. SQLite has none (and `:memory:` must stay one database).
  const migrating = opened.adapter.name === 'postgres' ? openDatabase(url, { ...options, poolSize: 1, statementTimeoutMs: 0 }) : opened;
  try {
    await migrateToLatest(migrating.db, migrating.adapter);
  } catch (err) {
    await opened.close();
    throw err;
  } finally {
    if (migrating !== opened) await migrating.close();
  }
  return createStore(opened);
}
