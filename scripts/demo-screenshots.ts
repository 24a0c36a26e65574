/**
 * Refreshes the demo's screenshots in docs/screenshots (demo-queue, demo-queue-groups, demo-log):
 * starts `xport demo` in a temp folder, waits until its failures have settled, signs in with the
 * password the demo keeps in its data folder and photographs the pages in headless Chromium.
 *   npx tsx scripts/demo-screenshots.ts [--port 3200] [--sandbox-port 3300]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const port = arg('--port', '3200');
const sandboxPort = arg('--sandbox-port', '3300');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xport-demo-shots-'));
const url = `http://127.0.0.1:${port}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function failedCount(token: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/status`, { headers: { authorization: `Bearer ${token}` } }).catch(() => null);
  return res?.ok ? ((await res.json()) as { failed: number }).failed : -1;
}

async function main(): Promise<void> {
  const demo = spawn(process.execPath, ['bin/xport.js', 'demo', '--port', port, '--sandbox-port', sandboxPort, '--data', dir], { stdio: 'ignore', env: { ...process.env, XPORT_LOG_LEVEL: 'silent' } });
  try {
    let token = '';
    for (let i = 0; i < 120 && !token; i++) {
      await sleep(500);
      if (fs.existsSync(path.join(dir, 'demo-api-token')) && (await failedCount(fs.readFileSync(path.join(dir, 'demo-api-token'), 'utf8').trim())) >= 0)
        token = fs.readFileSync(path.join(dir, 'demo-api-token'), 'utf8').trim();
    }
    if (!token) throw new Error('the demo did not start');
    // Failures settle when the count stops moving for 10 seconds (at most 2 minutes).
    let last = -1;
    for (let stable = 0, i = 0; stable < 5 && i < 60; i++) {
      await sleep(2000);
      const n = await failedCount(token);
      stable = n === last && n > 0 ? stable + 1 : 0;
      last = n;
    }
    const password = fs.readFileSync(path.join(dir, 'demo-admin-password'), 'utf8').trim();
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, baseURL: url });
    await page.goto('/login');
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', password);
    await Promise.all([page.waitForURL(/\/queue/), page.click('button:has-text("Sign in")')]);
    for (const [target, name] of [
      ['/queue', 'demo-queue'],
      ['/queue?view=groups', 'demo-queue-groups'],
      ['/log', 'demo-log'],
    ] as const) {
      await page.goto(target);
      await page.screenshot({ path: path.join('docs', 'screenshots', `${name}.png`), fullPage: true });
    }
    await browser.close();
    console.log(`demo screenshots written (${last} failed exports shown)`);
  } finally {
    demo.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
