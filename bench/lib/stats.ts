/** Timing helpers: run something N times and report the median, the 95th percentile and the slowest. */
export interface Timing {
  median: number;
  p95: number;
  max: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? 0;
}

export function summarise(samples: number[]): Timing {
  const s = [...samples].sort((a, b) => a - b);
  const r = (n: number) => Math.round(n * 10) / 10;
  return { median: r(percentile(s, 50)), p95: r(percentile(s, 95)), max: r(s[s.length - 1] ?? 0) };
}

/** Runs `fn` `runs` times after two warm-up calls and summarises the wall-clock times in ms. */
export async function timeRuns(runs: number, fn: (i: number) => Promise<unknown>): Promise<Timing> {
  await fn(-2);
  await fn(-1);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn(i);
    ms.push(performance.now() - t);
  }
  return summarise(ms);
}

export function row(cells: Array<string | number>): string {
  return `| ${cells.join(' | ')} |`;
}

export function mb(bytes: number): number {
  return Math.round(bytes / 1024 / 1024);
}
