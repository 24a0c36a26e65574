/**
 * How fast the web UI is with 100,000 failed exports: fills a temp SQLite database with
 * 100k failed exports (seven kinds, six errors), signs in over real HTTP and times the pages.
 *   node --import tsx bench/ui/failed-100k.ts [rows]
 * Prints the median and the slowest of 7 requests per page, in milliseconds.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRuntime } from '../../src/app/runtime';
import { loadConfig } from '../../src/config/config';
import { buildServer } from '../../src/web/server';

const ROWS = Number(process.argv[2] ?? 100_000);
const TENANT = { id: 'bench-tenant', name: 'Bench Ltd' };
const KINDS = ['sales_invoice', 'sales_credit', 'purchase_bill', 'supplier_credit', 'journal', 'customer', 'supplier'];
const ERRORS = [
  ['account_code_invalid', "Account code '200' is not a valid code for this document."],
  ['tax_code_unmapped', 'Tax code G.S.T. is not mapped to a Xero tax rate for sales.'],
  ['email_invalid', 'Email address must be valid.'],
  ['contact_archived', 'The contact is archived in Xero.'],
  ['period_lock_date', 'The document date cannot be before the period lock date.'],
  ['contact_name_exists', 'The contact name Acme is already assigned to another contact.'],
] as const;

async function fill(rt: Awaited<ReturnType<typeof createRuntime>>): Promise<void> {
  await rt.store.tenants.upsert(TENANT);
  const now = new Date().toISOString();
  for (let start = 0; start < ROWS; start += 2000) {
    const n = Math.min(2000, ROWS - start);
    const docs = Array.from({ length: n }, (_, i) => {
      const k = start + i;
      return {
        tenant_id: TENANT.id,
        kind: KINDS[k % KINDS.length] ?? 'sales_invoice',
        source_id: `SO-${String(k).padStart(6, '0')}`,
        revision: 1,
        payload: '{}',
        reference: `SO-${String(k).padStart(6, '0')}`,
        doc_date: '2026-11-20',
        total: '45.89',
        received_at: now,
      };
    });
    const ids = await rt.store.db.insertInto('documents').values(docs).returning('id').execute();
    await rt.store.db
      .insertInto('exports')
      .values(
        ids.map((d, i) => {
          const [code, message] = ERRORS[(start + i) % (start + i < ROWS - 50 ? 5 : ERRORS.length)] ?? ERRORS[0];
          return {
            tenant_id: TENANT.id,
            document_id: d.id,
            kind: docs[i]?.kind ?? 'sales_invoice',
            source_id: docs[i]?.source_id ?? '',
            revision: 1,
            status: 'failed',
            attempts: 1,
            next_attempt_at: now,
            last_error: message,
            error_code: code,
            error_class: 'validation',
            action_required: 'Fix it in Settings, then press Export.',
            needs_reconcile: 0,
            created_at: now,
            updated_at: now,
          };
        }),
      )
      .execute();
  }
}

async function signIn(url: string): Promise<string> {
  const page = await fetch(`${url}/login`);
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, username: 'admin', password: 'bench-password' }),
  });
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? cookie;
}

async function time(url: string, cookie: string): Promise<{ median: number; max: number; status: number }> {
  const ms: number[] = [];
  let status = 0;
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    const res = await fetch(url, { headers: { cookie } });
    await res.text();
    status = res.status;
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { median: Math.round(ms[3] ?? 0), max: Math.round(ms[6] ?? 0), status };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xport-bench-ui-'));
const rt = await createRuntime(loadConfig({ XPORT_DATABASE_URL: `sqlite:${path.join(dir, 'bench.db')}`, XPORT_ADMIN_PASSWORD: 'bench-password', XPORT_LOG_LEVEL: 'silent', XPORT_WORKERS: '0' }));
const t0 = performance.now();
await fill(rt);
console.log(`filled ${ROWS} failed exports in ${Math.round(performance.now() - t0)} ms`);
const app = await buildServer(rt);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const cookie = await signIn(url);
const middle = Math.floor(ROWS / 2);
const pages = [
  '/queue',
  `/queue?before=${middle}`,
  '/queue?kind=customer',
  '/queue?code=contact_name_exists',
  '/queue?q=SO-099999',
  '/queue?view=groups',
  '/documents',
  '/documents?problems=1&kind=journal',
  `/documents/${middle}`,
  '/log',
  '/settings',
];
console.log('| page | median ms | slowest ms |\n| --- | ---: | ---: |');
for (const p of pages) {
  const r = await time(`${url}${p}`, cookie);
  if (r.status !== 200) throw new Error(`${p} answered ${r.status}`);
  console.log(`| \`${p}\` | ${r.median} | ${r.max} |`);
}
const s0 = performance.now();
await rt.queue.status(TENANT.id);
console.log(`banner status (one SSE update): ${Math.round(performance.now() - s0)} ms`);
await app.close();
await rt.close();
fs.rmSync(dir, { recursive: true, force: true });
