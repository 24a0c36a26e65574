/**
 * A PostgreSQL server the test owns: its own cluster in a temp folder (initdb), on a free port, run
 * as the postgres user, so that it can be killed (`pg_ctl stop -m immediate`), restarted and have its
 * connections terminated without touching any shared server. Needs the server binaries
 * (`pg_config --bindir`) and root (for `runuser -u postgres`); `ownPostgresAvailable()` says why not.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../oauth/helpers';

export interface OwnPostgres {
  port: number;
  /** URL of the `xport` database. */
  url: string;
  stopImmediate(): void;
  start(): void;
  /** Ends every backend of the xport database (what a failover or a proxy timeout does). */
  terminateConnections(): Promise<number>;
  destroy(): void;
}

function bindir(): string | null {
  const r = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const dir = r.status === 0 ? r.stdout.trim() : '';
  return dir && fs.existsSync(path.join(dir, 'initdb')) ? dir : null;
}

/** Null when the test can run; otherwise the reason it cannot. */
export function ownPostgresAvailable(): string | null {
  if (!bindir()) return 'no PostgreSQL server binaries (pg_config --bindir)';
  if (process.getuid?.() !== 0) return 'not root: cannot run the server as the postgres user';
  if (spawnSync('id', ['postgres']).status !== 0) return 'no postgres user';
  return null;
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bin = bindir() ?? '';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xport-pg-'));
  const data = path.join(dir, 'data');
  fs.chmodSync(dir, 0o777);
  const as = (cmd: string, args: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args], { stdio: 'pipe', cwd: dir });
  as('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  const start = () => void as('pg_ctl', ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', '-t', '30', 'start']);
  start();
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query('create database xport');
  await c.end();
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/xport`,
    stopImmediate: () => void as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']),
    start,
    async terminateConnections() {
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      const r = await client.query("select count(*)::int as n from (select pg_terminate_backend(pid) from pg_stat_activity where datname = 'xport' and pid <> pg_backend_pid()) t");
      await client.end();
      return Number((r.rows[0] as { n: number }).n);
    },
    destroy() {
      try {
        as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
