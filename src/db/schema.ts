/**
 * Table types for Kysely. Times are ISO-8601 UTC strings ("2026-11-23T20:00:00.000Z") on both
 * databases: they sort as text, compare as text, and need no per-dialect conversion.
 * JSON is stored as text for the same reason.
 */
import type { Generated, Selectable } from 'kysely';

export interface TenantsTable {
  id: string; // Xero tenant id
  name: string;
  connection_id: string | null;
  status: string; // 'active' | 'disconnected'
  paused_until: string | null;
  pause_reason: string | null;
  pause_code: string | null;
  settings: string; // JSON OrgSettings
  created_at: string;
  updated_at: string;
  /** The xero_connections row (OAuth token set) that authorises calls for this organisation (0003). */
  auth_id: Generated<string | null>;
}

export interface DocumentsTable {
  id: Generated<number>;
  tenant_id: string;
  kind: string;
  source_id: string;
  revision: number;
  payload: string; // JSON, normalised SourceDocument
  reference: string;
  doc_date: string | null;
  total: string | null;
  received_at: string;
  /** sha256 of the document's canonical content without its revision (0007); null on older rows. */
  content_hash: Generated<string | null>;
}

export interface ExportsTable {
  id: Generated<number>;
  tenant_id: string;
  document_id: number;
  kind: string;
  source_id: string;
  revision: number;
  /** Export ordering key among exports of one (tenant, kind, source id): newer revisions supersede. */
  status: string;
  wait_reason: string | null;
  waiting_for: string | null;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  error_code: string | null;
  error_class: string | null;
  action_required: string | null;
  xero_id: string | null;
  xero_number: string | null;
  xero_total: string | null;
  lease_owner: string | null;
  lease_until: string | null;
  /** Set when an attempt's outcome is unknown: the next attempt must look the document up in Xero first. */
  needs_reconcile: number;
  created_at: string;
  updated_at: string;
  exported_at: string | null;
  /** What Xero later reported about the exported document (VOIDED, DELETED), from webhooks (0003). */
  xero_status: Generated<string | null>;
  /** The date sent to Xero when the lock-date policy moved it; null when the source date was sent (0007). */
  xero_date: Generated<string | null>;
  /** When the export last started waiting (0008): a contact that never arrives fails it after a while. */
  waiting_since: Generated<string | null>;
}

export interface ExportAttemptsTable {
  id: Generated<number>;
  export_id: number;
  attempt_no: number;
  batch_id: string;
  idempotency_key: string;
  started_at: string;
  finished_at: string | null;
  outcome: string | null; // 'ok' | 'error' | 'unknown' | 'transient' | 'rate_limited'
  http_status: number | null;
  error: string | null;
  correlation_id: string | null;
}

export interface ConnectionLogTable {
  id: Generated<number>;
  tenant_id: string | null;
  at: string;
  level: string; // 'info' | 'error'
  event: string;
  message: string;
  export_id: number | null;
  document_ref: string | null;
  details: string | null; // JSON, never a token
  actor: string | null;
}

export interface ContactLinksTable {
  tenant_id: string;
  contact_kind: string; // customer | supplier
  source_id: string;
  xero_contact_id: string;
  linked_by: string; // 'export' | 'user'
  archived: number;
  updated_at: string;
}

export interface ApiTokensTable {
  id: Generated<number>;
  tenant_id: string | null;
  name: string;
  token_hash: string;
  prefix: string;
  role: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  role: string; // 'admin' | 'viewer'
  created_at: string;
}

export interface ReferenceCacheTable {
  tenant_id: string;
  kind: string; // accounts | tax_rates | organisation | tracking_categories | currencies
  data: string;
  fetched_at: string;
}

export interface XeroConnectionsTable {
  id: string;
  kind: string; // 'oauth' | 'client_credentials'
  token_ciphertext: string | null;
  access_expires_at: string | null;
  refresh_expires_at: string | null;
  status: string;
  refresh_lock_until: string | null;
  refresh_lock_owner: string | null;
  created_at: string;
  updated_at: string;
}

export interface KeyValueTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface XeroCallsTable {
  id: Generated<number>;
  tenant_id: string;
  holder: string;
  started_at: string;
  expires_at: string;
  finished_at: string | null;
}

/**
 * How many exports each organisation has in each status (0006), kept by triggers on `exports` so
 * that every change is counted whoever makes it. Several rows may hold one (tenant, status): their
 * `n` add up (PostgreSQL appends deltas instead of updating one hot row; reads fold them now and then).
 */
export interface ExportCountsTable {
  id: Generated<number>;
  tenant_id: string;
  status: string;
  n: number;
}

/** Web UI sessions (0010): the SHA-256 of the session id, never the id. */
export interface WebSessionsTable {
  id_hash: string;
  user_id: number | null;
  data: string;
  expires_at: string;
  updated_at: string;
}

/** Xero webhook events already handled (0010), so a replayed delivery is processed once. */
export interface XeroWebhookEventsTable {
  event_key: string;
  received_at: string;
}

/** One row per export worker (0009): its state as it last wrote it. */
export interface WorkerHeartbeatsTable {
  worker_id: string;
  host: string;
  pid: number;
  /** running (last round fine), failing (rounds fail, backing off), stopped. */
  state: string;
  started_at: string;
  last_round_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
  consecutive_failures: Generated<number>;
  updated_at: string;
}

/** The outbox (0016): what the write-back webhooks and the pull feed deliver. */
export interface EventsTable {
  id: Generated<number>;
  tenant_id: string;
  /** e.g. export.exported, export.failed, document.paid, connection.lost */
  type: string;
  /** "kind:sourceId": the events of one document keep their order; null for organisation events. */
  doc_key: string | null;
  data: string; // JSON
  created_at: string;
  /** The feed's order, given after commit by the dispatcher (0018); null until then. */
  seq: Generated<number | null>;
}

/** Write-back webhook subscriptions (0018), per organisation; the signing secret only encrypted. */
export interface WebhookSubscriptionsTable {
  id: string;
  tenant_id: string;
  url: string;
  /** JSON array of event types; null: every type. */
  events: string | null;
  secret_ciphertext: string;
  /** Events up to this id happened before the subscription: not delivered to it. */
  from_event_id: number;
  created_at: string;
}

/** The event types a subscription with a filter receives (0018). */
export interface WebhookSubscriptionTypesTable {
  subscription_id: string;
  type: string;
}

/** One event on its way to one subscription (0018): pending until delivered, failed when its retries ran out. */
export interface WebhookDeliveriesTable {
  id: Generated<number>;
  subscription_id: string;
  event_id: number;
  event_seq: number;
  doc_key: string | null;
  status: string; // pending | delivered | failed
  attempts: number;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_until: string | null;
  last_attempt_at: string | null;
  response_status: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
}

/** What Xero last showed of an exported document (0017), and the differences already reported. */
export interface XeroStatesTable {
  export_id: number;
  tenant_id: string;
  xero_id: string;
  status: string | null;
  date: string | null;
  total: string | null;
  contact_id: string | null;
  amount_paid: string | null;
  amount_due: string | null;
  fully_paid_on: string | null;
  xero_updated_at: string | null;
  /** JSON array of difference codes (total_differs, voided_in_xero, …) found and reported. */
  issues: Generated<string>;
  /** JSON array of the differences a person accepted (Xero's version stands); a subset of `issues`. */
  accepted: Generated<string>;
  /** When the current differences were first found. */
  issues_since: string | null;
  checked_at: string;
}

/** One reconciliation run (0017): its Xero calls count against the daily budget share. */
export interface ReconciliationRunsTable {
  id: Generated<number>;
  tenant_id: string;
  trigger: string; // schedule | api | cli | ui
  started_at: string;
  finished_at: string | null;
  outcome: string; // running | complete | partial | failed
  message: string | null;
  calls: Generated<number>;
  budget: number;
  checked: Generated<number>;
  new_differences: Generated<number>;
}

/** A mapped account's balance per run (0017): Xero's trial balance beside xport's and the source's figures. */
export interface AccountBalancesTable {
  id: Generated<number>;
  tenant_id: string;
  run_id: number;
  as_of: string;
  role: string;
  account_code: string;
  xero_value: string | null;
  xport_value: string;
  source_value: string | null;
}

/** The source system's own figure for an account at a date (0017), e.g. its stock valuation. */
export interface ValuationsTable {
  tenant_id: string;
  date: string;
  account: string;
  value: string;
  received_at: string;
}

export interface Database {
  tenants: TenantsTable;
  documents: DocumentsTable;
  exports: ExportsTable;
  export_attempts: ExportAttemptsTable;
  connection_log: ConnectionLogTable;
  contact_links: ContactLinksTable;
  api_tokens: ApiTokensTable;
  users: UsersTable;
  reference_cache: ReferenceCacheTable;
  xero_connections: XeroConnectionsTable;
  key_value: KeyValueTable;
  xero_calls: XeroCallsTable;
  export_counts: ExportCountsTable;
  web_sessions: WebSessionsTable;
  xero_webhook_events: XeroWebhookEventsTable;
  worker_heartbeats: WorkerHeartbeatsTable;
  events: EventsTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_subscription_types: WebhookSubscriptionTypesTable;
  webhook_deliveries: WebhookDeliveriesTable;
  xero_states: XeroStatesTable;
  reconciliation_runs: ReconciliationRunsTable;
  account_balances: AccountBalancesTable;
  valuations: ValuationsTable;
}

export type ExportRow = Selectable<ExportsTable>;
export type LogRow = Selectable<ConnectionLogTable>;
export type TenantRow = Selectable<TenantsTable>;
