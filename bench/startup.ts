/**
 * Start-up time of `xport serve`: from spawning the process to the first 200 from /healthz, on a
 * fresh SQLite database each run (so migrations are included). Compares the TypeScript source
 * through tsx (the development path) with the compiled dist/ (`npm run build`; what production runs).
 * Run: npx tsx bench/startup.ts [runs=5]. Needs a build (dist/) for the second figure.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../test/helpers/processes';

const RUNS = Number(process.argv[2] ?? 5);

async function once(args: string[]): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xport-startup-'));
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [...args, 'serve'], {
    env: { ...process.env, XPORT_DATABASE_URL: `sqlite:${path.join(dir, 'xport.db')}`, XPORT_PORT: String(port), XPORT_LOG_LEVEL: 'silent' },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return performance.now() - started;
      if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

async function measure(label: string, args: string[]): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) times.push(await once(args));
  console.log(`${label.padEnd(28)} median ${Math.round(median(times))} ms  (min ${Math.round(Math.min(...times))}, max ${Math.round(Math.max(...times))}, ${RUNS} runs)`);
}

await measure('source through tsx', ['--import', 'tsx', 'src/cli/main.ts']);
if (fs.existsSync('dist/cli/main.js')) await measure('compiled dist/', ['dist/cli/main.js']);
else console.log('compiled dist/: run `npm run build` first');
