import type { Command } from 'commander';
import { createRuntime, type Runtime } from '../app/runtime';
import { importFiles } from '../engine/import';
import { configFromEnv } from './env';

async function withRuntime<T>(fn: (rt: Runtime, tenantId: string) => Promise<T>, tenantOpt?: string): Promise<T> {
  const rt = await createRuntime(configFromEnv({ workers: 0, logLevel: 'warn' }));
  try {
    const tenants = await rt.store.tenants.list();
    const tenant = tenantOpt ? tenants.find((t) => t.id === tenantOpt || t.name === tenantOpt) : tenants[0];
    if (!tenant) {
      console.error(tenantOpt ? `No organisation "${tenantOpt}"` : 'No Xero organisation is connected yet: run `xport serve` with a Xero app configured, or `xport demo`.');
      process.exit(3);
    }
    return await fn(rt, tenant.id);
  } finally {
    await rt.close();
  }
}

function printRows(rows: Array<Record<string, unknown>>, columns: string[], json: boolean): void {
  if (json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  if (rows.length === 0) {
    console.log('(none)');
    return;
  }
  console.log(columns.join('\t'));
  for (const r of rows) console.log(columns.map((c) => String(r[c] ?? '')).join('\t'));
}

const actor = (): string => `cli:${process.env.USER ?? 'unknown'}`;

export function registerDataCommands(program: Command): void {
  program
    .command('import')
    .description('queue documents from JSON or CSV files, with a progress bar')
    .argument('<files...>', 'JSON (one document, a list, or {"documents":[…]}) or CSV files')
    .option('--tenant <id>', 'organisation (default: the first connected)')
    .option('--json', 'machine output')
    .action(async (files: string[], opts: { tenant?: string; json?: boolean }) => {
      const code = await withRuntime(async (rt, tenantId) => {
        const summary = await importFiles(rt.queue, tenantId, files, opts.json ? undefined : process.stderr);
        if (opts.json) console.log(JSON.stringify(summary, null, 2));
        else console.log(`Imported ${summary.queued} new, ${summary.duplicates} already known, ${summary.invalid} invalid document(s) from ${files.length} file(s).`);
        for (const p of summary.problems.slice(0, 50)) console.error(`  ${p}`);
        return summary.invalid > 0 ? 4 : 0;
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
        if (opts.json) return console.log(JSON.stringify({ status, exports: rows }, null, 2));
        console.log(`Xero Export Queue: ${status.queued} queued and ${status.failed} failed export(s)`);
        for (const p of status.paused) console.log(`Paused${p.until ? ` until ${p.until}` : ''}: ${p.reason}`);
        printRows(rows, ['id', 'kind', 'reference', 'status', 'wait_reason'], false);
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
        printRows(rows.map((r) => ({ id: r.id, kind: r.kind, item: r.reference, error: r.last_error, action: r.action_required, code: r.error_code })), ['id', 'kind', 'item', 'error', 'action'], Boolean(opts.json));
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
      if (!['all', 'info', 'error'].includes(opts.level)) {
        console.error(`--level must be info, error or all, got "${opts.level}"`);
        process.exit(2);
      }
      await withRuntime(async (rt, tenantId) => {
        const res = await rt.store.log.search({ tenantId, level: opts.level as 'all', q: opts.search, limit: Number.parseInt(opts.limit, 10) || 50 });
        printRows(res.entries.map((e) => ({ ...e })), ['at', 'level', 'message'], Boolean(opts.json));
      }, opts.tenant);
    });

  const act = (name: 'retry' | 'skip' | 'delete', description: string, allowAll: boolean) => {
    const cmd = program.command(name).description(description).argument('[id]', 'export id').option('--tenant <id>', 'organisation').option('--json', 'machine output');
    if (allowAll) cmd.option('--all', 'every failed export');
    cmd.action(async (id: string | undefined, opts: { all?: boolean; tenant?: string; json?: boolean }) => {
      if (!id && !opts.all) {
        console.error(`Give an export id${allowAll ? ' or --all' : ''}`);
        process.exit(2);
      }
      const code = await withRuntime(async (rt, tenantId) => {
        const target = opts.all ? 'all-failed' as const : [Number.parseInt(id ?? '', 10)];
        let changed: number[];
        if (name === 'skip') changed = (await rt.queue.skip(tenantId, (target as number[])[0] ?? -1, actor())) ? (target as number[]) : [];
        else if (name === 'retry') changed = await rt.queue.retry(tenantId, target, actor());
        else changed = await rt.queue.delete(tenantId, target, actor());
        if (opts.json) console.log(JSON.stringify({ action: name, ids: changed }));
        else console.log(changed.length ? `${name}: ${changed.length} export(s) (${changed.slice(0, 20).join(', ')})` : `${name}: nothing changed (not found, or not in a state that allows it)`);
        return changed.length ? 0 : 5;
      }, opts.tenant);
      process.exitCode = code;
    });
  };
  act('retry', 'export failed exports again', true);
  act('skip', 'mark a failed export done without exporting it', false);
  act('delete', 'remove failed exports from the queue', true);
}
