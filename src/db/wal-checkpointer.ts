/**
 * SQLite's WAL checkpoints on a thread of their own, for the long-running processes (`xport serve`,
 * `xport worker`). Left to itself SQLite checkpoints inside the commit that takes the WAL past 1,000
 * pages: on the event loop, a copy of every page written since the last checkpoint (the hot ones, an
 * index's inner pages, a table's last page, again each time) and two fsyncs, while requests and the
 * export worker wait. Here a worker thread with its own connection runs a PASSIVE checkpoint every
 * `intervalMs` (it never waits on, nor blocks, a reader or the writer), and the main connection's own
 * automatic checkpoint is raised to `backstopPages`: it runs only if the thread falls far behind.
 *
 * Nothing here changes what is durable: a checkpoint only copies committed pages from the WAL into
 * the database file, and SQLite's recovery does not depend on which connection ran one. If the thread
 * fails (an error it cannot recover from, or it ends), the main connection's automatic checkpoint goes
 * back to SQLite's default, so the WAL stays bounded as before; `onError` is told.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';

/** SQLite's own default `wal_autocheckpoint`, restored when the thread is gone. */
export const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

export interface WalCheckpointerOptions {
  /** How often the thread checkpoints. Default 1,000 ms. */
  intervalMs?: number;
  /** The main connection's automatic checkpoint while the thread runs, in pages. Default 10,000 (40 MB of WAL). */
  backstopPages?: number;
  /** Told when the thread fails, and when a checkpoint raises an error (once until one succeeds again, or the error changes). */
  onError?: (err: Error) => void;
}

/** What the last checkpoint reported (SQLite's `wal_checkpoint` row). */
export interface CheckpointResult {
  /** The WAL was in use by another checkpoint (nothing copied this time). */
  busy: boolean;
  /** Frames in the WAL. */
  log: number;
  /** Frames copied into the database file (all of them when equal to `log`). */
  checkpointed: number;
}

type FromThread = { type: 'checkpointed'; result: CheckpointResult } | { type: 'error'; message: string };

/**
 * The thread's program, evaluated as CommonJS: it loads the same better-sqlite3 as the main thread
 * (its path given in workerData), so there is no TypeScript to compile and nothing to find at run time.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.module);
const db = new SQLite(workerData.file, { fileMustExist: true });
let timer = null;
function checkpoint() {
  try {
    const row = db.pragma('wal_checkpoint(PASSIVE)')[0];
    parentPort.postMessage({ type: 'checkpointed', result: { busy: row.busy !== 0, log: row.log, checkpointed: row.checkpointed } });
  } catch (err) {
    parentPort.postMessage({ type: 'error', message: String(err && err.message || err) });
  }
  timer = setTimeout(checkpoint, workerData.intervalMs);
}
parentPort.on('message', (m) => {
  if (m === 'now') { clearTimeout(timer); checkpoint(); return; }
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
timer = setTimeout(checkpoint, workerData.intervalMs);
`;

export class WalCheckpointer {
  private worker: Worker | null;
  private stopping = false;
  private last: CheckpointResult | null = null;
  private lastError: string | null = null;
  private readonly waiting: Array<{ resolve: (r: CheckpointResult) => void; reject: (err: Error) => void }> = [];

  private constructor(
    private readonly database: SQLite.Database,
    file: string,
    private readonly o: Required<Pick<WalCheckpointerOptions, 'intervalMs' | 'backstopPages'>> & Pick<WalCheckpointerOptions, 'onError'>,
  ) {
    this.worker = new Worker(THREAD, {
      eval: true,
      workerData: { module: createRequire(import.meta.url).resolve('better-sqlite3'), file: path.resolve(file), intervalMs: o.intervalMs },
      // Only the thread's own code runs there: no loader, no flags of the main process.
      execArgv: [],
    });
    // Never what keeps the process alive; stop() ends it with the database.
    this.worker.unref();
    this.database.pragma(`wal_autocheckpoint = ${o.backstopPages}`);
    this.worker.on('message', (m: FromThread) => {
      if (m.type === 'error') {
        // Once per kind of failure, not once a second: a full disk would otherwise fill the log too.
        const err = new Error(`WAL checkpoint failed: ${m.message}`);
        if (m.message !== this.lastError) this.o.onError?.(err);
        this.lastError = m.message;
        for (const w of this.waiting.splice(0)) w.reject(err);
        return;
      }
      this.lastError = null;
      this.last = m.result;
      for (const w of this.waiting.splice(0)) w.resolve(m.result);
    });
    this.worker.on('error', (err) => this.gone(err));
    this.worker.on('exit', (code) => this.gone(new Error(`the WAL checkpoint thread ended (exit code ${code})`)));
  }

  /** Starts checkpointing `file` (the database `database` has open) on a thread. */
  static start(database: SQLite.Database, file: string, o: WalCheckpointerOptions = {}): WalCheckpointer {
    return new WalCheckpointer(database, file, { intervalMs: o.intervalMs ?? 1000, backstopPages: o.backstopPages ?? 10_000, onError: o.onError });
  }

  /** Whether the thread is running (false once it failed or was stopped). */
  get running(): boolean {
    return this.worker !== null;
  }

  /** The last checkpoint's result, or null before the first. */
  get lastResult(): CheckpointResult | null {
    return this.last;
  }

  /** Runs a checkpoint now: resolves with its result, or rejects with its error (tests, and a caller that wants the WAL short). */
  checkpointNow(): Promise<CheckpointResult> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('the WAL checkpoint thread is not running'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      worker.postMessage('now');
    });
  }

  /** Ends the thread and closes its connection (before the main connection closes: the last one checkpoints and removes the WAL). */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.stopping = true;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('stop');
    // A thread stuck in a checkpoint (a stalled disk) must not hold up shutdown for long.
    const timer = setTimeout(() => void worker.terminate(), 5000);
    await exited;
    clearTimeout(timer);
  }

  /** The thread is gone: SQLite's own automatic checkpoint takes over again. */
  private gone(err: Error): void {
    if (!this.worker) return;
    this.worker = null;
    for (const w of this.waiting.splice(0)) w.reject(err);
    try {
      this.database.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
    } catch {
      // The main connection is closed already (the process is shutting down).
    }
    if (!this.stopping) this.o.onError?.(err);
  }
}
