/**
 * Who may read xport's files on the machine: only the account that runs it. The database holds
 * session hashes, API token hashes, password hashes and encrypted Xero tokens; the data folder holds
 * the secret key. Files xport creates are 0600 and its data folder 0700 whatever the umask; files or
 * a folder found looser at start (created by an older xport, or copied in) are tightened, with a warning.
 */
import fs from 'node:fs';
import path from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** SQLite's companion files: the write-ahead log, its shared-memory index and a rollback journal. */
const COMPANIONS = ['', '-wal', '-shm', '-journal'];

export type Warn = (message: string) => void;

/** The file of a `sqlite:PATH` URL; null for PostgreSQL and in-memory databases. */
export function sqliteFile(databaseUrl: string): string | null {
  if (!databaseUrl.startsWith('sqlite:')) return null;
  const file = databaseUrl.slice('sqlite:'.length);
  return file === ':memory:' || file === '' ? null : path.resolve(file);
}

/** Creates the folder 0700 (with its parents), or tightens it when group or others may enter it. */
export function ensurePrivateDir(dir: string, warn?: Warn): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tighten(dir, PRIVATE_DIR_MODE, warn);
}

/** Creates an empty file 0600 unless it exists, so that SQLite (which copies its mode to -wal and -shm) never makes it 0644. */
export function ensurePrivateFile(file: string): void {
  try {
    fs.closeSync(fs.openSync(file, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, PRIVATE_FILE_MODE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** Writes a file readable by its owner only (backups, generated secrets). */
export function writePrivateFile(file: string, data: string | Buffer): void {
  fs.writeFileSync(file, data, { mode: PRIVATE_FILE_MODE });
  fs.chmodSync(file, PRIVATE_FILE_MODE);
}

/**
 * At start: the data folder 0700; the SQLite file, its companions and its backups (files named after
 * it in its folder), and the secret key file, 0600.
 */
export function secureStorage(o: { dataDir: string; databaseUrl: string; secretKey?: string | undefined }, warn: Warn): void {
  const db = sqliteFile(o.databaseUrl);
  // PostgreSQL with XPORT_SECRET_KEY set keeps nothing in the data folder: do not create one then.
  if (db || !o.secretKey || fs.existsSync(o.dataDir)) ensurePrivateDir(o.dataDir, warn);
  const files = [path.join(o.dataDir, 'secret.key')];
  if (db) {
    ensurePrivateDir(path.dirname(db), warn);
    const base = path.basename(db);
    const siblings = fs.readdirSync(path.dirname(db)).filter((name) => name.startsWith(base));
    files.push(...COMPANIONS.map((c) => db + c), ...siblings.map((name) => path.join(path.dirname(db), name)));
  }
  for (const file of new Set(files)) tighten(file, PRIVATE_FILE_MODE, warn);
}

function tighten(target: string, mode: number, warn?: Warn): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    return; // not there (yet): nothing to tighten
  }
  if ((stat.mode & 0o777 & ~mode) === 0) return;
  if (!stat.isFile() && !stat.isDirectory()) return;
  try {
    fs.chmodSync(target, mode);
    warn?.(`${target} was readable by other users of this machine (mode ${(stat.mode & 0o777).toString(8)}); it is now ${mode.toString(8)}`);
  } catch (err) {
    warn?.(`${target} is readable by other users of this machine (mode ${(stat.mode & 0o777).toString(8)}) and could not be changed: ${String(err)}`);
  }
}
