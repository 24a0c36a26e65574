/**
 * `xport reconcile [--json] [--tenant ID]`: reconcile with Xero now and print every difference still
 * outstanding (the API's GET /api/v1/reconciliation shapes with --json). Exit 0 when it ran (a run
 * that stopped early at the day's budget share says so and goes on from there next time), 1 when it
 * failed, 5 when another run of the organisation was under way (nothing was done).
 */
import type { Command } from 'commander';
import { plural } from '../domain/words';
import { ReconciliationBusyError } from '../engine/reconciliation/run';
import { withRuntime } from './data-commands';
import { EXIT, printJson, printTable } from './output';

export function registerReconcileCommand(program: Command): void {
  program
    .command('reconcile')
    .description('compare what xport exported with what Xero holds now, and print the differences')
    .option('--tenant <id>', 'organisation (default: the first connected)')
    .option('--json', 'machine output')
    .action(async (opts: { tenant?: string; json?: boolean }) => {
      await withRuntime(async (rt, tenantId) => {
        const run = await rt.reconciliation.run(tenantId, 'cli').catch((err: unknown) => {
          if (!(err instanceof ReconciliationBusyError)) throw err;
          console.error(err.message);
          process.exit(EXIT.nothingChanged);
        });
        const documents = await rt.reconciliation.differences(tenantId);
        if (opts.json) printJson({ run, documents });
        else {
          console.error(
            `Reconciled: ${plural(run.checked, 'document')} read from Xero, ${plural(run.newDifferences.length, 'new difference')}, ${plural(run.calls, 'Xero call')} (${run.outcome}${run.message ? `: ${run.message}` : ''}).`,
          );
          printTable(
            documents.map((d) => ({ ...d, xportTotal: d.xport.total, xeroTotal: d.xero.total, xeroStatus: d.xero.status, action: d.actions[0]?.label ?? '' })),
            ['kind', 'sourceId', 'issue', 'xeroStatus', 'xportTotal', 'xeroTotal', 'action', 'since'],
            ['since'],
          );
        }
        process.exitCode = run.outcome === 'failed' ? 1 : EXIT.ok;
      }, opts.tenant);
    });
}
