import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { openStore, type Store } from '../../src/db/store';
import { sqliteDatabase, type TestDatabase } from '../helpers/databases';

const run = promisify(execFile);
const BIN = path.resolve('bin/xport.js');

async function xport(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { env: { ...process.env, XPORT_LOG_LEVEL: 'silent', ...env }, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('the xport command', () => {
  let db: TestDatabase;
  let store: Store;
  let env: Record<string, string>;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xport-cli-'));

  before(async () => {
    db = sqliteDatabase();
    env = { XPORT_DATABASE_URL: db.url };
    store = await openStore(db.url);
    await store.tenants.upsert({ id: 'tenant-cli', name: 'CLI Org' });
  });
  after(async () => {
    await store.close();
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('--help lists every documented command (README, "The CLI")', async () => {
    const r = await xport(['--help'], env);
    for (const c of ['demo', 'serve', 'worker', 'sandbox', 'migrate', 'import', 'queue', 'failed', 'log', 'retry', 'skip', 'delete']) {
      assert.match(r.stdout, new RegExp(`\\b${c}\\b`), `missing ${c}`);
    }
  });

  test('a bad environment value stops with a message naming it (exit 2)', async () => {
    const r = await xport(['migrate'], { XPORT_DATABASE_URL: 'mysql://nope', XPORT_PORT: 'eighty' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /XPORT_DATABASE_URL: must be sqlite:PATH or postgres/);
    assert.match(r.stderr, /XPORT_PORT/);
  });

  test('migrate reports an up-to-date database', async () => {
    const r = await xport(['migrate'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /up to date|Applied/);
  });

  test('import reads JSON and CSV, queues the valid documents and reports the invalid ones', async () => {
    const json = path.join(dir, 'docs.json');
    fs.writeFileSync(
      json,
      JSON.stringify({
        documents: [
          { kind: 'customer', sourceId: 'CUST-7', name: 'Seven Ltd' },
          { kind: 'customer', sourceId: 'CUST-8' },
        ],
      }),
    );
    const csv = path.join(dir, 'invoices.csv');
    fs.writeFileSync(
      csv,
      [
        'kind,sourceId,date,contact,productCode,description,quantity,unitPrice,taxCode,account',
        'sales_invoice,SO-7001,2026-11-20,CUST-7,WIDGET,Widget,2,19.95,G.S.T.,sales',
        'sales_invoice,SO-7001,2026-11-20,CUST-7,BOLT,Bolt,10,0.35,G.S.T.,sales',
        'sales_invoice,SO-7002,2026-11-21,CUST-7,WIDGET,Widget,1,19.95,G.S.T.,sales',
      ].join('\n'),
    );
    const r = await xport(['import', json, csv], env);
    assert.equal(r.code, 4, 'exit 4 when some documents were invalid');
    assert.match(r.stdout, /Imported 3 new, 0 already known, 1 invalid/);
    assert.match(r.stderr, /docs\.json #2 \(CUST-8\): name: is required/);
    const rows = await store.exports.list({ tenantId: 'tenant-cli', statuses: ['queued'] });
    assert.deepEqual(rows.map((x) => x.sourceId).sort(), ['CUST-7', 'SO-7001', 'SO-7002']);
    const payload = JSON.parse(await store.exports.documentPayload(rows.find((x) => x.sourceId === 'SO-7001')?.documentId ?? 0)) as { lines: unknown[] };
    assert.equal(payload.lines.length, 2, 'CSV rows of one document become its lines');
    const again = await xport(['import', csv, '--json'], env);
    assert.equal((JSON.parse(again.stdout) as { duplicates: number }).duplicates, 2);
  });

  test('failed, retry, skip and delete act on failed exports and are logged with who did it', async () => {
    const rows = await store.exports.list({ tenantId: 'tenant-cli', statuses: ['queued'] });
    const [a, b, c] = rows;
    assert.ok(a && b && c);
    for (const r of [a, b, c])
      await store.exports.markFailed(r.id, { message: "Account code '999' is not a valid code for this document.", code: 'account_code_invalid', errorClass: 'validation', action: 'Fix the mapping' });
    const failed = await xport(['failed', '--json'], env);
    assert.equal((JSON.parse(failed.stdout) as { exports: unknown[] }).exports.length, 3);
    assert.equal((await xport(['retry', String(a.id)], env)).code, 0);
    assert.equal((await store.exports.get('tenant-cli', a.id))?.status, 'queued');
    assert.equal((await xport(['skip', String(b.id)], env)).code, 0);
    assert.equal((await store.exports.get('tenant-cli', b.id))?.status, 'skipped');
    assert.equal((await xport(['delete', '--all'], env)).code, 0);
    assert.equal(await store.exports.get('tenant-cli', c.id), null);
    assert.equal((await xport(['retry', '999999'], env)).code, 5);
    const log = await xport(['log', '--search', 'chose', '--json'], env);
    const entries = (JSON.parse(log.stdout) as { entries: Array<{ message: string; actor: string }> }).entries;
    assert.ok(entries.some((e) => /chose Skip/.test(e.message) && e.actor.startsWith('cli:')));
    assert.ok(entries.some((e) => /chose Delete/.test(e.message)));
  });
});
