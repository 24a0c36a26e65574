/** `xport doctor`: every check with what is wrong and how to fix it; exit 0 only when all are fine. */
import type { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config/config';
import { checkDatabase, checkPermissions, type Finding } from '../ops/doctor';
import { checkXero } from '../ops/doctor-xero';

function print(f: Finding): void {
  console.log(`${f.ok ? 'ok  ' : 'FAIL'} ${f.check}: ${f.detail}`);
  if (!f.ok && f.fix) console.log(`     fix: ${f.fix}`);
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check the configuration, database, data folder, clock and Xero; exit 0 only when all is well')
    .option('--json', 'machine output')
    .action(async (opts: { json?: boolean }) => {
      let config: Readonly<Config>;
      const findings: Finding[] = [];
      try {
        config = loadConfig(process.env);
        findings.push({ check: 'configuration', ok: true, detail: 'every variable is valid' });
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        findings.push({ check: 'configuration', ok: false, detail: err.message.replace(/\n\s*/g, ' '), fix: 'correct the variables named (see .env.example)' });
        return report(findings, Boolean(opts.json));
      }
      findings.push(...(await checkDatabase(config)), ...checkPermissions(config), ...(await checkXero(config)));
      report(findings, Boolean(opts.json));
    });
}

function report(findings: Finding[], json: boolean): void {
  const ok = findings.every((f) => f.ok);
  if (json) console.log(JSON.stringify({ ok, findings }, null, 2));
  else {
    findings.forEach(print);
    console.log(ok ? 'All is well.' : `${findings.filter((f) => !f.ok).length} problem(s) found.`);
  }
  process.exitCode = ok ? 0 : 1;
}
