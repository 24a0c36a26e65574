/**
 * `xport demo` / `npm start`: a Xero sandbox, the engine and the web UI on 127.0.0.1, an SQLite
 * database under the data folder, and the demo feed flowing — every seed failure included.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config';
import { createRuntime, syncConnections, type Runtime } from '../app/runtime';
import { parseDocumentsRequest } from '../domain/documents';
import { startSandbox, type Sandbox } from '../sandbox/index';
import { ensurePrivateDir, writePrivateFile } from '../security/file-modes';
import { buildServer } from '../web/server';
import { ARCHIVED_SUPPLIER, billForArchivedSupplier, everydayDocuments, seedFailureDocuments } from './feed';
import { prepareSandboxForDemo } from './sandbox-setup';

export interface DemoOptions {
  port: number;
  sandboxPort: number;
  dataDir: string;
  base: Readonly<Config>;
  /** Start feeding documents (tests turn this off to feed their own). Default true. */
  feed?: boolean;
}

export interface Demo {
  url: string;
  sandbox: Sandbox;
  runtime: Runtime;
  apiToken: string;
  adminPassword: string;
  banner: string;
  close(): Promise<void>;
}

function persistentSecret(dataDir: string, name: string, make: () => string): string {
  const file = path.join(dataDir, name);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const value = make();
  writePrivateFile(file, `${value}\n`);
  return value;
}

export async function startDemo(o: DemoOptions): Promise<Demo> {
  ensurePrivateDir(o.dataDir);
  const sandbox = await startSandbox({ port: o.sandboxPort, host: '127.0.0.1' });
  const apiToken = o.base.apiToken ?? persistentSecret(o.dataDir, 'demo-api-token', () => `xpt_demo_${crypto.randomBytes(12).toString('hex')}`);
  const adminPassword = o.base.adminPassword ?? persistentSecret(o.dataDir, 'demo-admin-password', () => crypto.randomBytes(9).toString('base64url'));
  const config: Config = {
    ...o.base,
    databaseUrl: o.base.databaseUrl === 'sqlite:./data/xport.db' ? `sqlite:${path.join(o.dataDir, 'xport.db')}` : o.base.databaseUrl,
    host: '127.0.0.1',
    port: o.port,
    dataDir: o.dataDir,
    apiToken,
    adminPassword,
    workers: Math.max(1, o.base.workers),
    xero: { ...o.base.xero, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret, apiUrl: sandbox.url, identityUrl: sandbox.url, loginUrl: sandbox.url },
  };
  const runtime = await createRuntime(Object.freeze(config));
  const synced = await syncConnections(runtime);
  if (!synced.ok) throw new Error(`The demo could not connect to its sandbox: ${synced.reason}`);
  const app = await buildServer(runtime);
  await app.listen({ host: '127.0.0.1', port: o.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  const url = `http://127.0.0.1:${port}`;
  runtime.startWorkers();
  runtime.startSchedules();

  if (o.feed !== false) void runFeed(runtime, sandbox).catch((err: unknown) => runtime.logger.error({ err }, 'demo feed failed'));

  const tenants = await runtime.store.tenants.list();
  const banner = [
    'xport demo is running',
    `  Web UI:        ${url}/queue`,
    // A password the person chose is theirs: never echoed to a terminal (or a log that captures it).
    `  Login:         admin / ${o.base.adminPassword ? '(the password in XPORT_ADMIN_PASSWORD)' : adminPassword}`,
    `  API:           ${url}/api/v1 (reference: ${url}/api/docs, OpenAPI: ${url}/api/v1/openapi.json)`,
    `  API token:     ${apiToken}`,
    `  Xero sandbox:  ${sandbox.url} (client id ${sandbox.clientId}, secret ${sandbox.clientSecret})`,
    `  Organisations: ${tenants.map((t) => `${t.name} (${t.id})`).join(', ')}`,
    `  Data:          ${o.dataDir}`,
    '',
    `Try: curl -s ${url}/api/v1/status -H "authorization: Bearer ${apiToken}"`,
  ].join('\n');
  return {
    url,
    sandbox,
    runtime,
    apiToken,
    adminPassword,
    banner,
    async close() {
      await app.close();
      await runtime.close();
      await sandbox.close();
    },
  };
}

async function ingest(rt: Runtime, tenantId: string, docs: unknown[]): Promise<void> {
  const parsed = parseDocumentsRequest({ documents: docs });
  if (!parsed.ok) throw new Error(`demo feed is invalid: ${parsed.issues.map((i) => i.message).join('; ')}`);
  await rt.queue.ingestParsed(tenantId, parsed.documents);
}

/** Feeds the first organisation; waits for the archived-supplier scenario to be set up in order. */
async function runFeed(rt: Runtime, sandbox: Sandbox): Promise<void> {
  const tenant = (await rt.store.tenants.list())[0];
  if (!tenant) return;
  const prepared = await prepareSandboxForDemo(rt, sandbox, tenant.id);
  await ingest(rt, tenant.id, everydayDocuments());
  await ingest(rt, tenant.id, seedFailureDocuments(prepared));
  await ingest(rt, tenant.id, [ARCHIVED_SUPPLIER]);
  const supplierLinked = await waitFor(async () => (await rt.store.contacts.get(tenant.id, 'supplier', 'SUP-080')) !== null, 60_000);
  if (supplierLinked) {
    await prepared.archiveContact('Old Mill Packaging');
    await ingest(rt, tenant.id, [billForArchivedSupplier()]);
  }
  await dailyLimitScenario(rt, sandbox);
  await trickle(rt, tenant.id);
}

/**
 * Seed row "daily rate limit": the second organisation's next call meets Xero's day limit. xport
 * pauses that organisation until the window resets (the banner says so) instead of failing anything.
 */
async function dailyLimitScenario(rt: Runtime, sandbox: Sandbox): Promise<void> {
  const second = (await rt.store.tenants.list())[1];
  if (!second) return;
  await fetch(`${sandbox.url}/_sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'rate429', problem: 'day', retryAfter: 3 * 3600, count: 1, match: { tenantId: second.id } }),
  });
  await ingest(
    rt,
    second.id,
    everydayDocuments()
      .filter((d) => d.kind === 'customer')
      .slice(0, 3),
  );
}

/** A new sales order every 20 seconds, so the queue visibly moves while someone watches. */
async function trickle(rt: Runtime, tenantId: string): Promise<void> {
  for (let n = 1; rt.workers.some((w) => w.isRunning()); n += 1) {
    await new Promise((r) => setTimeout(r, 20_000));
    const doc = everydayDocuments().find((d) => d.kind === 'sales_invoice');
    if (doc && doc.kind === 'sales_invoice') await ingest(rt, tenantId, [{ ...doc, sourceId: `SO-${String(2000 + n).padStart(5, '0')}`, date: new Date().toISOString().slice(0, 10) }]);
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}
