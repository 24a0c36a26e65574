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

const doc = (r: string) => (c: string) => `(select ${c} from documents where id = ${r}.document_id)`;
const exported = (c: string) => `(select ${c} from exports where tenant_id = new.tenant_id and kind = new.contact_kind and source_id = new.source_id and status = 'exported' order by id desc limit 1)`;

/** What an export's event carries (the public shape per type is picked in src/engine/write-back-events.ts). */
function exportFields(r: string): Array<readonly [string, string]> {
  return [
    ['exportId', `${r}.id`],
    ['kind', `${r}.kind`],
    ['sourceId', `${r}.source_id`],
    ['revision', `${r}.revision`],
    ['reference', doc(r)('reference')],
    ['status', `${r}.status`],
    ['xeroId', `${r}.xero_id`],
    ['number', `${r}.xero_number`],
    ['date', `coalesce(${r}.xero_date, ${doc(r)('doc_date')})`],
    ['total', `${r}.xero_total`],
    ['code', `${r}.error_code`],
    ['message', `${r}.last_error`],
    ['actionRequired', `${r}.action_required`],
    ['reason', `${r}.wait_reason`],
    ['waitingFor', `${r}.waiting_for`],
    ['xeroStatus', `${r}.xero_status`],
  ];
}

const CONTACT_FIELDS: Array<readonly [string, string]> = [
  ['exportId', exported('id')],
  ['kind', 'new.contact_kind'],
  ['sourceId', 'new.source_id'],
  ['revision', exported('revision')],
  ['reference', 'new.source_id'],
  ['status', `'exported'`],
  ['xeroId', 'new.xero_contact_id'],
  ['xeroStatus', `case when new.archived = 1 then 'ARCHIVED' else 'ACTIVE' end`],
];

const TENANT_FIELDS: Array<readonly [string, string]> = [
  ['organisation', 'new.name'],
  ['status', 'new.status'],
  ['reason', `case when new.status = 'active' then null else new.pause_reason end`],
  ['code', `case when new.status = 'active' then null else new.pause_code end`],
];

/** One row-level trigger: on `event` of `table`, when `when` holds, one event row. */
interface EventTrigger {
  name: string;
  event: string;
  table: string;
  when: string | null;
  tenant: string;
  type: string;
  docKey: string;
  fields: Array<readonly [string, string]>;
}

const TRIGGERS: EventTrigger[] = [
  {
    name: 'events_export_status',
    event: 'update of status',
    table: 'exports',
    when: `new.status is distinct from old.status and new.status in ('exported', 'failed', 'skipped', 'waiting')`,
    tenant: 'new.tenant_id',
    type: `'export.' || new.status`,
    docKey: `new.kind || ':' || new.source_id`,
    fields: exportFields('new'),
  },
  {
    name: 'events_export_xero_status',
    event: 'update of xero_status',
    table: 'exports',
    when: 'new.xero_status is distinct from old.xero_status and new.xero_status is not null',
    tenant: 'new.tenant_id',
    type: `'document.changed_in_xero'`,
    docKey: `new.kind || ':' || new.source_id`,
    fields: exportFields('new'),
  },
  {
    // A revision that arrives after a newer one is stored skipped at once.
    name: 'events_export_skipped_on_arrival',
    event: 'insert',
    table: 'exports',
    when: `new.status = 'skipped'`,
    tenant: 'new.tenant_id',
    type: `'export.skipped'`,
    docKey: `new.kind || ':' || new.source_id`,
    fields: exportFields('new'),
  },
  {
    name: 'events_export_deleted',
    event: 'delete',
    table: 'exports',
    when: null,
    tenant: 'old.tenant_id',
    type: `'export.deleted'`,
    docKey: `old.kind || ':' || old.source_id`,
    fields: exportFields('old'),
  },
  {
    name: 'events_contact_archived',
    event: 'update of archived',
    table: 'contact_links',
    when: 'new.archived is distinct from old.archived',
    tenant: 'new.tenant_id',
    type: `'document.changed_in_xero'`,
    docKey: `new.contact_kind || ':' || new.source_id`,
    fields: CONTACT_FIELDS,
  },
  {
    name: 'events_connection',
    event: 'update of status',
    table: 'tenants',
    when: 'new.status is distinct from old.status',
    tenant: 'new.id',
    type: `case when new.status = 'active' then 'connection.restored' else 'connection.lost' end`,
    docKey: 'null',
    fields: TENANT_FIELDS,
  },
];

const insert = (t: EventTrigger, json: Json, now: string) => `insert into events (tenant_id, type, doc_key, data, created_at) values (${t.tenant}, ${t.type}, ${t.docKey}, ${json(t.fields)}, ${now})`;

/** SQLite: the trigger holds the insert. */
function sqliteTrigger(t: EventTrigger): string[] {
  return [`create trigger ${t.name} after ${t.event} on ${t.table}${t.when ? ` when ${t.when}` : ''} begin ${insert(t, sqliteJson, `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`)}; end`];
}

/**
 * PostgreSQL: per row too, with the condition on the trigger, so that the many updates that change no
 * status (claims' leases, attempt counts) never call the function.
 */
function postgresTrigger(t: EventTrigger): string[] {
  return [
    `create function ${t.name}() returns trigger language plpgsql as $$ begin ${insert(t, postgresJson, `to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`)}; return null; end $$`,
    `create trigger ${t.name} after ${t.event} on ${t.table} for each row${t.when ? ` when (${t.when})` : ''} execute function ${t.name}()`,
  ];
}

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const serial = dialect === 'sqlite' ? 'integer' : 'serial';
  await db.schema.alterTable('events').addColumn('seq', 'integer').execute();
  await db.schema.createIndex('events_feed').on('events').columns(['tenant_id', 'seq']).execute();
  // Also how the sequencer finds the events without a place yet (seq is null).
  await db.schema.createIndex('events_seq').on('events').column('seq').unique().execute();

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

  for (const t of TRIGGERS) for (const statement of dialect === 'sqlite' ? sqliteTrigger(t) : postgresTrigger(t)) await sql.raw(statement).execute(db);
}
