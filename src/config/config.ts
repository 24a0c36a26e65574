/**
 * Configuration, parsed once from the environment at the entry points (CLI) and passed inward
 * frozen. Nothing below src/cli reads process.env (eslint enforces it).
 */
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';

const XERO_API_URL = 'https://api.xero.com';
const XERO_IDENTITY_URL = 'https://identity.xero.com';
const XERO_LOGIN_URL = 'https://login.xero.com';
/** Granular scopes are the default for Xero apps created since March 2026 (docs/xero.md#scopes). */
export const DEFAULT_XERO_SCOPES = 'openid profile email offline_access accounting.invoices accounting.manualjournals accounting.contacts accounting.settings.read';

const databaseUrl = z.string().refine((v) => v.startsWith('sqlite:') || v.startsWith('postgres://') || v.startsWith('postgresql://'), {
  message: 'must be sqlite:PATH or postgres://…',
});
const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).transform((v) => v.replace(/\/+$/, ''));
const port = z.coerce.number().int().min(0).max(65535);
const optionalText = z.string().min(1).optional();

/** An IP address or a CIDR range (`10.0.0.0/8`, `fd00::/8`). */
function isAddressOrCidr(v: string): boolean {
  const [address = '', bits, ...rest] = v.split('/');
  const family = net.isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/** fastify's trustProxy: `true`/`false`, a hop count, or a comma list of addresses and CIDR ranges. */
const trustProxy = z
  .string()
  .trim()
  .transform((v, ctx): boolean | number | string[] => {
    if (v === 'true' || v === 'false') return v === 'true';
    if (/^\d+$/.test(v)) return Number(v);
    const list = v
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    const bad = list.filter((a) => !isAddressOrCidr(a));
    if (list.length === 0 || bad.length > 0) {
      ctx.addIssue({ code: 'custom', message: `must be true, false, a hop count, or a comma list of IP addresses/CIDR ranges (not ${bad.join(', ') || 'empty'})` });
      return z.NEVER;
    }
    return list;
  });

const envSchema = z.object({
  XPORT_DATABASE_URL: databaseUrl.default('sqlite:./data/xport.db'),
  XPORT_HOST: z.string().min(1).default('127.0.0.1'),
  XPORT_PORT: port.default(3000),
  XPORT_DATA_DIR: z.string().min(1).optional(),
  XPORT_TRUST_PROXY: trustProxy.default(false),
  XPORT_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  XPORT_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  XPORT_METRICS_PORT: port.optional(),
  XPORT_SECRET_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$|^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes as 64 hex characters or base64')
    .optional(),
  XPORT_API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  XPORT_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  XPORT_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  XPORT_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
  XPORT_WORKERS: z.coerce.number().int().min(0).max(64).default(1),
  XPORT_XERO_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
  XPORT_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  XPORT_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(120_000),
  XPORT_BATCH_SIZE: z.coerce.number().int().min(1).max(50).default(50),
  XPORT_CONTACT_WAIT_HOURS: z.coerce.number().positive().max(8760).default(6),
  XPORT_CLIENT_LIMITS: z.enum(['on', 'off']).default('on'),
  XPORT_SHUTDOWN_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  XPORT_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  XPORT_RECONCILE_EVERY_HOURS: z.coerce.number().min(0).max(8760).default(24),
  XPORT_RECONCILE_BUDGET_SHARE: z.coerce.number().min(0).max(1).default(0.1),
  XPORT_XERO_DAILY_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(5000),
  XERO_CLIENT_ID: optionalText,
  XERO_CLIENT_SECRET: optionalText,
  XERO_REDIRECT_URI: httpUrl.optional(),
  XERO_SCOPES: z.string().min(1).default(DEFAULT_XERO_SCOPES),
  XERO_API_URL: httpUrl.default(XERO_API_URL),
  XERO_IDENTITY_URL: httpUrl.default(XERO_IDENTITY_URL),
  XERO_LOGIN_URL: httpUrl.default(XERO_LOGIN_URL),
  XERO_WEBHOOK_KEY: optionalText,
  XPORT_NOTIFY_WEBHOOK_URL: httpUrl.optional(),
  XPORT_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/]+/, 'must be smtp://[user:pass@]host[:port] or smtps://…')
    .optional(),
  XPORT_NOTIFY_EMAIL: z
    .string()
    .regex(/^[^\s@,]+@[^\s@,]+$/, 'must be one email address')
    .optional(),
  XPORT_NOTIFY_FROM: z
    .string()
    .regex(/^[^\s@,]+@[^\s@,]+$/, 'must be one email address')
    .default('xport@localhost'),
  XPORT_NOTIFY_DIGEST_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
});

/** Every variable xport reads (the compose file and .env.example are checked against it). */
export const ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

export interface Config {
  databaseUrl: string;
  host: string;
  port: number;
  /** Folder for the generated secret key and the default SQLite file. */
  dataDir: string;
  /**
   * Which peers' X-Forwarded-* headers to believe (fastify's trustProxy): only then does a request
   * count as HTTPS from `X-Forwarded-Proto`, which makes cookies Secure and sends HSTS. Default false.
   */
  trustProxy: boolean | number | string[];
  /** /metrics: a Bearer token it requires, and/or a separate listener that serves it; without either it answers 401. */
  metrics: { token: string | undefined; host: string; port: number | undefined };
  secretKey: string | undefined;
  apiToken: string | undefined;
  adminPassword: string | undefined;
  logLevel: z.infer<typeof envSchema>['XPORT_LOG_LEVEL'];
  logRetentionDays: number;
  /** Export worker loops run inside `serve` (0 = API and UI only). */
  workers: number;
  xeroTimeoutMs: number;
  /** How long a write-back webhook receiver has to answer (XPORT_WEBHOOK_TIMEOUT_MS, default 10 s). */
  webhookTimeoutMs: number;
  pollMs: number;
  /** How long a worker's claim on an export lasts before another worker may take it over. */
  leaseMs: number;
  /** Elements per Xero call (at most 50). */
  batchSize: number;
  /** How long a document waits for a contact that xport never receives before it fails (ms). */
  contactWaitMs: number;
  /** Keep Xero's limits on our side (off only for benchmarks against a sandbox with its limits off). */
  clientLimits: boolean;
  /** How long SIGTERM/SIGINT waits for in-flight batches before handing them back. Default 10 s. */
  shutdownMs: number;
  /** Reconciliation with Xero (docs/reconciliation.md). */
  reconcile: {
    /** Hours between scheduled runs per organisation; 0: on demand only. Default 24. */
    everyHours: number;
    /** Share of the organisation's daily Xero calls reconciliation may use. Default 0.1. */
    budgetShare: number;
    /** The organisation's daily Xero call limit (1,000 on the Starter tier). Default 5000. */
    dailyLimit: number;
  };
  xero: {
    clientId: string | undefined;
    clientSecret: string | undefined;
    redirectUri: string | undefined;
    scopes: string;
    apiUrl: string;
    identityUrl: string;
    loginUrl: string;
    /** Signing key of the Xero app's webhooks (x-xero-signature); webhooks are refused (401) without it. */
    webhookKey: string | undefined;
  };
  /** Notifications of new failures (a digest) and lost connections. */
  notify: {
    webhookUrl: string | undefined;
    smtpUrl: string | undefined;
    email: string | undefined;
    from: string;
    /** At most one failure digest per this many minutes. Default 15. */
    digestMinutes: number;
  };
}

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>, overrides: Partial<Config> = {}): Readonly<Config> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.XPORT_LEASE_MS <= e.XPORT_XERO_TIMEOUT_MS) {
    // A claim that expires while its call may still be running could let a second worker send it too.
    throw new ConfigError(`Invalid configuration:\n  XPORT_LEASE_MS: must be longer than XPORT_XERO_TIMEOUT_MS (${e.XPORT_XERO_TIMEOUT_MS})`);
  }
  const dataDir = e.XPORT_DATA_DIR ?? defaultDataDir(e.XPORT_DATABASE_URL);
  const config: Config = {
    databaseUrl: e.XPORT_DATABASE_URL,
    host: e.XPORT_HOST,
    port: e.XPORT_PORT,
    dataDir,
    trustProxy: e.XPORT_TRUST_PROXY,
    metrics: { token: e.XPORT_METRICS_TOKEN, host: e.XPORT_METRICS_HOST, port: e.XPORT_METRICS_PORT },
    secretKey: e.XPORT_SECRET_KEY,
    apiToken: e.XPORT_API_TOKEN,
    adminPassword: e.XPORT_ADMIN_PASSWORD,
    logLevel: e.XPORT_LOG_LEVEL,
    logRetentionDays: e.XPORT_LOG_RETENTION_DAYS,
    workers: e.XPORT_WORKERS,
    xeroTimeoutMs: e.XPORT_XERO_TIMEOUT_MS,
    webhookTimeoutMs: e.XPORT_WEBHOOK_TIMEOUT_MS,
    pollMs: e.XPORT_POLL_MS,
    leaseMs: e.XPORT_LEASE_MS,
    batchSize: e.XPORT_BATCH_SIZE,
    contactWaitMs: Math.round(e.XPORT_CONTACT_WAIT_HOURS * 3_600_000),
    clientLimits: e.XPORT_CLIENT_LIMITS === 'on',
    shutdownMs: e.XPORT_SHUTDOWN_MS,
    reconcile: { everyHours: e.XPORT_RECONCILE_EVERY_HOURS, budgetShare: e.XPORT_RECONCILE_BUDGET_SHARE, dailyLimit: e.XPORT_XERO_DAILY_LIMIT },
    xero: {
      clientId: e.XERO_CLIENT_ID,
      clientSecret: e.XERO_CLIENT_SECRET,
      redirectUri: e.XERO_REDIRECT_URI,
      scopes: e.XERO_SCOPES,
      apiUrl: e.XERO_API_URL,
      identityUrl: e.XERO_IDENTITY_URL,
      loginUrl: e.XERO_LOGIN_URL,
      webhookKey: e.XERO_WEBHOOK_KEY,
    },
    notify: {
      webhookUrl: e.XPORT_NOTIFY_WEBHOOK_URL,
      smtpUrl: e.XPORT_SMTP_URL,
      email: e.XPORT_NOTIFY_EMAIL,
      from: e.XPORT_NOTIFY_FROM,
      digestMinutes: e.XPORT_NOTIFY_DIGEST_MINUTES,
    },
    ...overrides,
  };
  return Object.freeze(config);
}

function defaultDataDir(databaseUrl: string): string {
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    if (file !== ':memory:') return path.dirname(path.resolve(file));
  }
  return path.resolve('data');
}
