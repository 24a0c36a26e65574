/**
 * Real `xport worker` processes for crash and scale-out tests: spawned with the CLI, killed with
 * SIGKILL at random moments, restarted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const BIN = path.resolve('bin/xport.js');

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnWorker(env: Record<string, string>, args: string[] = []): WorkerProcess {
  // Its own process group, so that a kill reaches anything it started too.
  const child = spawn(process.execPath, [BIN, 'worker', ...args], {
    env: { ...process.env, XPORT_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  });
  child.stderr?.on('data', (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  });
  return {
    child,
    output: () => out,
    kill: (signal = 'SIGKILL') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        killGroup(child, signal);
      }),
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

/**
 * Ids of the live `xport worker` processes whose XPORT_DATABASE_URL is `databaseUrl`, read from /proc
 * (Linux): the check that a harness left no worker of an earlier cycle running. Elsewhere: null.
 */
export function workersOn(databaseUrl: string): number[] | null {
  if (!fs.existsSync('/proc/self/environ')) return null;
  const wanted = `XPORT_DATABASE_URL=${databaseUrl}`;
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (!cmd.includes('worker') || !cmd.some((a) => a.endsWith('xport.js'))) continue;
      const state = /^State:\s+(\w)/m.exec(fs.readFileSync(`/proc/${name}/status`, 'utf8'))?.[1];
      if (state === 'Z') continue;
      if (fs.readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').includes(wanted)) out.push(Number(name));
    } catch {
      // Gone while we looked, or not ours to read.
    }
  }
  return out;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls until `check` is true or the time is up; returns whether it became true. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, everyMs = 200): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(everyMs);
  }
  return check();
}

/** Polls until `fn` gives a value, and returns it; throws naming `what` when the time is up. */
export async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, what: string, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1 (for a process the test starts itself). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}
