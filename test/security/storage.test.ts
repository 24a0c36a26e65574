/**
 * What another user of the machine can read (docs/security.md, "local machine user"): the files
 * `xport serve` creates are 0600 in a 0700 folder, looser ones are tightened at start with a warning;
 * the database holds session ids only as SHA-256 hashes and no signing secret, so a cookie forged
 * from what the database holds is refused; the upgrade deletes the sessions and secret kept in clear.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createRuntime } from '../../src/app/runtime';
import { loadConfig } from '../../src/config/config';
import { openStore } from '../../src/db/store';
import { sessionIdHash } from '../../src/db/repositories/web-sessions';
import { databaseKinds, makeDatabase } from '../helpers/databases';
import { stepBackClaimAndCounts } from '../helpers/claim-and-counts';
import { stepBackLeanExportIndexes } from '../helpers/lean-export-indexes';
import { stepBackLogIndex } from '../helpers/log-index';
import { stepBackWriteBack } from '../write-back/step-back';
import { waitUntil } from '../helpers/processes';
import { ADMIN_PASSWORD, freePort } from '../oauth/helpers';
import { capturingLogger, queueWith, serve, signIn, type Served } from './helpers';

const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe('files on the machine', () => {
  it('`xport serve` creates its data folder 0700 and the database, its WAL and shared memory and the key 0600', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'xport-modes-'));
    const data = path.join(root, 'data');
    const port = await freePort();
    const child = spawn(process.execPath, [path.resolve('bin/xport.js'), 'serve'], {
      env: { ...process.env, XPORT_DATABASE_URL: `sqlite:${path.join(data, 'xport.db')}`, XPORT_PORT: String(port), XPORT_WORKERS: '0', XPORT_LOG_LEVEL: 'warn', XPORT_ADMIN_PASSWORD: ADMIN_PASSWORD },
      stdio: 'ignore',
    });
    try {
      assert.ok(await waitUntil(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200, 60_000), 'serve answers');
      await signIn(`http://127.0.0.1:${port}`); // writes to the WAL
      assert.equal(mode(data), 0o700);
      for (const f of ['xport.db', 'xport.db-wal', 'xport.db-shm', 'secret.key']) assert.equal(mode(path.join(data, f)), 0o600, f);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('tightens a looser folder, database file and backup at start, and warns', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xport-loose-'));
    fs.chmodSync(dir, 0o755);
    for (const f of ['xport.db', 'xport.db.backup-2026-12-01']) fs.writeFileSync(path.join(dir, f), '', { mode: 0o644 });
    const logs: string[] = [];
    const rt = await createRuntime(loadConfig({ XPORT_DATABASE_URL: `sqlite:${path.join(dir, 'xport.db')}`, XPORT_WORKERS: '0' }), { logger: capturingLogger(logs) });
    await rt.close();
    assert.equal(mode(dir), 0o700);
    assert.equal(mode(path.join(dir, 'xport.db')), 0o600);
    assert.equal(mode(path.join(dir, 'xport.db.backup-2026-12-01')), 0o600);
    assert.equal(logs.filter((l) => /readable by other users/.test(l)).length, 3, logs.join('\n'));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

for (const kind of databaseKinds()) {
  describe(`what the database holds about sessions (${kind})`, () => {
    let s: Served;
    before(async () => {
      s = await serve(kind);
    });
    after(() => s.close());

    it('stores session ids only as SHA-256 hashes, and no signing secret', async () => {
      const { session } = await signIn(s.url);
      const id = session.slice(0, session.lastIndexOf('.'));
      assert.equal((await queueWith(s.url, session)).status, 200);
      const rows = await s.rt.store.db.selectFrom('web_sessions').selectAll().execute();
      assert.ok(rows.some((r) => r.id_hash === sessionIdHash(id)));
      const everything = JSON.stringify([rows, await s.rt.store.db.selectFrom('key_value').selectAll().execute()]);
      assert.equal(everything.includes(id), false, 'the session id is not in the tables');
      assert.equal(await s.rt.store.kv.get('web.session_secret'), null);
      if (kind === 'sqlite') {
        const file = s.db.url.slice('sqlite:'.length);
        const bytes = Buffer.concat([file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
        assert.equal(bytes.includes(Buffer.from(id)), false, 'the session id is not in the database file or its WAL');
      }
    });

    it('refuses a cookie forged from what the database holds', async () => {
      const { session } = await signIn(s.url);
      const hashes = (await s.rt.store.db.selectFrom('web_sessions').select('id_hash').execute()).map((r) => r.id_hash);
      const secrets = [...(await s.rt.store.db.selectFrom('key_value').select('value').execute()).map((r) => r.value), ...hashes];
      const sign = (value: string, secret: string) => `${value}.${crypto.createHmac('sha256', secret).update(value).digest('base64').replace(/=+$/, '')}`;
      for (const hash of hashes) {
        for (const cookie of [hash, ...secrets.map((secret) => sign(hash, secret))]) {
          const res = await queueWith(s.url, cookie);
          assert.equal(res.status, 302, 'sent to the login');
        }
      }
      assert.equal((await queueWith(s.url, session)).status, 200, 'the real cookie still works');
    });
  });

  describe(`the upgrade to hashed sessions (${kind})`, () => {
    it('deletes the sessions and the signing secret kept in clear, and renames user names that differ only in case', async () => {
      const db = await makeDatabase(kind);
      const store = await openStore(db.url);
      // Back to the schema before 0010, with what an older xport kept.
      await sql`drop index users_username_lower`.execute(store.db);
      await store.db.schema.dropTable('web_sessions').execute();
      await store.db.schema.dropTable('xero_webhook_events').execute();
      // (and before the later migrations, which must come after it)
      await stepBackLeanExportIndexes(store.db);
      await sql`drop index exports_contact_waits`.execute(store.db);
      await stepBackClaimAndCounts(store.db, kind);
      await stepBackWriteBack(store.db, kind);
      await store.db.schema.dropTable('events').execute();
      for (const table of ['xero_states', 'reconciliation_runs', 'account_balances', 'valuations'] as const) await store.db.schema.dropTable(table).execute();
      if (kind === 'sqlite') await stepBackLogIndex(store.db);
      await sql`delete from kysely_migration where name >= '0010_security'`.execute(store.db);
      const now = new Date().toISOString();
      await store.db
        .insertInto('key_value')
        .values([
          { key: 'web.session_secret', value: 'an-old-secret', updated_at: now },
          { key: 'web-session:abc123', value: '{"data":{"userId":1}}', updated_at: now },
          { key: 'security.key_check', value: 'kept', updated_at: now },
        ])
        .execute();
      await store.db
        .insertInto('users')
        .values(['Clerk', 'clerk', 'CLERK'].map((username) => ({ username, password_hash: 'x', role: 'viewer', created_at: now })))
        .execute();
      await store.close();

      const upgraded = await openStore(db.url);
      assert.deepEqual(
        (await upgraded.db.selectFrom('key_value').select('key').execute()).map((r) => r.key),
        ['security.key_check'],
      );
      const names = await upgraded.db.selectFrom('users').select(['id', 'username']).orderBy('id').execute();
      assert.deepEqual(
        names.map((u) => u.username),
        ['Clerk', `clerk-${names[1]?.id}`, `CLERK-${names[2]?.id}`],
      );
      await assert.rejects(upgraded.db.insertInto('users').values({ username: 'cLeRk', password_hash: 'x', role: 'viewer', created_at: now }).execute());
      await upgraded.close();
      await db.drop();
    });
  });
}
