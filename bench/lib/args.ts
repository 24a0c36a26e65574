/** Command-line options shared by the benches: `--rows N`, `--db sqlite|postgres|both`, `--runs N`. */
export interface BenchArgs {
  rows: number;
  databases: Array<'sqlite' | 'postgres'>;
  runs: number;
}

export function parseArgs(argv: string[], defaults: { rows: number; runs?: number }): BenchArgs {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const rows = Number(value('rows') ?? defaults.rows);
  const runs = Number(value('runs') ?? defaults.runs ?? 41);
  const db = value('db') ?? 'both';
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`--rows must be a positive integer, not ${value('rows')}`);
  if (!['sqlite', 'postgres', 'both'].includes(db)) throw new Error(`--db must be sqlite, postgres or both, not ${db}`);
  return { rows, runs, databases: db === 'both' ? ['sqlite', 'postgres'] : [db as 'sqlite' | 'postgres'] };
}
