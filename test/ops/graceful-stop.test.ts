/**
 * Graceful stop of a real `xport worker` mid-export (writes slowed by the sandbox): SIGTERM stops
 * claiming, the batch in flight finishes, or is handed back when XPORT_SHUTDOWN_MS passes first;
 * the process logs "stopped" and exits 0 within the bound; nothing is left `exporting`; after a
 * restart every document is in Xero exactly once. The same run checks the operator log lines.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mixedBacklog } from '../reliability/lib/documents';
import { sandboxApi, verifyExactlyOnce } from '../reliability/lib/verify';
import { waitUntil } from '../helpers/processes';
import { countStatus, opsWorld, spawnXport, type OpsWorld } from './harness';

const WRITE = { method: 'POST' };

async function settleAndVerify(w: OpsWorld, prefix: string, mustFail: Set<string>): Promise<void> {
  const worker = spawnXport(['worker'], w.env);
  try {
    const settled = await waitUntil(
      async () => {
        const c = await countStatus(w);
        return c.queued + c.exporting + c.waiting === 0;
      },
      60_000,
      200,
    );
    assert.ok(settled, `the backlog settles after the restart: ${JSON.stringify(await countStatus(w))}\n${worker.stdout().slice(-3000)}`);
  } finally {
    await worker.stop();
  }
  const api = await sandboxApi(w.sandbox.url, w.sandbox.clientId, w.sandbox.clientSecret, w.tenantId);
  const v = await verifyExactlyOnce(w.rt.store, w.tenantId, api, mustFail, [prefix]);
  assert.deepEqual(v.duplicates, [], 'nothing is in Xero twice');
  assert.deepEqual(v.missing, [], 'every exported document is in Xero');
  assert.deepEqual(v.unfinished, []);
  assert.equal(v.exactlyOnce + v.failed, v.documents);
}

function assertLogLines(records: Array<Record<string, unknown>>, secrets: string[], text: string): void {
  const msgs = records.map((r) => r.msg);
  assert.ok(
    msgs.some((m) => typeof m === 'string' && m.startsWith('xport worker running')),
    'a start-up line',
  );
  assert.ok(
    msgs.some((m) => typeof m === 'string' && m.startsWith('stopping')),
    'a stopping line',
  );
  assert.equal(records.at(-1)?.msg, 'stopped', 'the last line says stopped');
  const batch = records.find((r) => r.msg === 'xero batch');
  assert.ok(batch, 'a line per Xero call batch');
  assert.equal(typeof batch.endpoint, 'string');
  assert.equal(typeof batch.elements, 'number');
  assert.equal(typeof batch.durationMs, 'number');
  assert.ok(batch.status === 200 || typeof batch.status === 'number');
  assert.ok(batch.limitsLeft && typeof (batch.limitsLeft as { minute: unknown }).minute === 'number', 'limits left are logged');
  for (const s of secrets) assert.ok(!text.includes(s), 'no secret in the log');
  assert.doesNotMatch(text, /Bearer |eyJ[A-Za-z0-9_-]{10,}/, 'no token in the log');
}

describe('graceful stop of a real worker mid-export (sqlite)', () => {
  let w: OpsWorld;
  before(async () => {
    w = await opsWorld('sqlite');
  });
  after(async () => {
    await w?.close();
  });

  test('SIGTERM during a slow write: the batch finishes, "stopped", exit 0 in the bound, then exactly once', { timeout: 120_000 }, async () => {
    const backlog = mixedBacklog(150, 'G1-');
    await w.ingest(backlog.documents);
    await w.arm([{ kind: 'latency', rate: 1, latencyMs: 700, phase: 'before', problem: 'minute', match: WRITE }]);
    const worker = spawnXport(['worker'], { ...w.env, XPORT_SHUTDOWN_MS: '6000' });
    assert.ok(await waitUntil(async () => (await w.inFlightWrites()) > 0, 30_000, 20), `a write goes out\n${worker.stderr()}`);
    const { code, ms } = await worker.stop('SIGTERM');
    assert.equal(code, 0, worker.stderr());
    assert.ok(ms < 6000 + 1500, `stopped within the bound (${ms} ms)`);
    assert.equal((await countStatus(w)).exporting, 0, 'nothing is left exporting');
    assertLogLines(worker.records(), [w.sandbox.clientSecret], worker.stdout());
    await w.disarm();
    await settleAndVerify(w, 'G1-', backlog.mustFail);
  });

  test('a write slower than XPORT_SHUTDOWN_MS: handed back, exit 0 in the bound, then exactly once', { timeout: 120_000 }, async () => {
    const backlog = mixedBacklog(100, 'G2-');
    await w.ingest(backlog.documents);
    await w.arm([{ kind: 'latency', rate: 1, latencyMs: 1800, phase: 'before', problem: 'minute', match: WRITE }]);
    const worker = spawnXport(['worker'], { ...w.env, XPORT_SHUTDOWN_MS: '1000' });
    assert.ok(await waitUntil(async () => (await w.inFlightWrites()) > 0, 30_000, 20), `a write goes out\n${worker.stderr()}`);
    const { code, ms } = await worker.stop('SIGINT');
    assert.equal(code, 0, worker.stderr());
    assert.ok(ms < 1000 + 1500, `stopped within the bound (${ms} ms)`);
    const c = await countStatus(w);
    assert.equal(c.exporting, 0, 'nothing is left exporting');
    const handedBack = worker.records().find((r) => typeof r.msg === 'string' && r.msg.startsWith('in-flight exports handed back'));
    assert.ok(handedBack && Number(handedBack.exports) > 0, `the hand-back is logged\n${worker.stdout()}`);
    assert.equal(worker.records().at(-1)?.msg, 'stopped');
    // The slow write lands in Xero after the process has gone: the restart must find it, not send it again.
    await w.disarm();
    await settleAndVerify(w, 'G2-', backlog.mustFail);
  });
});
