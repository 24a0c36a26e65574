/**
 * Throw-away databases for benches: a SQLite file in a temp directory, or a fresh PostgreSQL
 * database `xport_bench_<label>_<random>` on XPORT_BENCH_PG (default postgres://postgres@127.0.0.1:5432/postgres),
 * dropped at the end.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface BenchDatabase {
  kind: 'sqlite' | 'postgres';
  url: string;
  /** Bytes on disk (SQLite file + WAL, or pg_database_size). */
  size(): Promise<number>;
  drop(): Promise<void>;
}

const ADMIN_URL = process.env.XPORT_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function benchDatabase(kind: 'sqlite' | 'postgres', label: string): Promise<BenchDatabase> {
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `xport-bench-${label}-`));
    const file = path.join(dir, 'bench.db');
    const sizeOf = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0);
    return { kind, url: `sqlite:${file}`, size: async () => sizeOf(file) + sizeOf(`${file}-wal`), drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `xport_bench_${label}_${crypto.randomBytes(4).toString('hex')}`;
  await admin(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    kind,
    url: url.toString(),
    size: async () => Number((await admin(`select pg_database_size('${name}') as n`))[0]?.n ?? 0),
    drop: async () => void (await admin(`drop database if exists ${name} with (force)`)),
  };
}

async function admin(text: string): Promise<Array<Record<string, unknown>>> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return (await c.query(text)).rows as Array<Record<string, unknown>>;
  } finally {
    await c.end();
  }
}
