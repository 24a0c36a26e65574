/**
 * For the operations tests: a sandbox, a database, an in-process runtime (no workers) to queue
 * documents and read the queue, and real `xport` child processes whose stdout is kept whole.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createRuntime, syncConnections, type Runtime } from '../../src/app/runtime';
import { loadConfig } from '../../src/config/config';
import { parseDocumentsRequest } from '../../src/domain/documents';
import { startSandbox, type FaultRule, type JournalEntry, type Sandbox } from '../../src/sandbox/index';
import { makeDatabase, type TestDatabase } from '../helpers/databases';
import { sandboxEnv } from '../helpers/sandbox-env';

const BIN = path.resolve('bin/xport.js');

export interface XportProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The JSON log records printed so far (lines that are not JSON are skipped). */
  records(): Array<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

export function spawnXport(args: string[], env: Record<string, string>): XportProcess {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() }));
  });
  return {
    child,
    exited,
    stdout: () => out,
    stderr: () => err,
    records: () =>
      out.split('\n').flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
    async stop(signal = 'SIGTERM') {
      const start = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const r = await exited;
      return { code: r.code, ms: r.at - start };
    },
  };
}

export interface OpsWorld {
  db: TestDatabase;
  sandbox: Sandbox;
  rt: Runtime;
  tenantId: string;
  /** The environment a child xport needs for this database and sandbox. */
  env: Record<string, string>;
  arm(rules: FaultRule[]): Promise<void>;
  disarm(): Promise<void>;
  inFlightWrites(): Promise<number>;
  ingest(docs: unknown[]): Promise<void>;
  close(): Promise<void>;
}

export async function opsWorld(kind: 'sqlite' | 'postgres' = 'sqlite', extraEnv: Record<string, string> = {}): Promise<OpsWorld> {
  const db = await makeDatabase(kind);
  const sandbox = await startSandbox({ port: 0 });
  const env = {
    XPORT_DATABASE_URL: db.url,
    ...sandboxEnv(sandbox),
    XPORT_LEASE_MS: '3000',
    XPORT_XERO_TIMEOUT_MS: '2000',
    XPORT_POLL_MS: '100',
    XPORT_LOG_LEVEL: 'info',
    ...extraEnv,
  };
  const rt = await createRuntime(loadConfig({ ...env, XPORT_WORKERS: '0', XPORT_LOG_LEVEL: 'silent' }));
  const synced = await syncConnections(rt);
  if (!synced.ok) throw new Error(synced.reason);
  const tenantId = synced.tenants.find((t) => t.name.includes('(NZ)'))?.id ?? synced.tenants[0]?.id ?? '';
  const ref = await rt.reference.refresh(tenantId);
  if (!ref.ok) throw new Error(ref.reason);
  const faults = `${sandbox.url}/_sandbox/faults`;
  return {
    db,
    sandbox,
    rt,
    tenantId,
    env,
    async arm(rules) {
      await fetch(faults, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ faults: rules }) });
    },
    async disarm() {
      await fetch(faults, { method: 'DELETE' });
    },
    async inFlightWrites() {
      const res = await fetch(`${sandbox.url}/_sandbox/requests?method=POST&tenantId=${tenantId}`);
      const list = ((await res.json()) as { requests: JournalEntry[] }).requests;
      return list.filter((e) => e.status === null).length;
    },
    async ingest(docs) {
      const parsed = parseDocumentsRequest({ documents: docs });
      if (!parsed.ok)
        throw new Error(
          parsed.issues
            .slice(0, 3)
            .map((i) => i.message)
            .join('; '),
        );
      await rt.queue.ingestParsed(tenantId, parsed.documents);
    },
    async close() {
      await rt.close();
      await sandbox.close();
      await db.drop();
    },
  };
}

export async function countStatus(w: OpsWorld): Promise<Record<'queued' | 'waiting' | 'exporting' | 'exported' | 'failed' | 'skipped', number>> {
  return w.rt.store.exports.countByStatus(w.tenantId);
}
