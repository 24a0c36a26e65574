/**
 * Wires xport together from a Config: the store, the event bus and its subscribers, the Xero
 * client and token source, reference data, the queue service and the export workers. The CLI's
 * serve, worker and demo commands and the tests all build their process from this.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import { openStore, type Store } from '../db/store';
import { attachConnectionLog } from '../engine/connection-log-writer';
import type { ConnectionManager, SyncResult } from '../engine/connections';
import { ContactDirectory } from '../engine/contact-directory';
import { EventBus } from '../engine/events';
import { DbGate, type DbGateLimits } from '../engine/db-gate';
import { OpenGate, type CallGate } from '../engine/limiter';
import { ReferenceService } from '../engine/reference';
import { LOCK_DATE_WAIT } from '../engine/prepare';
import { startSchedules } from '../engine/scheduler';
import { QueueService } from '../engine/service';
import { SettingsService } from '../engine/settings-service';
import { ExportWorker, type WorkerOptions } from '../engine/worker';
import { XeroWebhookHandler } from '../engine/xero-webhooks';
import { WriteBackDispatcher, type WriteBackOptions } from '../engine/write-back';
import { WriteBackService } from '../engine/write-back-service';
import { SecretBox } from '../security/secret-box';
import { Reconciler, type ReconcileOptions } from '../engine/reconciliation/run';
import { startReconcileSchedule } from '../engine/reconciliation/schedule';
import { XeroClient } from '../xero/client';
import { ClientCredentialsTokenSource, type TokenSource } from '../xero/tokens';
import { attachNotifications } from '../notify/notifier';
import { ApiTokensService } from './api-tokens-service';
import { ConnectionLogReader } from './connection-log-reader';
import { DocumentsService } from './documents-service';
import { createLogger } from './logger';
import { OrganisationsService } from './organisations-service';
import { ReconciliationService } from './reconciliation-service';
import { setupXeroAuth, startConnectionSchedules } from './xero-auth';
import { attachOperatorLog } from './operator-log';
import { secureStorage } from '../security/file-modes';
import { SystemService } from './system-service';
import { UsersService } from './users-service';
import { BulkResultsService, WebSessionsService } from './web-state';

export interface Runtime {
  config: Readonly<Config>;
  store: Store;
  bus: EventBus;
  logger: Logger;
  xero: XeroClient;
  tokens: TokenSource;
  /** OAuth connections: consent, organisations, lost and restored connections. */
  connections: ConnectionManager;
  reference: ReferenceService;
  queue: QueueService;
  settings: SettingsService;
  /** People who sign in to the web UI. */
  users: UsersService;
  organisations: OrganisationsService;
  apiTokens: ApiTokensService;
  /** What Xero's webhook deliveries change (the web route only verifies them). */
  webhooks: XeroWebhookHandler;
  documents: DocumentsService;
  /** Reconciliation with Xero: differences, payments, account balances (docs/reconciliation.md). */
  reconciliation: ReconciliationService;
  /** Reading the Connection Log; entries are written by its subscriber, from events. */
  connectionLog: ConnectionLogReader;
  system: SystemService;
  webSessions: WebSessionsService;
  bulkResults: BulkResultsService;
  workers: ExportWorker[];
  /** Write-back webhooks and the event feed. */
  writeBack: WriteBackService;
  /** Sends the write-back webhooks; started with the workers (serve and worker). */
  dispatcher: WriteBackDispatcher;
  startWorkers(): void;
  /** Log retention and scheduled reference refresh (serve only). */
  startSchedules(): void;
  /** Stops workers (handing back what they hold after `deadlineMs`), flushes the log, closes the database. */
  close(deadlineMs?: number): Promise<void>;
}

export interface RuntimeOptions {
  workerOptions?: Partial<WorkerOptions>;
  /** Skip client-side limits (throughput runs against a sandbox with limits off). */
  noClientLimits?: boolean;
  /** Override Xero's limits in the call gate (tests). */
  gateLimits?: Partial<DbGateLimits>;
  logger?: Logger;
  tokens?: TokenSource;
  writeBackOptions?: Partial<WriteBackOptions>;
  /** Reconciliation's options beyond the configuration (tests: a small page size). */
  reconcile?: Partial<ReconcileOptions>;
}

export async function createRuntime(config: Readonly<Config>, options: RuntimeOptions = {}): Promise<Runtime> {
  // Without a logger from the caller (the data commands, tests) lines go to stderr, so stdout keeps only the command's output.
  const logger = options.logger ?? createLogger({ level: config.logLevel, destination: process.stderr });
  secureStorage(config, (message) => logger.warn(message));
  // On SQLite the WAL is checkpointed on a thread of its own, not inside a commit on the event loop.
  const store = await openStore(config.databaseUrl, { backgroundCheckpoints: { onError: (err) => logger.error({ err }, 'SQLite WAL checkpoint') } });
  const bus = new EventBus((err, event) => logger.error({ err, event }, 'event listener failed'));
  const flushLog = attachConnectionLog(bus, store.log, (err) => logger.error({ err }, 'writing the connection log failed'));
  const stopNotifications = attachNotifications(bus, { config, store, logger });
  const stopOperatorLog = attachOperatorLog(bus, logger);
  // A refresh may show a moved lock date: exports held for it get another look.
  bus.on('reference.refreshed', async (e) => {
    await store.exports.releaseWaiting(e.tenantId, LOCK_DATE_WAIT);
  });
  bus.on('reference.lock_dates', async (e) => {
    await store.exports.releaseWaiting(e.tenantId, LOCK_DATE_WAIT);
  });
  const auth = await setupXeroAuth(config, store, bus, tokenSourceFor(config)).catch(async (err: unknown) => {
    await store.close();
    throw err;
  });
  const tokens = options.tokens ?? auth.tokens;
  const xero = new XeroClient({ apiUrl: config.xero.apiUrl, tokens, timeoutMs: config.xeroTimeoutMs });
  const queue = new QueueService(store, bus);
  // The database-backed gate holds Xero's limits across every process sharing this database.
  const gate: CallGate = (options.noClientLimits ?? !config.clientLimits) ? new OpenGate() : new DbGate(store, { holdMs: config.xeroTimeoutMs + 30_000, ...options.gateLimits });
  const reference = new ReferenceService(store.reference, xero, bus, undefined, gate);
  const settings = new SettingsService(store, bus, reference, queue, new ContactDirectory(xero, gate));
  const workers = Array.from(
    { length: config.workers },
    () =>
      new ExportWorker(
        { store, xero, bus, gate, reference, logger },
        { pollMs: config.pollMs, leaseMs: config.leaseMs, batchSize: config.batchSize, contactWaitMs: config.contactWaitMs, ...options.workerOptions },
      ),
  );
  queue.onWork(() => workers.forEach((w) => w.poke()));
  const webhooks = new XeroWebhookHandler({ store, xero, gate, bus, logger });
  const box = SecretBox.load(config);
  const dispatcher = new WriteBackDispatcher({ store, box, logger }, { timeoutMs: config.webhookTimeoutMs, ...options.writeBackOptions });
  const reconciler = new Reconciler({ store, xero, gate, logger, bus }, { budgetShare: config.reconcile.budgetShare, dailyLimit: config.reconcile.dailyLimit, ...options.reconcile });
  let stopReconcile: (() => void) | null = null;
  let stopSchedules: (() => void) | null = null;
  let stopConnectionSchedules: (() => void) | null = null;
  return {
    config,
    store,
    bus,
    logger,
    xero,
    tokens,
    connections: auth.manager,
    reference,
    queue,
    settings,
    workers,
    writeBack: new WriteBackService(store, box),
    dispatcher,
    users: new UsersService(store, bus),
    organisations: new OrganisationsService(store, bus),
    apiTokens: new ApiTokensService(store, bus),
    webhooks,
    documents: new DocumentsService(store),
    reconciliation: new ReconciliationService(store, reconciler),
    connectionLog: new ConnectionLogReader(store, flushLog),
    system: new SystemService(store),
    webSessions: new WebSessionsService(store),
    bulkResults: new BulkResultsService(store),
    startWorkers: () => {
      workers.forEach((w) => w.start());
      dispatcher.start();
    },
    startSchedules() {
      stopSchedules ??= startSchedules(store, reference, logger, { retentionDays: config.logRetentionDays });
      stopReconcile ??= startReconcileSchedule(store, reconciler, logger, { everyHours: config.reconcile.everyHours, bus });
      stopConnectionSchedules ??= startConnectionSchedules(auth.manager, (err) => logger.error({ err }, 'Xero connection upkeep failed'));
    },
    async close(deadlineMs?: number) {
      stopSchedules?.();
      stopReconcile?.();
      stopConnectionSchedules?.();
      stopNotifications();
      const [handedBack] = await Promise.all([Promise.all(workers.map((w) => w.stop(deadlineMs))), dispatcher.stop()]);
      const n = handedBack.reduce((a, b) => a + b, 0);
      if (n > 0) logger.warn({ exports: n }, 'in-flight exports handed back: they are looked up in Xero before they are sent again');
      await webhooks.idle();
      await bus.settle();
      stopOperatorLog();
      await flushLog();
      await store.close();
    },
  };
}

function tokenSourceFor(config: Readonly<Config>): TokenSource {
  const { clientId, clientSecret } = config.xero;
  if (!clientId || !clientSecret) {
    return {
      accessToken: async () => ({ ok: false, reason: 'No Xero app is configured: set XERO_CLIENT_ID and XERO_CLIENT_SECRET, or connect in Settings', code: 'not_connected' }),
      invalidate: () => {},
    };
  }
  return new ClientCredentialsTokenSource({ identityUrl: config.xero.identityUrl, clientId, clientSecret, timeoutMs: config.xeroTimeoutMs });
}

/**
 * Reads the organisations this app may act for and records them; makes sure the start-up API token
 * (XPORT_API_TOKEN) exists, bound to the first organisation.
 */
export async function syncConnections(rt: Runtime): Promise<SyncResult> {
  // OAuth: organisations come from each stored consent; a custom connection reads /connections.
  const res = rt.connections.oauthEnabled ? await rt.connections.syncAll() : await syncCustomConnection(rt);
  if (!res.ok) return res;
  if (rt.config.apiToken) {
    const first = (await rt.store.tenants.list())[0];
    await rt.store.tokens.ensure({ value: rt.config.apiToken, tenantId: first?.id ?? null, name: 'XPORT_API_TOKEN' });
  }
  return res;
}

async function syncCustomConnection(rt: Runtime): Promise<SyncResult> {
  const res = await rt.xero.connections();
  if (!res.ok) return res;
  for (const t of res.tenants) await rt.store.tenants.upsert({ id: t.tenantId, name: t.tenantName, connectionId: t.id });
  return { ok: true, tenants: res.tenants.map((t) => ({ id: t.tenantId, name: t.tenantName })) };
}
