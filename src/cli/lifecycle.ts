/**
 * The life of a long-running process (serve, worker): its operator logger, and a graceful stop on
 * SIGTERM/SIGINT that stays within XPORT_SHUTDOWN_MS, logs "stopped" and exits 0.
 */
import type { Logger } from 'pino';
import { createLogger } from '../app/logger';
import type { Config } from '../config/config';

/** JSON lines when stdout is piped (log shippers), readable lines on a terminal. */
export function processLogger(config: Readonly<Config>): Logger {
  return createLogger({ level: config.logLevel, pretty: Boolean(process.stdout.isTTY) });
}

/** Time left of the stop's bound, for the parts that wait on in-flight work. */
export interface StopDeadline {
  remainingMs(): number;
}

/** Leave a little of the bound for closing the database and the log after the workers. */
const CLOSE_RESERVE_MS = 1_000;

export function onShutdown(logger: Logger, shutdownMs: number, stop: (deadline: StopDeadline) => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'already stopping');
      return;
    }
    stopping = true;
    const started = Date.now();
    logger.info({ signal, shutdownMs }, 'stopping: no new work is claimed, in-flight batches finish or are handed back');
    const reserve = Math.min(CLOSE_RESERVE_MS, Math.floor(shutdownMs / 5));
    const deadline: StopDeadline = { remainingMs: () => Math.max(0, shutdownMs - reserve - (Date.now() - started)) };
    // A last resort: something that never answers must not keep the process from stopping.
    setTimeout(() => {
      logger.error({ shutdownMs }, 'stop took longer than its bound: exiting');
      process.exit(1);
    }, shutdownMs + 5_000).unref();
    stop(deadline).then(
      () => {
        logger.info({ durationMs: Date.now() - started }, 'stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
