import type { ColumnDataType, Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * Reconciliation with Xero (docs/reconciliation.md):
 *  - `xero_states`: what Xero last showed of each exported document (status, date, total, contact,
 *    payments), the differences already reported (so that a difference is reported once) and those a
 *    person accepted (Xero's version stands: no longer listed while it lasts);
 *  - `reconciliation_runs`: each run, with the Xero calls it made (the daily budget share counts them);
 *  - `account_balances`: per run, a mapped account's balance in Xero's trial balance beside the sum of
 *    what xport exported to it and the source system's own figure;
 *  - `valuations`: the source system's figures (POST /api/v1/valuations), one per date and account.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const id: ColumnDataType = dialect === 'sqlite' ? 'integer' : 'serial';
  await db.schema
    .createTable('xero_states')
    .addColumn('export_id', 'integer', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('xero_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text')
    .addColumn('date', 'text')
    .addColumn('total', 'text')
    .addColumn('contact_id', 'text')
    .addColumn('amount_paid', 'text')
    .addColumn('amount_due', 'text')
    .addColumn('fully_paid_on', 'text')
    .addColumn('xero_updated_at', 'text')
    .addColumn('issues', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('accepted', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('issues_since', 'text')
    .addColumn('checked_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('xero_states_tenant').on('xero_states').columns(['tenant_id', 'export_id']).execute();
  await db.schema
    .createTable('reconciliation_runs')
    .addColumn('id', id, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('message', 'text')
    .addColumn('calls', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('budget', 'integer', (c) => c.notNull())
    .addColumn('checked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('new_differences', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('reconciliation_runs_tenant').on('reconciliation_runs').columns(['tenant_id', 'started_at']).execute();
  await db.schema
    .createTable('account_balances')
    .addColumn('id', id, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('run_id', 'integer', (c) => c.notNull())
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('account_code', 'text', (c) => c.notNull())
    .addColumn('xero_value', 'text')
    .addColumn('xport_value', 'text', (c) => c.notNull())
    .addColumn('source_value', 'text')
    .execute();
  await db.schema.createIndex('account_balances_tenant').on('account_balances').columns(['tenant_id', 'as_of']).execute();
  await db.schema
    .createTable('valuations')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('valuations_pk', ['tenant_id', 'date', 'account'])
    .execute();
}
