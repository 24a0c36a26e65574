/**
 * `xport doctor` as a real process, against the sandbox and a real SQLite file: all is well (exit
 * 0), then one thing broken at a time, each named with its fix (exit 1): the configuration, the
 * database, the data folder's permissions, a clock minutes off Xero's (a real server whose Date
 * header is skewed), refused credentials, and scopes the engine needs missing.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { sandboxEnv } from '../helpers/sandbox-env';

const run = promisify(execFile);

async function doctor(env: Record<string, string>): Promise<{ code: number; out: string }> {
  try {
    const r = await run(process.execPath, [path.resolve('bin/xport.js'), 'doctor'], { env: { ...process.env, XPORT_LOG_LEVEL: 'silent', ...env }, timeout: 60_000 });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('xport doctor', () => {
  let sandbox: Sandbox;
  let dir: string;
  let env: Record<string, string>;
  let skewed: http.Server;
  let skewedUrl: string;
  before(async () => {
    sandbox = await startSandbox({ port: 0 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xport-doctor-'));
    fs.chmodSync(dir, 0o700);
    env = {
      XPORT_DATABASE_URL: `sqlite:${path.join(dir, 'xport.db')}`,
      ...sandboxEnv(sandbox),
      XPORT_SECRET_KEY: 'a'.repeat(64),
    };
    await run(process.execPath, [path.resolve('bin/xport.js'), 'migrate'], { env: { ...process.env, ...env } });
    for (const f of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, f), 0o600);
    // A real server whose clock is 10 minutes ahead, standing in for Xero's identity server.
    skewed = http.createServer((_req, res) => {
      res.writeHead(200, { date: new Date(Date.now() + 600_000).toUTCString(), 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((r) => skewed.listen(0, '127.0.0.1', () => r()));
    skewedUrl = `http://127.0.0.1:${(skewed.address() as { port: number }).port}`;
  });
  after(async () => {
    await sandbox?.close();
    await new Promise((r) => skewed?.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('all is well: exit 0, every check ok', { timeout: 60_000 }, async () => {
    const r = await doctor(env);
    assert.equal(r.code, 0, r.out);
    for (const check of ['configuration', 'database', 'permissions', 'clock', 'xero', 'scopes']) assert.match(r.out, new RegExp(`^ok +${check}:`, 'm'), `${check} ok\n${r.out}`);
    assert.match(r.out, /All is well/);
  });

  test('bad configuration', { timeout: 60_000 }, async () => {
    const r = await doctor({ ...env, XPORT_PORT: 'eighty' });
    assert.equal(r.code, 1);
    assert.match(r.out, /FAIL configuration: .*XPORT_PORT/);
  });

  test('no database at the path, and credentials refused', { timeout: 60_000 }, async () => {
    const r = await doctor({ ...env, XPORT_DATABASE_URL: `sqlite:${path.join(dir, 'missing.db')}`, XERO_CLIENT_SECRET: 'not-the-secret' });
    assert.equal(r.code, 1);
    assert.match(r.out, /FAIL database: .*does not exist\n\s+fix: /);
    assert.match(r.out, /FAIL xero: Xero refused the app's credentials/);
  });

  test('folder and database readable by others, a clock 10 minutes off, scopes missing', { timeout: 60_000 }, async () => {
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(path.join(dir, 'xport.db'), 0o644);
    try {
      const r = await doctor({
        ...env,
        XERO_IDENTITY_URL: skewedUrl,
        XERO_REDIRECT_URI: 'http://127.0.0.1:3000/settings/xero/callback',
        XERO_SCOPES: 'openid accounting.transactions accounting.settings',
      });
      assert.equal(r.code, 1);
      assert.match(r.out, new RegExp(`fix: chmod 700 ${dir}`));
      assert.match(r.out, new RegExp(`fix: chmod 600 ${path.join(dir, 'xport.db')}`));
      assert.match(r.out, /FAIL clock: this machine's clock is (599|600|601) s behind/);
      assert.match(r.out, /timedatectl set-ntp true/);
      assert.match(r.out, /FAIL scopes: XERO_SCOPES lacks the scope for contacts \(accounting\.contacts\)/);
      assert.match(r.out, /FAIL scopes: XERO_SCOPES lacks offline_access/);
    } finally {
      fs.chmodSync(dir, 0o700);
      fs.chmodSync(path.join(dir, 'xport.db'), 0o600);
    }
  });

  test('Xero unreachable', { timeout: 60_000 }, async () => {
    const gone = await doctor({ ...env, XERO_IDENTITY_URL: 'http://127.0.0.1:1' });
    assert.equal(gone.code, 1);
    assert.match(gone.out, /FAIL xero: http:\/\/127\.0\.0\.1:1 cannot be reached/);
  });
});
