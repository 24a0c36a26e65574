import type { Kysely } from 'kysely';

/**
 * OAuth connections. One authorisation (a token set in xero_connections) can reach several
 * organisations, so each tenant names the authorisation that carries its calls (`auth_id`);
 * `tenants.connection_id` stays Xero's own per-organisation connection id (DELETE /connections/{id}).
 * `exports.xero_status` records what Xero's webhooks reported about an exported document later
 * (VOIDED, DELETED), so people see that the invoice they exported is no longer live in Xero.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tenants').addColumn('auth_id', 'text').execute();
  await db.schema.alterTable('exports').addColumn('xero_status', 'text').execute();
  await db.schema.createIndex('exports_tenant_xero_id').on('exports').columns(['tenant_id', 'xero_id']).execute();
}
