/**
 * The Xero sandbox: a stateful, in-memory stand-in for Xero's Accounting API and identity server
 * (see docs/sandbox.md). `startSandbox` is what xport's tests, demo and CLI use.
 */
import { SandboxClock } from './clock';
import type { SandboxContext } from './context';
import { FaultInjector } from './http/faults';
import { IdempotencyCache } from './http/idempotency';
import { Journal } from './http/journal';
import { buildServer } from './http/server';
import { AppRegistry } from './identity/apps';
import { AuthCodes } from './identity/codes';
import { GrantStore } from './identity/grants';
import { RateLimiter } from './limits/limiter';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_LIMITS, type SandboxLimits, type SandboxOptions } from './options';
import { SandboxStore } from './state/store';
import { WebhookHub } from './webhooks/hub';

export type { SandboxLimits, SandboxOptions } from './options';
export { DEFAULT_LIMITS } from './options';
export { DEMO_ORGS } from './state/seed';
export type { FaultRule } from './http/faults';
export type { JournalEntry } from './http/journal';

export interface Sandbox {
  /** e.g. http://127.0.0.1:3100 (no trailing slash). */
  url: string;
  clientId: string;
  clientSecret: string;
  /** The seeded demo organisations. */
  tenants: Array<{ tenantId: string; name: string }>;
  close(): Promise<void>;
}

function createContext(o: SandboxOptions, baseUrl: () => string): SandboxContext {
  const clock = new SandboxClock();
  const now = () => clock.now();
  const clientId = o.clientId ?? DEFAULT_CLIENT_ID;
  const limits: SandboxLimits = { ...DEFAULT_LIMITS, ...o.limits };
  return {
    clock,
    store: new SandboxStore(now),
    apps: new AppRegistry({ clientId, clientSecret: o.clientSecret ?? DEFAULT_CLIENT_SECRET, name: 'xport (sandbox demo app)', redirectUris: [] }),
    grants: new GrantStore(now, baseUrl),
    codes: new AuthCodes(now),
    limiter: new RateLimiter(limits, now),
    journal: new Journal(),
    idempotency: new IdempotencyCache(now),
    faults: new FaultInjector(),
    webhooks: new WebhookHub({ now, baseUrl }),
    baseUrl,
    demoClientId: clientId,
  };
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  let url = '';
  const ctx = createContext(options, () => url);
  const app = buildServer(ctx, options.logger ?? false);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 3100 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 3100);
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const app0 = ctx.apps.get(ctx.demoClientId);
  return {
    url,
    clientId: ctx.demoClientId,
    clientSecret: app0?.clientSecret ?? '',
    tenants: ctx.store.list(),
    async close() {
      ctx.webhooks.close();
      await app.close();
    },
  };
}

export interface SandboxCliOptions {
  port?: number;
  host?: string;
  clientId?: string;
  clientSecret?: string;
  print?: (line: string) => void;
}

/** `xport sandbox`: starts the sandbox, prints how to use it, and stops it on SIGINT/SIGTERM. */
export async function runSandboxCli(opts: SandboxCliOptions = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({ port: opts.port, host: opts.host, clientId: opts.clientId, clientSecret: opts.clientSecret });
  const print = opts.print ?? ((line: string) => console.log(line));
  print(`Xero sandbox listening on ${sandbox.url}`);
  print(`  XERO_API_URL = XERO_IDENTITY_URL = XERO_LOGIN_URL = ${sandbox.url}`);
  print(`  client id:     ${sandbox.clientId}`);
  print(`  client secret: ${sandbox.clientSecret}`);
  print('  demo organisations (xero-tenant-id):');
  for (const t of sandbox.tenants) print(`    ${t.tenantId}  ${t.name}`);
  print(`  controls: ${sandbox.url}/_sandbox/… (see docs/sandbox.md)`);
  const stop = () => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return sandbox;
}
