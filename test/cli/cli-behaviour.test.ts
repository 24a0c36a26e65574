/**
 * The CLI as its README says: it reads the demo's database (and says so) rather than creating an
 * empty one; `| head` ends quietly; exit codes (bad id 2, nothing changed 5, missing file 2 naming
 * it); `--json` in the API's camelCase shapes, its Xero links through the organisation's short code; local times; CSV problems name their line.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { openStore, type Store } from '../../src/db/store';
import { exportViewer } from '../../src/web/api/routes';

const run = promisify(execFile);
const BIN = path.resolve('bin/xport.js');

async function xport(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const base: Record<string, string | undefined> = { ...process.env, XPORT_LOG_LEVEL: 'silent', TZ: 'Pacific/Auckland', ...env };
  if (!env.XPORT_DATABASE_URL) delete base.XPORT_DATABASE_URL;
  try {
    const r = await run(process.execPath, [BIN, ...args], { cwd, env: base, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('the CLI reads the right database and answers as documented', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xport-cli16-'));
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'xport-cli16-empty-'));
  let store: Store;
  let failedId = 0;
  before(async () => {
    fs.mkdirSync(path.join(dir, 'data', 'demo'), { recursive: true });
    store = await openStore(`sqlite:${path.join(dir, 'data', 'demo', 'xport.db')}`);
    await store.tenants.upsert({ id: 'tenant-demo', name: 'Demo Org' });
    const docs = Array.from({ length: 300 }, (_, i) => ({
      kind: 'customer',
      sourceId: `C-${i}`,
      revision: 1,
      payload: JSON.stringify({ kind: 'customer', sourceId: `C-${i}`, name: `C ${i}` }),
      reference: `C ${i}`,
      docDate: null,
      total: null,
      contentHash: `customer:C-${i}`,
    }));
    const out = await store.exports.ingest('tenant-demo', docs, { hashStored: (p) => p });
    if (!out.ok) throw new Error('unexpected revision conflict');
    failedId = out.results[0]?.exportId ?? 0;
    await store.exports.markFailed(failedId, { message: 'Email address must be valid.', code: 'email_invalid', errorClass: 'validation', action: 'Fix it' });
    // An update of a contact already in Xero that failed: its link opens it, in its organisation (the cached short code).
    await store.exports.setXeroId(failedId, '5a1f0c9e-0000-4000-8000-000000000001');
    await store.reference.put('tenant-demo', 'organisation', [{ Name: 'Demo Org', ShortCode: '!dEm0' }]);
    await store.log.append(Array.from({ length: 400 }, (_, i) => ({ tenantId: 'tenant-demo', level: 'info' as const, event: 'documents.ingested', message: `entry ${i}` })));
  });
  after(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(empty, { recursive: true, force: true });
  });

  test("finds the demo's database and says so; never creates an empty one", async () => {
    const r = await xport(['failed'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Reading sqlite:\.\/data\/demo\/xport\.db, the demo's database/);
    assert.match(r.stdout, /C 0/);
    const none = await xport(['failed'], empty);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /No xport database here: looked for .*data\/xport\.db and .*data\/demo\/xport\.db/);
    assert.equal(fs.existsSync(path.join(empty, 'data')), false, 'no database was created');
    const missing = await xport(['queue'], empty, { XPORT_DATABASE_URL: `sqlite:${path.join(empty, 'nope.db')}` });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /No xport database at .*nope\.db/);
  });

  test('exit codes: bad id 2, nothing changed 5, missing file 2 with its name', async () => {
    const bad = await xport(['retry', 'abc'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /"abc" is not an export id/);
    assert.equal((await xport(['retry', '999999'], dir)).code, 5);
    const file = await xport(['import', 'no-such-file.json'], dir);
    assert.equal(file.code, 2);
    assert.match(file.stderr, /No such file: no-such-file\.json/);
  });

  test('--json has the API shape (camelCase); tables show local times', async () => {
    const r = await xport(['failed', '--json'], dir);
    const body = JSON.parse(r.stdout) as { exports: Array<Record<string, unknown>>; nextCursor: null };
    const row = (await store.exports.list({ tenantId: 'tenant-demo', statuses: ['failed'] }))[0];
    assert.ok(row);
    assert.deepEqual(body.exports[0], JSON.parse(JSON.stringify(exportViewer('!dEm0')(row))));
    assert.equal(body.exports[0]?.xeroUrl, 'https://go.xero.com/organisationlogin/default.aspx?shortcode=!dEm0&redirecturl=%2FContacts%2FView%2F5a1f0c9e-0000-4000-8000-000000000001');
    assert.ok(
      Object.keys(body.exports[0] ?? {}).every((k) => !k.includes('_')),
      'camelCase keys only',
    );
    const table = await xport(['log', '--limit', '1'], dir);
    const at = (await store.log.search({ tenantId: 'tenant-demo', limit: 1 })).entries[0]?.at ?? '';
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Pacific/Auckland', hour: 'numeric', minute: '2-digit', hourCycle: 'h12' }).format(new Date(at)).toLowerCase();
    assert.ok(table.stdout.includes(local), `${table.stdout} has ${local}`);
    assert.doesNotMatch(table.stdout, /\d{4}-\d{2}-\d{2}T/);
  });

  test('`| head` ends quietly, without an EPIPE stack', async () => {
    const child = spawn(process.execPath, [BIN, 'log', '--limit', '500'], { cwd: dir, env: { ...process.env, XPORT_LOG_LEVEL: 'silent', XPORT_DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    await new Promise<void>((resolve) =>
      child.stdout.once('data', () => {
        child.stdout.destroy();
        resolve();
      }),
    );
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.doesNotMatch(stderr, /EPIPE|at .*\.js:\d+/);
    assert.equal(code, 0);
  });

  test('CSV problems name the line', async () => {
    const csv = path.join(dir, 'bad.csv');
    fs.writeFileSync(
      csv,
      [
        'kind,sourceId,date,contact,productCode,description,quantity,unitPrice,taxCode,account',
        'sales_invoice,SO-1,2026-11-20,C-1,W,Widget,2,19.95,G.S.T.,sales',
        'sales_invoice,SO-2,2026-11-20,C-1,W,Widget,1,19.95,G.S.T.,sales',
        'sales_invoice,SO-2,2026-11-20,C-1,W,Widget,1,lots,G.S.T.,sales',
      ].join('\n'),
    );
    const r = await xport(['import', csv], dir);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /bad\.csv line 4 \(SO-2\): .*unitPrice/);
  });
});
