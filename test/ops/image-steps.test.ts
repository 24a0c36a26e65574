/**
 * The Dockerfile's own steps, run on a clean copy of the project (no container daemon here): the
 * build stage installs, builds and prunes; the runtime stage gets only what it copies; the server
 * starts from it as a non-root user (nobody, uid 65534) with its data in the volume folder, and the image's
 * HEALTHCHECK command reports it healthy; SIGTERM stops it with exit 0.
 *
 * By default `npm ci` runs offline from the local npm cache with --ignore-scripts, and the native
 * SQLite addon is taken from this checkout's node_modules (same Node ABI): compiling it takes over a
 * minute on CI's shared cores. XPORT_IMAGE_TEST=full runs `npm ci` exactly as the Dockerfile says.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, describe, test } from 'node:test';
import { buildContext, mapPaths, parseDockerfile, runDockerfile } from './dockerfile';
import { freePort } from '../helpers/processes';

/** The user the processes run as (nobody: not root, owns nothing). */
const NOBODY = 65534;
const FULL = process.env.XPORT_IMAGE_TEST === 'full';
const run = promisify(execFile);

describe(`the Dockerfile's steps on a clean copy (${FULL ? 'full npm ci' : 'offline npm ci, prebuilt addon'})`, () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'xport-image-'));
  fs.chmodSync(base, 0o755);
  after(() => fs.rmSync(base, { recursive: true, force: true }));

  test('install, build, prune; the runtime stage serves as nobody and is healthy', { timeout: 300_000 }, async () => {
    const context = path.join(base, 'context');
    buildContext(path.resolve('.'), context);
    assert.ok(!fs.existsSync(path.join(context, 'node_modules')) && !fs.existsSync(path.join(context, 'dist')), 'a clean copy');
    const stages = runDockerfile(parseDockerfile(fs.readFileSync('Dockerfile', 'utf8')), {
      context,
      out: path.join(base, 'stages'),
      env: { npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' },
      rewriteRun: (cmd) => (FULL ? cmd : cmd.replace(/\bnpm ci\b/, 'npm ci --offline --ignore-scripts')),
      afterRun: (cmd, stage) => {
        if (FULL || !/\bnpm ci\b/.test(cmd)) return;
        const addon = path.join('node_modules', 'better-sqlite3', 'build');
        fs.cpSync(path.resolve(addon), path.join(stage.root, stage.workdir, addon), { recursive: true });
      },
    });
    const runtime = [...stages.values()].at(-1);
    assert.ok(runtime && runtime.name === 'runtime');
    const app = path.join(runtime.root, runtime.workdir);
    assert.deepEqual(fs.readdirSync(app).sort(), ['bin', 'dist', 'node_modules', 'package.json'], 'only the runtime files');
    for (const dev of ['tsx', 'typescript', 'eslint', 'playwright-core']) assert.ok(!fs.existsSync(path.join(app, 'node_modules', dev)), `${dev} is pruned`);
    assert.ok(fs.existsSync(path.join(app, 'dist', 'web', 'static', 'app.css')), 'static assets are in dist');
    assert.equal(runtime.user, 'node', 'the image runs as a non-root user');
    assert.deepEqual(runtime.volumes, ['/data']);
    const data = path.join(runtime.root, 'data');
    assert.equal(fs.statSync(data).mode & 0o777, 0o700);

    const port = await freePort();
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: '/tmp' };
    for (const [k, v] of Object.entries(runtime.env)) env[k] = mapPaths(v, runtime.root);
    Object.assign(env, { XPORT_HOST: '127.0.0.1', XPORT_PORT: String(port), XPORT_LOG_LEVEL: 'info' });
    const [entry, ...entryArgs] = [...runtime.entrypoint, ...runtime.cmd];
    assert.deepEqual([entry, ...entryArgs], ['node', 'bin/xport.js', 'serve']);
    const child = spawn(process.execPath, entryArgs, { cwd: app, env, uid: NOBODY, gid: NOBODY, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const [hcBin, ...hcArgs] = runtime.healthcheck;
      assert.equal(hcBin, 'node');
      let healthy = false;
      for (let i = 0; i < 100 && !healthy && child.exitCode === null; i += 1) {
        healthy = await run(process.execPath, hcArgs, { env, uid: NOBODY, gid: NOBODY }).then(
          () => true,
          () => false,
        );
        if (!healthy) await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(healthy, `the HEALTHCHECK passes\n${out}`);
      assert.ok(fs.existsSync(path.join(data, 'xport.db')), 'the database is in the volume');
      assert.equal(fs.statSync(path.join(data, 'xport.db')).uid, 65534, 'written by the non-root user');
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, out);
    assert.match(out, /"msg":"stopped"/);
  });
});
