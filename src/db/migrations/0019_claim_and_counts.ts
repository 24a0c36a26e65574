import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * The queued exports of an organisation by kind, oldest first: a claim walks it once per kind it
 * claims (src/db/repositories/exports.ts), so a claim of kinds that have nothing queued costs a seek
 * per kind, not a walk over every queued export of the organisation. Partial: only queued rows are in
 * it, and a claimed row leaves it.
 */
const CLAIM_INDEX = `create index exports_claim_by_kind on exports (tenant_id, kind, id) where status = 'queued'`;

/**
 * SQLite: export_counts keeps one row per organisation and status (unique), and each side of a row
 * change is one upsert on it, in place of 0006's insert-if-missing and update through min(id) subqueries.
 * Written out as applied, whitespace included: SQLite keeps each statement's text in sqlite_master.
 */
const SQLITE_UNIQUE = 'create unique index export_counts_tenant_status_unique on export_counts (tenant_id, status)';
const upsert = (r: 'new' | 'old', d: '+' | '-') =>
  `insert into export_counts (tenant_id, status, n) values (${r}.tenant_id, ${r}.status, ${d === '+' ? '1' : '-1'})
       on conflict (tenant_id, status) do update set n = n ${d} 1;`;
export const SQLITE_EXPORT_COUNTS_0019 = [
  `create trigger export_counts_insert after insert on exports begin
     ${upsert('new', '+')} end`,
  `create trigger export_counts_delete after delete on exports begin
     ${upsert('old', '-')} end`,
  `create trigger export_counts_update after update of status, tenant_id on exports
     when old.status is not new.status or old.tenant_id is not new.tenant_id begin
     ${upsert('old', '-')}
     ${upsert('new', '+')} end`,
] as const;

/**
 * Claims per kind (both engines), and on SQLite counts by upsert: the rows 0006's triggers may have
 * left twice for one organisation and status are first merged into the oldest (their sum), so that the
 * unique index can be built; 0006's plain index on the same columns goes (the unique one serves its reads).
 * PostgreSQL keeps 0006's delta rows (concurrent writers never wait on a shared counter row).
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  if (dialect !== 'sqlite') {
    await sql.raw(CLAIM_INDEX).execute(db);
    return;
  }
  // SQLite's migrations run outside a transaction: one here, so that no write goes uncounted between the
  // old triggers and the new, and a failure leaves the schema of 0018.
  await db.transaction().execute(async (trx) => {
    await sql.raw(CLAIM_INDEX).execute(trx);
    for (const t of ['export_counts_insert', 'export_counts_delete', 'export_counts_update']) await sql.raw(`drop trigger ${t}`).execute(trx);
    await sql`update export_counts set n = (select sum(c.n) from export_counts c where c.tenant_id = export_counts.tenant_id and c.status = export_counts.status)
      where id = (select min(c.id) from export_counts c where c.tenant_id = export_counts.tenant_id and c.status = export_counts.status)
        and exists (select 1 from export_counts c where c.tenant_id = export_counts.tenant_id and c.status = export_counts.status and c.id <> export_counts.id)`.execute(trx);
    await sql`delete from export_counts
      where id <> (select min(c.id) from export_counts c where c.tenant_id = export_counts.tenant_id and c.status = export_counts.status)`.execute(trx);
    await sql.raw('drop index export_counts_tenant_status').execute(trx);
    await sql.raw(SQLITE_UNIQUE).execute(trx);
    for (const statement of SQLITE_EXPORT_COUNTS_0019) await sql.raw(statement).execute(trx);
  });
}
