/**
 * The UI test rig: a real xport (temp SQLite file, real HTTP server on a random port) and a real
 * headless Chromium driven by playwright-core. Data goes in through the store's repositories and the
 * queue service; failures are recorded with markFailed, so no Xero is needed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createRuntime, type Runtime } from '../../src/app/runtime';
import { loadConfig } from '../../src/config/config';
import { setUser } from '../../src/web/auth/users';
import { buildServer } from '../../src/web/server';

export const ADMIN_PASSWORD = 'correct-horse-battery';
export const VIEWER_PASSWORD = 'viewer-password-1';
export const TENANT = { id: '11111111-aaaa-4bbb-8ccc-000000000001', name: 'Demo Company (NZ)' };
export const TENANT2 = { id: '22222222-aaaa-4bbb-8ccc-000000000002', name: 'Second Shop Ltd' };
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

export interface Rig {
  rt: Runtime;
  app: FastifyInstance;
  url: string;
  browser: Browser;
  dir: string;
  close(): Promise<void>;
}

export async function startRig(o: { env?: Record<string, string> } = {}): Promise<Rig> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xport-ui-'));
  const config = loadConfig({ XPORT_DATABASE_URL: `sqlite:${path.join(dir, 'xport.db')}`, XPORT_ADMIN_PASSWORD: ADMIN_PASSWORD, XPORT_LOG_LEVEL: 'silent', XPORT_WORKERS: '0', ...o.env });
  const rt = await createRuntime(config);
  const app = await buildServer(rt);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  return {
    rt,
    app,
    url,
    browser,
    dir,
    async close() {
      await browser.close();
      await app.close();
      await rt.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function addViewer(rt: Runtime): Promise<void> {
  await setUser(rt, { username: 'viewer', password: VIEWER_PASSWORD, role: 'viewer' });
}

export async function login(rig: Rig, o: { username?: string; password?: string; width?: number; height?: number } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await rig.browser.newContext({ viewport: { width: o.width ?? 1280, height: o.height ?? 900 }, baseURL: rig.url });
  const page = await context.newPage();
  await page.goto('/login');
  await page.fill('input[name=username]', o.username ?? 'admin');
  await page.fill('input[name=password]', o.password ?? ADMIN_PASSWORD);
  await Promise.all([page.waitForURL(/\/queue/), page.click('button:has-text("Sign in")')]);
  return { context, page };
}

export const ACCOUNTS = [
  { AccountID: 'a-200', Code: '200', Name: 'Sales', Type: 'REVENUE', Status: 'ACTIVE', TaxType: 'OUTPUT2', Class: 'REVENUE' },
  { AccountID: 'a-201', Code: '201', Name: 'Sales - Wholesale', Type: 'REVENUE', Status: 'ACTIVE', TaxType: 'OUTPUT2', Class: 'REVENUE' },
  { AccountID: 'a-300', Code: '300', Name: 'Purchases', Type: 'DIRECTCOSTS', Status: 'ACTIVE', TaxType: 'INPUT2', Class: 'EXPENSE' },
  { AccountID: 'a-310', Code: '310', Name: 'Cost of Goods Sold', Type: 'DIRECTCOSTS', Status: 'ACTIVE', TaxType: 'INPUT2', Class: 'EXPENSE' },
  { AccountID: 'a-425', Code: '425', Name: 'Freight', Type: 'EXPENSE', Status: 'ARCHIVED', TaxType: 'INPUT2', Class: 'EXPENSE' },
  { AccountID: 'a-630', Code: '630', Name: 'Inventory', Type: 'INVENTORY', Status: 'ACTIVE', TaxType: 'NONE', Class: 'ASSET' },
  { AccountID: 'a-860', Code: '860', Name: 'Rounding', Type: 'CURRLIAB', Status: 'ACTIVE', TaxType: 'NONE', Class: 'LIABILITY' },
];
const rate = (TaxType: string, Name: string, EffectiveRate: number, side: 'sales' | 'purchases' | 'both') => ({
  TaxType,
  Name,
  Status: 'ACTIVE',
  EffectiveRate,
  CanApplyToRevenue: side !== 'purchases',
  CanApplyToExpenses: side !== 'sales',
  CanApplyToLiabilities: true,
  CanApplyToAssets: true,
  CanApplyToEquity: true,
});
export const TAX_RATES = [
  rate('OUTPUT2', 'GST on Income', 15, 'sales'),
  rate('INPUT2', 'GST on Expenses', 15, 'purchases'),
  rate('NONE', 'No GST', 0, 'both'),
  rate('ZERORATED', 'Zero Rated', 0, 'both'),
  rate('EXEMPTOUTPUT', 'Exempt Income', 0, 'sales'),
  rate('EXEMPTINPUT', 'Exempt Expenses', 0, 'purchases'),
];

export async function seedReference(rt: Runtime, tenantId: string): Promise<void> {
  await rt.store.reference.put(tenantId, 'accounts', ACCOUNTS);
  await rt.store.reference.put(tenantId, 'tax_rates', TAX_RATES);
  await rt.store.reference.put(tenantId, 'organisation', [{ Name: TENANT.name, CountryCode: 'NZ', BaseCurrency: 'NZD' }]);
  await rt.store.reference.put(tenantId, 'tracking_categories', [{ TrackingCategoryID: 't1', Name: 'Region', Status: 'ACTIVE', Options: [] }]);
  await rt.store.reference.put(tenantId, 'currencies', [{ Code: 'NZD' }]);
}

export function customer(sourceId: string, name: string) {
  return { kind: 'customer', sourceId, name, email: `${sourceId.toLowerCase()}@example.test`, currency: 'NZD' };
}

export function invoice(sourceId: string, contact: string, o: { kind?: string; date?: string; price?: string } = {}) {
  return {
    kind: o.kind ?? 'sales_invoice',
    sourceId,
    revision: 1,
    date: o.date ?? '2026-11-20',
    dueDate: '2026-12-20',
    contact,
    currency: 'NZD',
    amountsAre: 'exclusive',
    lines: [{ productCode: 'WIDGET', description: 'Widget', quantity: 2, unitPrice: o.price ?? '19.95', discountRate: 0, taxCode: 'G.S.T.', account: 'sales' }],
  };
}

/** Queues the documents and returns their export ids in order. */
export async function ingest(rt: Runtime, tenantId: string, docs: unknown[]): Promise<number[]> {
  const res = await rt.queue.ingest(tenantId, { documents: docs });
  if (!res.ok) throw new Error(JSON.stringify(res.issues));
  return res.documents.map((d) => d.exportId ?? 0);
}

export const ACCOUNT_FAILURE = {
  message: "Account code '425' is not a valid code for this document.",
  code: 'account_code_invalid' as const,
  errorClass: 'validation',
  action: "Open Settings → Account mappings in xport and map the role that uses '425' to an active Xero account; then press Export on this row.",
};
export const EMAIL_FAILURE = { message: 'Email address must be valid.', code: 'email_invalid', errorClass: 'validation', action: 'Give the contact one valid email address.' };

export async function fail(rt: Runtime, ids: number[], f: { message: string; code: string; errorClass: string; action: string } = ACCOUNT_FAILURE): Promise<void> {
  for (const id of ids) await rt.store.exports.markFailed(id, f);
}

export interface Seeded {
  customerIds: number[];
  failedAccount: number[];
  failedEmail: number;
  xss: number;
  queued: number[];
  exported: number;
}

/** A small realistic data set: failures of two kinds, an XSS attempt, queued and exported items, log entries. */
export async function seedDemo(rt: Runtime): Promise<Seeded> {
  await rt.store.tenants.upsert(TENANT);
  await rt.store.tenants.upsert(TENANT2);
  await seedReference(rt, TENANT.id);
  const customerIds = await ingest(rt, TENANT.id, [customer('CUST-001', 'Acme Ltd'), customer('CUST-002', 'Bad Email Co'), customer('CUST-003', 'Evil <script>window.__xss=1</script> Ltd')]);
  const invoices = await ingest(rt, TENANT.id, [
    invoice('SO-1001', 'CUST-001'),
    invoice('SO-1002', 'CUST-001', { date: '2026-10-05' }),
    invoice('SO-1003', 'CUST-001'),
    invoice('PB-2001', 'SUP-1', { kind: 'purchase_bill', date: '2026-09-01' }),
    invoice('SO-1004', 'CUST-001'),
    invoice('SO-1005', 'CUST-001'),
    invoice('SO-1006', 'CUST-001'),
  ]);
  const [a, b, c, d, e, f, g] = invoices as [number, number, number, number, number, number, number];
  await fail(rt, [a, b, c, d]);
  const failedEmail = customerIds[1] ?? 0;
  await fail(rt, [failedEmail], EMAIL_FAILURE);
  const xss = customerIds[2] ?? 0;
  await fail(rt, [xss], { message: 'Xero said <script>window.__xss=1</script><img src=x onerror="window.__xss=2">', code: 'xero_validation_error', errorClass: 'validation', action: 'Fix <b>it</b>' });
  await rt.store.exports.markExported(g, { xeroId: '9b2f1a7e-0000-4000-8000-000000000001', xeroNumber: 'SO-1006', xeroTotal: '45.89' });
  await rt.store.exports.setWaiting(f, 'waiting for customer CUST-009 (not exported yet)', 'contact:customer:CUST-009');
  await rt.store.log.append([
    {
      tenantId: TENANT.id,
      level: 'error',
      event: 'export.failed',
      exportId: a,
      documentRef: 'SO-1001',
      message: `SO-1001: ${ACCOUNT_FAILURE.message}`,
      details: { code: 'account_code_invalid', correlationId: 'corr-123', httpStatus: 400, access_token: 'SECRET-TOKEN-VALUE' },
    },
    {
      tenantId: TENANT.id,
      level: 'info',
      event: 'xero.call',
      message: 'Invoices: 50 elements sent, HTTP 200 in 812 ms',
      details: { endpoint: 'Invoices', durationMs: 812, correlationId: 'corr-456', limits: { dayRemaining: 4950, minuteRemaining: 58 } },
    },
    {
      tenantId: TENANT.id,
      level: 'info',
      event: 'export.exported',
      exportId: g,
      documentRef: 'SO-1006',
      message: 'SO-1006 exported to Xero',
      details: { xeroId: '9b2f1a7e-0000-4000-8000-000000000001', limits: { dayRemaining: 4950, minuteRemaining: 58 } },
    },
  ]);
  return { customerIds: customerIds.slice(0, 1), failedAccount: [a, b, c, d], failedEmail, xss, queued: [e], exported: g };
}

export async function statusOf(rt: Runtime, id: number): Promise<string | null> {
  return (await rt.store.exports.get(TENANT.id, id))?.status ?? null;
}
