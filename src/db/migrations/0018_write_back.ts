import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * Write-back: the events of every change to an export, a contact link or an organisation's connection,
 * written into the outbox (0016) by triggers, so that the change and its event are one write whoever
 * makes it and a crash between the two cannot happen; the feed's order (`seq`); webhook subscriptions
 * and their deliveries.
 *
 * `seq` is given after commit, by the dispatcher, in the order it sees events: on PostgreSQL a
 * transaction that took its `id` earlier may commit later, so ids alone would let a feed reader that
 * has read past an id miss an event that appears below it.
 */

type Json = (pairs: ReadonlyArray<readonly [string, string]>) => string;
const sqliteJson: Json = (pairs) => `json_object(${pairs.map(([k, v]) => `'${k}', ${v}`).join(', ')})`;
const postgresJson: Json = (pairs) => `json_build_object(${pairs.map(([k, v]) => `'${k}', ${v}`).join(', ')})::text`;

/** What an export's event carries (the public shape per type is picked in src/engine/write-back-events.ts). */
function exportFields(r: string, doc: (column: string) => string): Array<readonly [string, string]> {
  return [
    ['exportId', `${r}.id`],
    ['kind', `${r}.kind`],
    ['sourceId', `${r}.source_id`],
    ['revision', `${r}.revision`],
    ['reference', doc('reference')],
    ['status', `${r}.status`],
    ['xeroId', `${r}.xero_id`],
    ['number', `${r}.xero_number`],
    ['date', `coalesce(${r}.xero_date, ${doc('doc_date')})`],
    ['total', `${r}.xero_total`],
    ['code', `${r}.error_code`],
    ['message', `${r}.last_error`],
    ['actionRequired', `${r}.action_required`],
    ['reason', `${r}.wait_reason`],
    ['waitingFor', `${r}.waiting_for`],
    ['xeroStatus', `${r}.xero_status`],
  ];
}

function contactFields(r: string, exported: (column: string) => string): Array<readonly [string, string]> {
  return [
    ['exportId', exported('id')],
    ['kind', `${r}.contact_kind`],
    ['sourceId', `${r}.source_id`],
    ['revision', exported('revision')],
    ['reference', `${r}.source_id`],
    ['status', `'exported'`],
    ['xeroId', `${r}.xero_contact_id`],
    ['xeroStatus', `case when ${r}.archived = 1 then 'ARCHIVED' else 'ACTIVE' end`],
  ];
}

function tenantFields(r: string): Array<readonly [string, string]> {
  return [
    ['organisation', `${r}.name`],
    ['status', `${r}.status`],
    ['reason', `case when ${r}.status = 'active' then null else ${r}.pause_reason end`],
    ['code', `case when ${r}.status = 'active' then null else ${r}.pause_code end`],
  ];
}

const STATUS_EVENTS = `('exported', 'failed', 'skipped', 'waiting')`;
const INSERT = 'insert into events (tenant_id, type, doc_key, data, created_at)';
const SQLITE_NOW = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;
const sqliteDoc = (r: string) => (c: string) => `(select ${c} from documents where id = ${r}.document_id)`;
const sqliteExported = (c: string) =>
  `(select ${c} from exports where tenant_id = new.tenant_id and kind = new.contact_kind and source_id = new.source_id and status = 'exported' order by id desc limit 1)`;

/** SQLite: per row. */
const SQLITE = [
  `create trigger events_export_status after update of status on exports when new.status is not old.status and new.status in ${STATUS_EVENTS} begin
     ${INSERT} values (new.tenant_id, 'export.' || new.status, new.kind || ':' || new.source_id, ${sqliteJson(exportFields('new', sqliteDoc('new')))}, ${SQLITE_NOW}); end`,
  `create trigger events_export_xero_status after update of xero_status on exports when new.xero_status is not old.xero_status and new.xero_status is not null begin
     ${INSERT} values (new.tenant_id, 'document.changed_in_xero', new.kind || ':' || new.source_id, ${sqliteJson(exportFields('new', sqliteDoc('new')))}, ${SQLITE_NOW}); end`,
  `create trigger events_export_deleted after delete on exports begin
     ${INSERT} values (old.tenant_id, 'export.deleted', old.kind || ':' || old.source_id, ${sqliteJson(exportFields('old', sqliteDoc('old')))}, ${SQLITE_NOW}); end`,
  `create trigger events_contact_archived after update of archived on contact_links when new.archived is not old.archived begin
     ${INSERT} values (new.tenant_id, 'document.changed_in_xero', new.contact_kind || ':' || new.source_id, ${sqliteJson(contactFields('new', sqliteExported))}, ${SQLITE_NOW}); end`,
  `create trigger events_connection after update of status on tenants when new.status is not old.status begin
     ${INSERT} values (new.id, case when new.status = 'active' then 'connection.restored' else 'connection.lost' end, null, ${sqliteJson(tenantFields('new'))}, ${SQLITE_NOW}); end`,
];

const PG_NOW = `to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const pgDoc = (c: string) => `d.${c}`;
const pgExported = (c: string) =>
  `(select x.${c} from exports x where x.tenant_id = n.tenant_id and x.kind = n.contact_kind and x.source_id = n.source_id and x.status = 'exported' order by x.id desc limit 1)`;

/** PostgreSQL: per statement, one insert per kind of change (PostgreSQL allows no column list on a trigger with transition tables). */
const POSTGRES = [
  `create function events_from_exports() returns trigger language plpgsql as $$
   begin
     if tg_op = 'DELETE' then
       ${INSERT}
         select o.tenant_id, 'export.deleted', o.kind || ':' || o.source_id, ${postgresJson(exportFields('o', pgDoc))}, ${PG_NOW}
         from old_rows o left join documents d on d.id = o.document_id order by o.id;
     else
       ${INSERT}
         select n.tenant_id, 'export.' || n.status, n.kind || ':' || n.source_id, ${postgresJson(exportFields('n', pgDoc))}, ${PG_NOW}
         from new_rows n join old_rows o on o.id = n.id left join documents d on d.id = n.document_id
         where n.status is distinct from o.status and n.status in ${STATUS_EVENTS} order by n.id;
       ${INSERT}
         select n.tenant_id, 'document.changed_in_xero', n.kind || ':' || n.source_id, ${postgresJson(exportFields('n', pgDoc))}, ${PG_NOW}
         from new_rows n join old_rows o on o.id = n.id left join documents d on d.id = n.document_id
         where n.xero_status is distinct from o.xero_status and n.xero_status is not null order by n.id;
     end if;
     return null;
   end $$`,
  'create trigger events_export_update after update on exports referencing old table as old_rows new table as new_rows for each statement execute function events_from_exports()',
  'create trigger events_export_delete after delete on exports referencing old table as old_rows for each statement execute function events_from_exports()',
  `create function events_from_contact_links() returns trigger language plpgsql as $$
   begin
     ${INSERT}
       select n.tenant_id, 'document.changed_in_xero', n.contact_kind || ':' || n.source_id, ${postgresJson(contactFields('n', pgExported))}, ${PG_NOW}
       from new_rows n join old_rows o on o.tenant_id = n.tenant_id and o.contact_kind = n.contact_kind and o.source_id = n.source_id
       where n.archived is distinct from o.archived;
     return null;
   end $$`,
  'create trigger events_contact_archived after update on contact_links referencing old table as old_rows new table as new_rows for each statement execute function events_from_contact_links()',
  `create function events_from_tenants() returns trigger language plpgsql as $$
   begin
     ${INSERT}
       select n.id, case when n.status = 'active' then 'connection.restored' else 'connection.lost' end, null, ${postgresJson(tenantFields('n'))}, ${PG_NOW}
       from new_rows n join old_rows o on o.id = n.id
       where n.status is distinct from o.status;
     return null;
   end $$`,
  'create trigger events_connection after update on tenants referencing old table as old_rows new table as new_rows for each statement execute function events_from_tenants()',
];

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const serial = dialect === 'sqlite' ? 'integer' : 'serial';
  await db.schema.alterTable('events').addColumn('seq', 'integer').execute();
  await db.schema.createIndex('events_feed').on('events').columns(['tenant_id', 'seq']).execute();
  await db.schema.createIndex('events_seq').on('events').column('seq').unique().execute();
  await sql`create index events_unsequenced on events (id) where seq is null`.execute(db);

  await db.schema
    .createTable('webhook_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events', 'text') // JSON array of types; null: every type
    .addColumn('secret_ciphertext', 'text', (c) => c.notNull())
    .addColumn('from_event_id', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_subscriptions_tenant').on('webhook_subscriptions').column('tenant_id').execute();
  await db.schema
    .createTable('webhook_subscription_types')
    .addColumn('subscription_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_subscription_types_pk', ['subscription_id', 'type'])
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', serial, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('subscription_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'integer', (c) => c.notNull())
    .addColumn('event_seq', 'integer', (c) => c.notNull())
    .addColumn('doc_key', 'text')
    .addColumn('status', 'text', (c) => c.notNull()) // pending | delivered | failed
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('last_attempt_at', 'text')
    .addColumn('response_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('webhook_deliveries_log').on('webhook_deliveries').columns(['subscription_id', 'id']).execute();
  await db.schema.createIndex('webhook_deliveries_order').on('webhook_deliveries').columns(['subscription_id', 'doc_key', 'event_seq']).execute();
  await db.schema.createIndex('webhook_deliveries_event').on('webhook_deliveries').column('event_id').execute();

  for (const statement of dialect === 'sqlite' ? SQLITE : POSTGRES) await sql.raw(statement).execute(db);
}
