/**
 * `xport backup FILE` and `xport restore FILE` (SQLite; PostgreSQL is backed up with pg_dump, and
 * `xport restore --mark` does the look-up marking after a pg_restore).
 */
import type { Command } from 'commander';
import { openDatabase } from '../db/dialect';
import { BackupError, backupSqlite, markForLookUp, restoreSqlite, sqliteFile } from '../ops/backup';
import { configFromEnv } from './env';

const PG_BACKUP = [
  'This database is PostgreSQL: back it up with pg_dump, for example',
  '  pg_dump --format=custom --file=xport.dump "$XPORT_DATABASE_URL"',
  'and restore with pg_restore into an empty database, then run `xport restore --mark` once',
  '(see docs/deployment.md → Backups).',
].join('\n');

function fail(err: unknown): never {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(err instanceof BackupError ? 2 : 1);
}

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description('write a consistent copy of the SQLite database while xport runs (file mode 0600)')
    .argument('<file>', 'where the copy goes')
    .option('--force', 'overwrite the file if it exists')
    .action(async (file: string, opts: { force?: boolean }) => {
      const db = sqliteFile(configFromEnv().databaseUrl);
      if (!db) {
        console.error(PG_BACKUP);
        process.exit(2);
      }
      const r = await backupSqlite(db, file, opts).catch(fail);
      console.log(`Backed up ${db} to ${file} (${r.bytes} bytes, ${r.pages} pages).`);
    });

  program
    .command('restore')
    .description('put a backup back; exports not exported in it are looked up in Xero before they are sent')
    .argument('[file]', 'the backup to put back')
    .option('--force', 'restore even while a worker seems to be exporting on the database')
    .option('--mark', "only mark the current database's unfinished exports for a look-up (after pg_restore)")
    .action(async (file: string | undefined, opts: { force?: boolean; mark?: boolean }) => {
      const config = configFromEnv();
      if (opts.mark) return markOnly(config.databaseUrl);
      const db = sqliteFile(config.databaseUrl);
      if (!db) {
        console.error(PG_BACKUP);
        process.exit(2);
      }
      if (!file) fail(new BackupError('Give the backup file to restore.'));
      const r = await restoreSqlite(file, db, opts).catch(fail);
      console.log(`Restored ${file} to ${db}${r.applied.length ? ` (migrated: ${r.applied.join(', ')})` : ''}.`);
      console.log(`${r.marked} export(s) not exported in the backup will be looked up in Xero before they are sent${r.released ? ` (${r.released} claimed in the backup were released)` : ''}.`);
      console.log('Documents the inventory system sent after the backup was taken are not in it: send them again.');
    });
}

async function markOnly(databaseUrl: string): Promise<void> {
  const opened = openDatabase(databaseUrl);
  try {
    const r = await markForLookUp(opened.db);
    console.log(`${r.marked} export(s) not exported will be looked up in Xero before they are sent.`);
  } finally {
    await opened.close();
  }
}
