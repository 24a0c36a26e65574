/**
 * The `xport` command (README, "The CLI"). Each command parses the environment once, then calls library
 * functions and formats their result: thin shells.
 */
import { Command } from 'commander';
import { registerBackupCommands } from './backup-commands';
import { registerDataCommands } from './data-commands';
import { registerDoctorCommand } from './doctor-command';
import { quietOnClosedPipe } from './output';
import { registerReconcileCommand } from './reconcile-command';
import { registerServerCommands } from './server-commands';

quietOnClosedPipe();
const program = new Command();
program.name('xport').description("Export an inventory system's documents into Xero, and see and fix every failure.").version('0.1.0').showHelpAfterError();

registerServerCommands(program);
registerDataCommands(program);
registerBackupCommands(program);
registerDoctorCommand(program);
registerReconcileCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
