/** `xport reconcile` as a separate process on the database a running xport uses: the run and the differences, as a table and as JSON. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { startHarness, type Harness } from '../helpers/harness';
import { sandboxEnv } from '../helpers/sandbox-env';
import { customer, post, salesInvoice } from '../engine-e2e/helpers';
import { inXero, outbox } from './helpers';

const run = promisify(execFile);

async function xport(h: Harness, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, XPORT_LOG_LEVEL: 'silent', XPORT_DATABASE_URL: h.db.url, ...sandboxEnv(h.sandbox) };
  try {
    const r = await run(process.execPath, [path.resolve('bin/xport.js'), ...args], { env, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('xport reconcile', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('sqlite', { sandbox: { limits: { enabled: false } }, runtime: { noClientLimits: true } });
    await post(h, customer('CUST-C', 'CLI Customer'));
    await h.drain();
    const [id] = await post(h, salesInvoice('SO-C1', 'CUST-C'), salesInvoice('SO-C2', 'CUST-C'));
    await h.drain();
    await inXero(h, id ?? 0, 'void');
  });
  after(async () => h.close());

  test('prints the run and the differences; --json in the API shapes; the event is in the outbox', { timeout: 120_000 }, async () => {
    const table = await xport(h, ['reconcile', '--tenant', h.tenantId]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stderr, /Reconciled: 2 documents read from Xero, 1 new difference/);
    const lines = table.stdout.trim().split('\n');
    assert.equal(lines[0], 'kind\tsourceId\tissue\txeroStatus\txportTotal\txeroTotal\taction\tsince');
    assert.equal(lines.length, 2);
    assert.match(lines[1] ?? '', /^sales_invoice\tSO-C1\tvoided_in_xero\tVOIDED\t45\.89\t45\.89\tRe-export it as a new document\t/);
    const json = await xport(h, ['reconcile', '--json', '--tenant', h.tenantId]);
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout) as { run: { newDifferences: unknown[]; outcome: string }; documents: Array<{ sourceId: string; issue: string }> };
    assert.equal(out.run.outcome, 'complete');
    assert.deepEqual(out.run.newDifferences, [], 'reported once, by the first run');
    assert.deepEqual(
      out.documents.map((d) => `${d.sourceId}:${d.issue}`),
      ['SO-C1:voided_in_xero'],
    );
    assert.equal((await outbox(h, 'document.changed_in_xero')).length, 1);
  });
});
