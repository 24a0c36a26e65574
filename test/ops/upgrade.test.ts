/**
 * Upgrading from the previous release's schema (migrations 0001–0006): a database made by those
 * migrations alone and filled the way that release wrote it is migrated by the real `xport migrate`;
 * the data reads back (counts, an exported document's Xero id) and a queued export goes to Xero
 * through a real worker. An older xport meeting a newer schema refuses to start with a clear message.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/dialect';
import { migrateUpTo, schemaStatus } from '../../src/db/migrate';
import { openStore } from '../../src/db/store';
import { startSandbox } from '../../src/sandbox/index';
import { databaseKinds, makeDatabase } from '../helpers/databases';
import { waitUntil } from '../helpers/processes';
import { spawnXport } from './harness';
import { sandboxEnv } from '../helpers/sandbox-env';

const run = promisify(execFile);
const PREVIOUS_RELEASE_LAST_MIGRATION = '0006_export_counts';

async function xport(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  try {
    const r = await run(process.execPath, [path.resolve('bin/xport.js'), ...args], { env: { ...process.env, XPORT_LOG_LEVEL: 'silent', ...env }, timeout: 60_000 });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

async function sandboxTenant(url: string, id: string, secret: string): Promise<{ id: string; name: string }> {
  const tok = await fetch(`${url}/connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
    headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
  });
  const token = ((await tok.json()) as { access_token: string }).access_token;
  const list = (await (await fetch(`${url}/connections`, { headers: { authorization: `Bearer ${token}` } })).json()) as Array<{ tenantId: string; tenantName: string }>;
  const t = list[0];
  if (!t) throw new Error('the sandbox has no organisation');
  return { id: t.tenantId, name: t.tenantName };
}

/** Rows as the previous release wrote them: only the columns its schema had. */
async function fillAsPreviousRelease(url: string, tenant: { id: string; name: string }): Promise<void> {
  const opened = openDatabase(url);
  try {
    await migrateUpTo(opened.db, opened.adapter, PREVIOUS_RELEASE_LAST_MIGRATION);
    const now = new Date().toISOString();
    const db = opened.db;
    await sql`insert into tenants (id, name, status, settings, created_at, updated_at) values (${tenant.id}, ${tenant.name}, 'active', '{}', ${now}, ${now})`.execute(db);
    const docs = [
      { sourceId: 'UP-C1', name: 'Upgrade Customer One', status: 'exported', xeroId: 'previously-exported-id' },
      { sourceId: 'UP-C2', name: 'Upgrade Customer Two', status: 'queued', xeroId: null },
    ];
    for (const d of docs) {
      const payload = JSON.stringify({ kind: 'customer', sourceId: d.sourceId, name: d.name, currency: 'NZD' });
      await sql`insert into documents (tenant_id, kind, source_id, revision, payload, reference, received_at) values (${tenant.id}, 'customer', ${d.sourceId}, 1, ${payload}, ${d.name}, ${now})`.execute(
        db,
      );
      const doc = await sql<{ id: number }>`select id from documents where source_id = ${d.sourceId}`.execute(db);
      await sql`insert into exports (tenant_id, document_id, kind, source_id, revision, status, next_attempt_at, xero_id, created_at, updated_at, exported_at)
        values (${tenant.id}, ${doc.rows[0]?.id}, 'customer', ${d.sourceId}, 1, ${d.status}, ${now}, ${d.xeroId}, ${now}, ${now}, ${d.status === 'exported' ? now : null})`.execute(db);
    }
  } finally {
    await opened.close();
  }
}

for (const kind of databaseKinds()) {
  describe(`upgrade from the previous release's schema (${kind})`, () => {
    test('migrate keeps the data; a queued export still goes to Xero; an older xport refuses a newer schema', { timeout: 120_000 }, async () => {
      const db = await makeDatabase(kind);
      const sandbox = await startSandbox({ port: 0 });
      try {
        const tenant = await sandboxTenant(sandbox.url, sandbox.clientId, sandbox.clientSecret);
        await fillAsPreviousRelease(db.url, tenant);
        const env = {
          XPORT_DATABASE_URL: db.url,
          ...sandboxEnv(sandbox),
          XPORT_POLL_MS: '100',
          XPORT_SECRET_KEY: 'b'.repeat(64),
        };
        const m = await xport(['migrate'], env);
        assert.equal(m.code, 0, m.out);
        const store = await openStore(db.url, { migrate: false });
        try {
          const s = await schemaStatus(store.db);
          assert.deepEqual(s.pending, [], 'every migration of this release applied');
          const counts = await store.exports.countByStatus(tenant.id);
          assert.equal(counts.exported, 1);
          assert.equal(counts.queued, 1);
          const old = await store.exports.latestForSource(tenant.id, 'customer', 'UP-C1');
          assert.equal(old?.xeroId, 'previously-exported-id', 'the exported document keeps its Xero id');
          const worker = spawnXport(['worker'], env);
          const done = await waitUntil(async () => (await store.exports.latestForSource(tenant.id, 'customer', 'UP-C2'))?.status === 'exported', 60_000, 200);
          await worker.stop();
          assert.ok(done, `the queued export from before the upgrade is exported\n${worker.stdout().slice(-2000)}`);

          await sql`insert into kysely_migration (name, timestamp) values ('9999_from_a_newer_release', ${new Date().toISOString()})`.execute(store.db);
          const older = await xport(['worker'], env);
          assert.notEqual(older.code, 0);
          assert.match(older.out, /migrated by a newer xport \(unknown migrations: 9999_from_a_newer_release\)\. Upgrade xport/);
        } finally {
          await store.close();
        }
      } finally {
        await sandbox.close();
        await db.drop();
      }
    });
  });
}
