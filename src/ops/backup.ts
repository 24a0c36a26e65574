/**
 * Backups and restores of a SQLite database. A backup is SQLite's online backup (a consistent copy
 * while xport runs). A restore puts a backup back and marks every export it holds that is not
 * exported as "look up in Xero before sending": documents exported after the backup was taken are
 * in Xero already, and the look-up records them instead of sending them twice.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { openDatabase } from '../db/dialect';
import { migrateToLatest } from '../db/migrate';
import { activeWork, markForLookUp } from '../db/repositories/backup-marks';

export { activeWork, markForLookUp };

export class BackupError extends Error {}

/** The file behind `sqlite:PATH`, or null for PostgreSQL. */
export function sqliteFile(databaseUrl: string): string | null {
  if (!databaseUrl.startsWith('sqlite:')) return null;
  const file = databaseUrl.slice('sqlite:'.length);
  if (file === ':memory:') throw new BackupError('An in-memory database cannot be backed up or restored.');
  return path.resolve(file);
}

/** Writes a consistent copy of `dbFile` to `dest` (mode 0600) while other processes keep writing. */
export async function backupSqlite(dbFile: string, dest: string, o: { force?: boolean } = {}): Promise<{ bytes: number; pages: number }> {
  if (!fs.existsSync(dbFile)) throw new BackupError(`There is no database at ${dbFile}.`);
  const target = path.resolve(dest);
  if (target === dbFile) throw new BackupError('The backup file must not be the database itself.');
  if (fs.existsSync(target) && !o.force) throw new BackupError(`${target} exists: choose another file or pass --force.`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Created 0600 before SQLite writes a byte, so the copy is never readable by others.
  fs.rmSync(target, { force: true });
  fs.closeSync(fs.openSync(target, 'wx', 0o600));
  const source = new SQLite(dbFile, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    const r = await source.backup(target);
    fs.chmodSync(target, 0o600);
    return { bytes: fs.statSync(target).size, pages: r.totalPages };
  } catch (err) {
    fs.rmSync(target, { force: true });
    throw err;
  } finally {
    source.close();
  }
}

async function refuseIfBusy(dbFile: string): Promise<void> {
  if (!fs.existsSync(dbFile)) return;
  const opened = openDatabase(`sqlite:${dbFile}`);
  try {
    const busy = await activeWork(opened.db).catch(() => 0);
    if (busy > 0) throw new BackupError(`xport is exporting on ${dbFile} right now (${busy} claim(s) or call(s) in flight): stop every xport serve and worker first, or pass --force.`);
  } finally {
    await opened.close();
  }
}

/**
 * Puts `backupFile` back as `dbFile`: the copy is migrated to this release's schema and marked on
 * the side, then moved into place in one rename (the old -wal and -shm files go first).
 */
export async function restoreSqlite(backupFile: string, dbFile: string, o: { force?: boolean } = {}): Promise<{ marked: number; released: number; applied: string[] }> {
  const source = path.resolve(backupFile);
  if (!fs.existsSync(source)) throw new BackupError(`There is no backup at ${source}.`);
  if (!o.force) await refuseIfBusy(dbFile);
  fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  const staging = `${dbFile}.restoring`;
  for (const f of [staging, `${staging}-wal`, `${staging}-shm`]) fs.rmSync(f, { force: true });
  fs.copyFileSync(source, staging);
  fs.chmodSync(staging, 0o600);
  const opened = openDatabase(`sqlite:${staging}`);
  let result: { marked: number; released: number; applied: string[] };
  try {
    const tables = await opened.db.introspection.getTables({ withInternalKyselyTables: true });
    if (!tables.some((t) => t.name === 'exports')) throw new BackupError(`${source} is not an xport database.`);
    const { applied } = await migrateToLatest(opened.db, opened.adapter);
    result = { ...(await markForLookUp(opened.db)), applied };
  } catch (err) {
    await opened.close();
    for (const f of [staging, `${staging}-wal`, `${staging}-shm`]) fs.rmSync(f, { force: true });
    throw err;
  }
  await opened.close(); // the last connection's close checkpoints the WAL into the file
  if (fs.existsSync(`${staging}-wal`)) throw new BackupError(`${staging} was not closed cleanly; the database was not replaced.`);
  for (const f of [`${dbFile}-wal`, `${dbFile}-shm`]) fs.rmSync(f, { force: true });
  fs.renameSync(staging, dbFile);
  return result;
}
