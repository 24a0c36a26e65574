/**
 * A reconciliation run whose process is killed mid-run does not stay "running" for ever (both databases):
 * `xport reconcile` in a process of its own waits on a slow Xero read and is SIGKILLed; its run is left
 * running and its lease held (another run is refused meanwhile), and once the lease has run out the next
 * run marks it interrupted (finished, with the reason) before it starts, and completes.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ReconciliationRepository } from '../../src/db/repositories/reconciliation';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';
import { waitFor } from '../helpers/processes';
import { sandboxEnv } from '../helpers/sandbox-env';
import { control, customer, post, salesInvoice } from '../engine-e2e/helpers';
import { runNow } from './helpers';

for (const kind of databaseKinds()) {
  describe(`a reconciliation run whose process was killed (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(kind, { sandbox: { limits: { enabled: false } }, runtime: { noClientLimits: true } });
      await post(h, customer('CUST-K', 'Killed Run Customer'), salesInvoice('SO-K1', 'CUST-K'));
      await h.drain();
    });
    after(async () => h.close());

    test('is left running, then marked interrupted by the next run once the lease has run out', { timeout: 120_000 }, async () => {
      const repo = new ReconciliationRepository(h.rt.store.db);
      // Xero's first read of invoices answers only after 8 s: the run is mid-way when it is killed.
      await control(h, 'POST', '/faults', { kind: 'latency', latencyMs: 8_000, count: 1, match: { method: 'GET', path: '/Invoices' } });
      const env = { ...process.env, XPORT_LOG_LEVEL: 'silent', XPORT_DATABASE_URL: h.db.url, ...sandboxEnv(h.sandbox) };
      const child = spawn(process.execPath, [path.resolve('bin/xport.js'), 'reconcile', '--tenant', h.tenantId], { env, stdio: 'ignore' });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try {
        const running = await waitFor(async () => (await repo.runs(h.tenantId, 1)).find((r) => r.outcome === 'running'), 'the child started its run', 30_000);
        // Its read of invoices has reached the sandbox and waits there (the rule, used up, is gone).
        await waitFor(async () => ((await control(h, 'GET', '/faults')) as { faults: unknown[] }).faults.length === 0, 'the slow read is under way', 30_000);
        child.kill('SIGKILL');
        await exited;

        const left = (await repo.runs(h.tenantId, 1))[0];
        assert.equal(left?.id, running.id);
        assert.equal(left?.outcome, 'running');
        assert.equal(left?.finishedAt, null);
        // Its lease is held until it runs out: no second run of the organisation meanwhile.
        assert.equal((await h.api('POST', '/api/v1/reconciliation/run')).status, 409);

        // The lease runs out (30 minutes, moved back here rather than waited for).
        await sql`update key_value set updated_at = ${new Date(Date.now() - 31 * 60_000).toISOString()} where key = ${`reconciliation.lease:${h.tenantId}`}`.execute(h.rt.store.db);
        await control(h, 'DELETE', '/faults');
        const next = await runNow(h);
        assert.equal(next.outcome, 'complete');
        const [latest, killed] = await repo.runs(h.tenantId, 2);
        assert.equal(latest?.id, next.runId);
        assert.equal(killed?.id, running.id);
        assert.equal(killed?.outcome, 'interrupted');
        assert.ok(killed?.finishedAt && Date.parse(killed.finishedAt) >= Date.parse(running.startedAt));
        assert.match(killed?.message ?? '', /stopped before it finished/);
        // Only runs left by a stopped process are marked: the finished ones keep their outcome.
        assert.equal(await runNow(h).then((r) => r.outcome), 'complete');
        assert.deepEqual(
          (await repo.runs(h.tenantId, 3)).map((r) => r.outcome),
          ['complete', 'complete', 'interrupted'],
        );
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
    });
  });
}
