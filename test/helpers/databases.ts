/**
 * Real databases for tests: a fresh SQLite file, and (when XPORT_TEST_DATABASE_URL is set, as
 * .ci/run sets it) a fresh PostgreSQL database per call, dropped at the end. No mocks.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface TestDatabase {
  name: 'sqlite' | 'postgres';
  url: string;
  drop(): Promise<void>;
}

export const PG_URL = process.env.XPORT_TEST_DATABASE_URL;

export function sqliteDatabase(): TestDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xport-test-'));
  return { name: 'sqlite', url: `sqlite:${path.join(dir, 'xport.db')}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export async function postgresDatabase(): Promise<TestDatabase> {
  if (!PG_URL) throw new Error('XPORT_TEST_DATABASE_URL is not set');
  const name = `xport_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    name: 'postgres',
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** The databases every storage test runs on: SQLite always, PostgreSQL when configured. */
export function databaseKinds(): Array<'sqlite' | 'postgres'> {
  // CI sets XPORT_REQUIRE_POSTGRES so that a missing PostgreSQL fails loudly instead of skipping.
  if (!PG_URL && process.env.XPORT_REQUIRE_POSTGRES) throw new Error('XPORT_REQUIRE_POSTGRES is set but XPORT_TEST_DATABASE_URL is not');
  return PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

export async function makeDatabase(kind: 'sqlite' | 'postgres'): Promise<TestDatabase> {
  return kind === 'sqlite' ? sqliteDatabase() : postgresDatabase();
}
