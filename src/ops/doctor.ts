/**
 * `xport doctor`: reads, changes nothing. Each check says ok or what is wrong and how to fix it:
 * the configuration, the database (connects, schema version), the data folder's permissions, the
 * clock against Xero's (tokens are time-bound), Xero's reachability and the token's scopes.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config';
import { openDatabase } from '../db/dialect';
import { schemaStatus } from '../db/migrate';
import { sqliteFile } from './backup';

export interface Finding {
  check: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

/** Xero tokens are valid for minutes and signed with times: a few seconds of skew are harmless. */
export const MAX_CLOCK_SKEW_S = 30;

/** What the engine calls; a granular scope or the broad one that covers it. */
const NEEDED_SCOPES: Array<{ need: string; anyOf: string[] }> = [
  { need: 'invoices and credit notes', anyOf: ['accounting.invoices', 'accounting.transactions'] },
  { need: 'manual journals', anyOf: ['accounting.manualjournals', 'accounting.transactions'] },
  { need: 'contacts', anyOf: ['accounting.contacts'] },
  { need: 'accounts, tax rates and lock dates', anyOf: ['accounting.settings.read', 'accounting.settings'] },
];

function modeProblem(file: string, expected: number): Finding | null {
  if (!fs.existsSync(file)) return null;
  const mode = fs.statSync(file).mode & 0o777;
  if ((mode & 0o077) === 0) return null;
  const octal = expected.toString(8);
  return { check: 'permissions', ok: false, detail: `${file} is mode ${mode.toString(8)}: others on this machine can read it`, fix: `chmod ${octal} ${file}` };
}

export function checkPermissions(config: Readonly<Config>): Finding[] {
  const dir = path.resolve(config.dataDir);
  const db = config.databaseUrl.startsWith('sqlite:') ? sqliteFile(config.databaseUrl) : null;
  const files = [path.join(dir, 'secret.key'), ...(db ? [db, `${db}-wal`, `${db}-shm`] : [])];
  const problems = [modeProblem(dir, 0o700), ...files.map((f) => modeProblem(f, 0o600))].filter((f) => f !== null);
  if (!fs.existsSync(dir)) return [{ check: 'permissions', ok: true, detail: `data folder ${dir} does not exist yet (xport creates it, mode 0700)` }];
  return problems.length ? problems : [{ check: 'permissions', ok: true, detail: `data folder ${dir} is 0700 and its files 0600` }];
}

export async function checkDatabase(config: Readonly<Config>): Promise<Finding[]> {
  const label = config.databaseUrl.startsWith('sqlite:') ? config.databaseUrl : 'PostgreSQL';
  if (config.databaseUrl.startsWith('sqlite:') && !fs.existsSync(sqliteFile(config.databaseUrl) ?? '')) {
    return [{ check: 'database', ok: false, detail: `${label}: the file does not exist`, fix: 'check XPORT_DATABASE_URL, or run `xport migrate` to create a new database' }];
  }
  const opened = openDatabase(config.databaseUrl, { poolSize: 1 });
  try {
    const s = await schemaStatus(opened.db);
    if (s.unknown.length)
      return [{ check: 'database', ok: false, detail: `${label} was migrated by a newer xport (${s.unknown.join(', ')})`, fix: 'upgrade xport on this machine to the release that migrated it' }];
    if (s.pending.length)
      return [
        {
          check: 'database',
          ok: false,
          detail: `${label} answers; schema ${s.executed.at(-1) ?? 'empty'}, ${s.pending.length} migration(s) to apply (${s.pending.join(', ')})`,
          fix: 'run `xport migrate` (serve and worker also migrate when they start)',
        },
      ];
    return [{ check: 'database', ok: true, detail: `${label} answers; schema ${s.latest ?? 'none'} (up to date)` }];
  } catch (err) {
    return [
      {
        check: 'database',
        ok: false,
        detail: `${label} does not answer: ${err instanceof Error ? err.message : String(err)}`,
        fix: 'check XPORT_DATABASE_URL, that the server runs and accepts this user',
      },
    ];
  } finally {
    await opened.close();
  }
}

export function clockFinding(serverDate: string | undefined, localMs: number, from: string): Finding {
  const server = serverDate ? Date.parse(serverDate) : Number.NaN;
  if (Number.isNaN(server)) return { check: 'clock', ok: false, detail: `${from} sent no usable Date header`, fix: 'check that XERO_IDENTITY_URL points at Xero' };
  const skew = Math.round((localMs - server) / 1000);
  if (Math.abs(skew) <= MAX_CLOCK_SKEW_S) return { check: 'clock', ok: true, detail: `within ${Math.max(1, Math.abs(skew))} s of ${from}` };
  return {
    check: 'clock',
    ok: false,
    detail: `this machine's clock is ${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} ${from}: Xero tokens would look expired or not yet valid`,
    fix: 'synchronise the clock (e.g. enable systemd-timesyncd or chrony: `timedatectl set-ntp true`)',
  };
}

export function scopeFinding(scopes: string[], source: string): Finding {
  const missing = NEEDED_SCOPES.filter((s) => !s.anyOf.some((x) => scopes.includes(x)));
  if (missing.length === 0) return { check: 'scopes', ok: true, detail: `${source} has ${scopes.join(' ')}` };
  return {
    check: 'scopes',
    ok: false,
    detail: `${source} lacks the scope for ${missing.map((m) => `${m.need} (${m.anyOf[0]})`).join(', ')}`,
    fix: 'add the scopes to XERO_SCOPES (and to the app in the Xero developer portal), then connect the organisations again',
  };
}
