/**
 * Undoes migration 0019 (tests that step a database back to an older schema and migrate it again):
 * the claim index goes; on SQLite the upsert triggers and the unique index go and 0006's triggers and
 * index return, as the schema recorded for 0014 holds them (the statements as SQLite stored them).
 */
import fs from 'node:fs';
import { sql, type Kysely } from 'kysely';

const BEFORE_0019 = ['export_counts_tenant_status', 'export_counts_insert', 'export_counts_delete', 'export_counts_update'];

/** 0006's statements for export_counts' index and triggers, from test/db/fixtures/schema-0014.sqlite.json. */
export function sqliteCountsBefore0019(): string[] {
  const recorded = JSON.parse(fs.readFileSync(new URL('../db/fixtures/schema-0014.sqlite.json', import.meta.url), 'utf8')) as { sqlite_master: Array<{ name: string; sql: string | null }> };
  return BEFORE_0019.map((name) => {
    const statement = recorded.sqlite_master.find((r) => r.name === name)?.sql;
    if (!statement) throw new Error(`schema-0014.sqlite.json has no ${name}`);
    return statement;
  });
}

export async function stepBackClaimAndCounts<DB>(db: Kysely<DB>, kind: 'sqlite' | 'postgres'): Promise<void> {
  await sql`drop index exports_claim_by_kind`.execute(db);
  if (kind !== 'sqlite') return;
  for (const t of ['export_counts_insert', 'export_counts_delete', 'export_counts_update']) await sql.raw(`drop trigger ${t}`).execute(db);
  await sql`drop index export_counts_tenant_status_unique`.execute(db);
  for (const statement of sqliteCountsBefore0019()) await sql.raw(statement).execute(db);
}
