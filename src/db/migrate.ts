/**
 * Numbered, append-only migrations, applied under Kysely's migration lock so that
 * several processes starting at once apply each migration exactly once. A database that has
 * migrations this build does not know was written by a newer xport: refuse to run on it.
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { DialectAdapter, DialectName } from './dialect';
import type { Database } from './schema';
import * as m0001 from './migrations/0001_initial';
import * as m0002 from './migrations/0002_xero_calls';
import * as m0003 from './migrations/0003_oauth_connections';
import * as m0004 from './migrations/0004_ui_indexes';
import * as m0005 from './migrations/0005_log_search';
import * as m0006 from './migrations/0006_export_counts';
import * as m0007 from './migrations/0007_revision_content';
import * as m0008 from './migrations/0008_contact_wait';
import * as m0009 from './migrations/0009_worker_heartbeats';
import * as m0010 from './migrations/0010_security';
import * as m0014 from './migrations/0014_contact_wait_index';
import * as m0015 from './migrations/0015_log_index_by_day';
import * as m0016 from './migrations/0016_events';
import * as m0017 from './migrations/0017_reconciliation';
import * as m0018 from './migrations/0018_write_back';
import * as m0019 from './migrations/0019_claim_and_counts';
import * as m0021 from './migrations/0021_event_indexes';
import * as m0022 from './migrations/0022_lean_export_indexes';

/**
 * A migration is told only which engine it runs on and holds its SQL for both: nothing outside it
 * (the dialect adapter included) may change what an applied migration did.
 */
type Step = { up(db: Kysely<unknown>, dialect: DialectName): Promise<void> };

/** Never edit or reorder: add a new numbered file instead. */
const MIGRATIONS: Record<string, Step> = {
  '0001_initial': m0001,
  '0002_xero_calls': m0002,
  '0003_oauth_connections': m0003,
  '0004_ui_indexes': m0004,
  '0005_log_search': m0005,
  '0006_export_counts': m0006,
  '0007_revision_content': m0007,
  '0008_contact_wait': m0008,
  '0009_worker_heartbeats': m0009,
  '0010_security': m0010,
  '0014_contact_wait_index': m0014,
  '0015_log_index_by_day': m0015,
  '0016_events': m0016,
  '0017_reconciliation': m0017,
  '0018_write_back': m0018,
  '0019_claim_and_counts': m0019,
  '0021_event_indexes': m0021,
  '0022_lean_export_indexes': m0022,
};

export class SchemaTooNewError extends Error {}

class InCodeProvider implements MigrationProvider {
  constructor(private readonly dialect: DialectName) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(Object.entries(MIGRATIONS).map(([name, step]) => [name, { up: (db: Kysely<unknown>) => step.up(db, this.dialect) }]));
  }
}

export interface MigrationReport {
  applied: string[];
  current: string | null;
}

export async function migrateToLatest(db: Kysely<Database>, adapter: DialectAdapter): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider: new InCodeProvider(adapter.name) });
  await refuseNewerSchema(db);
  // SQLite: an index built over a large table sorts through temporary files, not memory (dialect.ts
  // keeps a connection's temporary storage in memory otherwise).
  const fileTemp = adapter.name === 'sqlite' && !db.isTransaction;
  if (fileTemp) await sql`pragma temp_store = file`.execute(db);
  const { error, results } = await migrator.migrateToLatest().finally(async () => {
    if (fileTemp) await sql`pragma temp_store = memory`.execute(db);
  });
  if (error) throw new Error(`Database migration failed: ${String(error instanceof Error ? error.message : error)}`, { cause: error });
  const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  const names = Object.keys(MIGRATIONS);
  return { applied, current: names[names.length - 1] ?? null };
}

async function refuseNewerSchema(db: Kysely<Database>): Promise<void> {
  const known = new Set(Object.keys(MIGRATIONS));
  const executed = await executedMigrationNames(db);
  const unknown = executed.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new SchemaTooNewError(`This database was migrated by a newer xport (unknown migrations: ${unknown.join(', ')}). ` + 'Upgrade xport before running it on this database.');
  }
}

async function executedMigrationNames(db: Kysely<Database>): Promise<string[]> {
  const bookkeeping = db as unknown as Kysely<{ kysely_migration: { name: string } }>;
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === 'kysely_migration')) return [];
  const rows = await bookkeeping.selectFrom('kysely_migration').select('name').execute();
  return rows.map((r) => r.name);
}

/** What the database has applied against what this build knows (for `xport doctor`; changes nothing). */
export async function schemaStatus(db: Kysely<Database>): Promise<{ executed: string[]; pending: string[]; unknown: string[]; latest: string | null }> {
  const known = Object.keys(MIGRATIONS);
  const executed = await executedMigrationNames(db);
  const done = new Set(executed);
  return { executed, pending: known.filter((n) => !done.has(n)), unknown: executed.filter((n) => !known.includes(n)), latest: known[known.length - 1] ?? null };
}

/** Applies migrations up to and including `name` only (tests that start from an older release's schema). */
export async function migrateUpTo(db: Kysely<Database>, adapter: DialectAdapter, name: string): Promise<void> {
  if (!(name in MIGRATIONS)) throw new Error(`No migration ${name}`);
  const { error } = await new Migrator({ db, provider: new InCodeProvider(adapter.name) }).migrateTo(name);
  if (error) throw new Error(`Database migration failed: ${String(error instanceof Error ? error.message : error)}`, { cause: error });
}
