import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * Triggers that keep export_counts in step with every insert, delete and status change of `exports`.
 * Written out as first applied, whitespace included: SQLite keeps each statement's text in
 * sqlite_master, and test/db/migration-schema.test.ts holds the schema to it.
 *
 * SQLite: per row (one writer, so one row per tenant and status is updated in place).
 */
const SQLITE_EXPORT_COUNTS = [
  `create trigger export_counts_insert after insert on exports begin 
     insert into export_counts (tenant_id, status, n) select new.tenant_id, new.status, 0
       where not exists (select 1 from export_counts where tenant_id = new.tenant_id and status = new.status);
     update export_counts set n = n + 1
       where id = (select min(id) from export_counts where tenant_id = new.tenant_id and status = new.status); end`,
  `create trigger export_counts_delete after delete on exports begin 
     
     update export_counts set n = n - 1
       where id = (select min(id) from export_counts where tenant_id = old.tenant_id and status = old.status); end`,
  `create trigger export_counts_update after update of status, tenant_id on exports
     when old.status is not new.status or old.tenant_id is not new.tenant_id begin 
     
     update export_counts set n = n - 1
       where id = (select min(id) from export_counts where tenant_id = old.tenant_id and status = old.status); 
     insert into export_counts (tenant_id, status, n) select new.tenant_id, new.status, 0
       where not exists (select 1 from export_counts where tenant_id = new.tenant_id and status = new.status);
     update export_counts set n = n + 1
       where id = (select min(id) from export_counts where tenant_id = new.tenant_id and status = new.status); end`,
] as const;

/**
 * PostgreSQL: per statement, appending one delta row per tenant and status, so concurrent writers
 * never wait on a shared counter row (the exports repository folds the deltas).
 */
const POSTGRES_EXPORT_COUNTS = [
  `create function export_counts_apply() returns trigger language plpgsql as $$
   begin
     if tg_op = 'INSERT' then
       insert into export_counts (tenant_id, status, n) select tenant_id, status, count(*) from new_rows group by tenant_id, status;
     elsif tg_op = 'DELETE' then
       insert into export_counts (tenant_id, status, n) select tenant_id, status, -count(*) from old_rows group by tenant_id, status;
     else
       insert into export_counts (tenant_id, status, n)
         select tenant_id, status, sum(d) from (
           select tenant_id, status, -1 as d from old_rows union all select tenant_id, status, 1 from new_rows) changes
         group by tenant_id, status having sum(d) <> 0;
     end if;
     return null;
   end $$`,
  'create trigger export_counts_insert after insert on exports referencing new table as new_rows for each statement execute function export_counts_apply()',
  'create trigger export_counts_update after update on exports referencing old table as old_rows new table as new_rows for each statement execute function export_counts_apply()',
  'create trigger export_counts_delete after delete on exports referencing old table as old_rows for each statement execute function export_counts_apply()',
] as const;

/**
 * Export counts per organisation and status without counting a million rows: the banner,
 * /queue and /api/v1/status read export_counts, which triggers on `exports` keep in step (so every
 * writer is counted, whichever code path it takes). Filled from the exports already there, in the
 * same transaction as the triggers are created.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('export_counts')
    .addColumn('id', dialect === 'sqlite' ? 'integer' : 'serial', (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('export_counts_tenant_status').on('export_counts').columns(['tenant_id', 'status']).execute();
  for (const statement of dialect === 'sqlite' ? SQLITE_EXPORT_COUNTS : POSTGRES_EXPORT_COUNTS) await sql.raw(statement).execute(db);
  await sql`insert into export_counts (tenant_id, status, n) select tenant_id, status, count(*) from exports group by tenant_id, status`.execute(db);
}
