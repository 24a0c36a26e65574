import fs from 'node:fs';
import type { Command } from 'commander';
import { createRuntime, type Runtime } from '../app/runtime';
import { plural } from '../domain/words';
import { importFiles } from '../engine/import';
import { exportViewer } from '../web/api/routes';
import { organisationShortCode } from '../web/organisation-short-code';
import { findDatabase } from './database';
import { configFromEnv } from './env';
import { EXIT, localTime, printJson, printTable } from './output';

/** Opens the database the command should read (never a new one), then the organisation (also for reconcile-command.ts). */
export async function withRuntime<T>(fn: (rt: Runtime, tenantId: string) => Promise<T>, tenantOpt?: string): Promise<T> {
  const found = findDatabase(process.env.XPORT_DATABASE_URL);
  if (!found.ok) {
    console.error(found.message);
    process.exit(EXIT.usage);
  }
  console.error(found.note);
  const rt = await createRuntime(configFromEnv({ workers: 0, logLevel: 'warn' }, { XPORT_DATABASE_URL: found.url }));
  try {
    const tenants = await rt.store.tenants.list();
    const tenant = tenantOpt ? tenants.find((t) => t.id === tenantOpt || t.name === tenantOpt) : tenants[0];
    if (!tenant) {
      console.error(
        tenantOpt ? `No organisation "${tenantOpt}" in this database` : 'No Xero organisation is connected in this database yet: run `xport serve` with a Xero app configured, or `xport demo`.',
      );
      process.exit(EXIT.noOrganisation);
    }
    return await fn(rt, tenant.id);
  } finally {
    await rt.close();
  }
}

function usage(message: string): never {
  console.error(message);
  process.exit(EXIT.usage);
}

/** An export id on the command line: a positive whole number, else exit 2 (a typo is not "nothing changed"). */
function exportId(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) usage(`"${raw}" is not an export id: give the number shown by \`xport failed\` or \`xport queue\``);
  return Number(raw);
}

const actor = (): string => `cli:${process.env.USER ?? 'unknown'}`;

/** The API's answer to the same action (POST /exports/{id}/retry, /skip, DELETE, retry-all, delete-all). */
function jsonAnswer(name: 'retry' | 'skip' | 'delete', one: number | null, changed: number[]): Record<string, unknown> {
  if (one === null) return name === 'retry' ? { retried: changed.length, ids: changed } : { deleted: changed.length, ids: changed };
  if (changed.length === 0) return { error: { code: 'nothing_changed', message: `Export ${one} was not changed (no such export, or not in a state that allows ${name})` } };
  return name === 'delete' ? { id: one, deleted: true } : { id: one, status: name === 'retry' ? 'queued' : 'skipped' };
}

export function registerDataCommands(program: Command): void {
  program
    .command('import')
    .description('queue documents from JSON or CSV files, with a progress bar')
    .argument('<files...>', 'JSON (one document, a list, or {"documents":[…]}) or CSV files')
    .option('--tenant <id>', 'organisation (default: the first connected)')
    .option('--json', 'machine output')
    .action(async (files: string[], opts: { tenant?: string; json?: boolean }) => {
      const missing = files.filter((f) => !fs.existsSync(f));
      if (missing.length) usage(`No such file: ${missing.join(', ')}`);
      const code = await withRuntime(async (rt, tenantId) => {
        const summary = await importFiles(rt.queue, tenantId, files, opts.json ? undefined : process.stderr);
        if (opts.json) printJson(summary);
        else console.log(`Imported ${summary.queued} new, ${summary.duplicates} already known, ${plural(summary.invalid, 'invalid document')} from ${plural(files.length, 'file')}.`);
        for (const p of summary.problems.slice(0, 50)) console.error(`  ${p}`);
        return summary.invalid > 0 ? EXIT.invalid : EXIT.ok;
      }, opts.tenant);
      process.exitCode = code;
    });

  program
    .command('queue')
    .description('read the current queue')
    .option('--tenant <id>', 'organisation')
    .option('--json', 'machine output')
    .action(async (opts: { tenant?: string; json?: boolean }) => {
      await withRuntime(async (rt, tenantId) => {
        const status = await rt.queue.status(tenantId);
        const rows = await rt.queue.list(tenantId, ['queued', 'waiting', 'exporting'], { limit: 500 });
        const exportView = exportViewer(await organisationShortCode(rt, tenantId));
        if (opts.json) return printJson({ status, exports: rows.map(exportView) });
        console.log(`Xero Export Queue: ${status.queued} in the queue and ${plural(status.failed, 'failed export')}`);
        for (const p of status.paused) console.log(`Paused${p.until ? ` until ${localTime(p.until)}` : ''}: ${p.reason}`);
        printTable(rows.map(exportView), ['id', 'kind', 'reference', 'status', 'reason', 'nextAttemptAt'], ['nextAttemptAt']);
      }, opts.tenant);
    });

  program
    .command('failed')
    .description('read the failed exports')
    .option('--tenant <id>', 'organisation')
    .option('--json', 'machine output')
    .action(async (opts: { tenant?: string; json?: boolean }) => {
      await withRuntime(async (rt, tenantId) => {
        const rows = await rt.queue.list(tenantId, ['failed'], { limit: 500 });
        const exportView = exportViewer(await organisationShortCode(rt, tenantId));
        if (opts.json) return printJson({ exports: rows.map(exportView), nextCursor: null });
        printTable(rows.map(exportView), ['id', 'kind', 'reference', 'error', 'actionRequired', 'updatedAt'], ['updatedAt']);
      }, opts.tenant);
    });

  program
    .command('log')
    .description('read the connection log, newest first')
    .option('--level <level>', 'info | error | all', 'all')
    .option('--search <text>', 'free-text search')
    .option('--limit <n>', 'entries', '50')
    .option('--tenant <id>', 'organisation')
    .option('--json', 'machine output')
    .action(async (opts: { level: string; search?: string; limit: string; tenant?: string; json?: boolean }) => {
      if (!['all', 'info', 'error'].includes(opts.level)) usage(`--level must be info, error or all, got "${opts.level}"`);
      if (!/^\d+$/.test(opts.limit) || Number(opts.limit) < 1 || Number(opts.limit) > 500) usage(`--limit must be a number from 1 to 500, got "${opts.limit}"`);
      await withRuntime(async (rt, tenantId) => {
        const res = await rt.connectionLog.search({ tenantId, level: opts.level as 'all', q: opts.search, limit: Number(opts.limit) });
        if (opts.json) return printJson({ entries: res.entries, nextCursor: res.nextCursor });
        printTable(
          res.entries.map((e) => ({ ...e })),
          ['at', 'level', 'event', 'message'],
          ['at'],
        );
      }, opts.tenant);
    });

  const act = (name: 'retry' | 'skip' | 'delete', description: string, allowAll: boolean) => {
    const cmd = program.command(name).description(description).argument('[id]', 'export id').option('--tenant <id>', 'organisation').option('--json', 'machine output');
    if (allowAll) cmd.option('--all', 'every failed export');
    cmd.action(async (id: string | undefined, opts: { all?: boolean; tenant?: string; json?: boolean }) => {
      if (!id && !opts.all) usage(`Give an export id${allowAll ? ' or --all' : ''}`);
      if (id && opts.all) usage('Give an export id or --all, not both');
      const one = id ? exportId(id) : null;
      const code = await withRuntime(async (rt, tenantId) => {
        const target = one === null ? ('all-failed' as const) : [one];
        let changed: number[];
        if (name === 'skip') changed = (await rt.queue.skip(tenantId, (target as number[])[0] ?? -1, actor())) ? (target as number[]) : [];
        else if (name === 'retry') changed = await rt.queue.retry(tenantId, target, actor());
        else changed = await rt.queue.delete(tenantId, target, actor());
        if (opts.json) printJson(jsonAnswer(name, one, changed));
        else
          console.log(
            changed.length ? `${name}: ${plural(changed.length, 'export')} (${changed.slice(0, 20).join(', ')})` : `${name}: nothing changed (no such export, or not in a state that allows it)`,
          );
        return changed.length ? EXIT.ok : EXIT.nothingChanged;
      }, opts.tenant);
      process.exitCode = code;
    });
  };
  act('retry', 'export failed exports again', true);
  act('skip', 'mark a failed export done without exporting it', false);
  act('delete', 'remove failed exports from the queue', true);
}
