import path from 'node:path';
import type { Command } from 'commander';
import { createRuntime, syncConnections, type Runtime } from '../app/runtime';
import { openDatabase } from '../db/dialect';
import { migrateToLatest } from '../db/migrate';
import { startDemo } from '../demo/demo';
import { runSandboxCli } from '../sandbox/index';
import { buildServer } from '../web/server';
import { configFromEnv } from './env';
import { onShutdown, processLogger } from './lifecycle';

/**
 * The last line of defence of a long-running process: a promise rejected with no handler (a database
 * call in some fire-and-forget path failing during an outage) is logged, not allowed to end
 * the process. Every known path handles its errors; this one is for the path nobody knew about.
 */
function keepRunningOnStrayRejections(rt: Runtime): void {
  process.on('unhandledRejection', (err) => rt.logger.error({ err }, 'unhandled promise rejection (the process keeps running)'));
}

async function connect(rt: Runtime): Promise<void> {
  if (!rt.config.xero.clientId) return;
  const res = await syncConnections(rt);
  if (!res.ok) rt.logger.warn({ reason: res.reason }, 'could not read Xero connections yet');
  else rt.logger.info({ tenants: res.tenants.map((t) => t.name) }, 'Xero organisations connected');
}

/** Where the data is, without a PostgreSQL password. */
function databaseLabel(url: string): string {
  return url.startsWith('sqlite:') ? url : 'PostgreSQL';
}

export function registerServerCommands(program: Command): void {
  program
    .command('serve')
    .description('HTTP API + web UI + export workers, configured from the environment')
    .action(async () => {
      const config = configFromEnv();
      const logger = processLogger(config);
      const rt = await createRuntime(config, { logger });
      keepRunningOnStrayRejections(rt);
      await connect(rt);
      const app = await buildServer(rt);
      await app.listen({ host: config.host, port: config.port });
      rt.startWorkers();
      rt.startSchedules();
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      logger.info(
        { host: config.host, port, workers: config.workers, database: databaseLabel(config.databaseUrl) },
        `xport listening on http://${config.host}:${port} with ${config.workers} export worker(s)`,
      );
      onShutdown(logger, config.shutdownMs, async (deadline) => {
        await app.close();
        await rt.close(deadline.remainingMs());
      });
    });

  program
    .command('worker')
    .description('export workers only (for scale-out beside `serve`)')
    .option('--concurrency <n>', 'worker loops in this process', '1')
    .action(async (opts: { concurrency: string }) => {
      const config = configFromEnv({ workers: Math.max(1, Number.parseInt(opts.concurrency, 10) || 1) });
      const logger = processLogger(config);
      const rt = await createRuntime(config, { logger });
      keepRunningOnStrayRejections(rt);
      await connect(rt);
      rt.startWorkers();
      logger.info({ workers: config.workers, database: databaseLabel(config.databaseUrl) }, `xport worker running (${config.workers} loop(s))`);
      onShutdown(logger, config.shutdownMs, (deadline) => rt.close(deadline.remainingMs()));
    });

  program
    .command('sandbox')
    .description('the Xero sandbox alone (default port 3100)')
    .option('--port <n>', 'port', '3100')
    .option('--host <host>', 'host', '127.0.0.1')
    .option('--client-id <id>', "the demo app's client id", 'xport-sandbox')
    .option('--client-secret <secret>', "the demo app's client secret", 'xport-sandbox-secret')
    .action(async (opts: { port: string; host: string; clientId: string; clientSecret: string }) => {
      await runSandboxCli({ port: Number.parseInt(opts.port, 10), host: opts.host, clientId: opts.clientId, clientSecret: opts.clientSecret });
    });

  program
    .command('migrate')
    .description('apply database migrations')
    .action(async () => {
      const config = configFromEnv();
      const opened = openDatabase(config.databaseUrl);
      try {
        const report = await migrateToLatest(opened.db, opened.adapter);
        console.log(report.applied.length ? `Applied: ${report.applied.join(', ')}` : 'The database is up to date.');
        console.log(`Schema version: ${report.current ?? 'none'}`);
      } finally {
        await opened.close();
      }
    });

  program
    .command('demo')
    .description('what `npm start` runs: the engine, the web UI and a Xero sandbox with demo data')
    .option('--port <n>', 'web UI and API port', '3000')
    .option('--sandbox-port <n>', 'Xero sandbox port', '3100')
    .option('--data <dir>', 'data folder', './data/demo')
    .action(async (opts: { port: string; sandboxPort: string; data: string }) => {
      const dataDir = path.resolve(opts.data);
      const env = configFromEnv({ dataDir });
      const demo = await startDemo({ port: Number.parseInt(opts.port, 10), sandboxPort: Number.parseInt(opts.sandboxPort, 10), dataDir, base: env });
      console.log(demo.banner);
      onShutdown(processLogger(env), env.shutdownMs, () => demo.close());
    });
}
