/**
 * Retries and pauses over real HTTP, on a clock the test moves: whole-batch 500/503s retry with
 * growing backoff per export and fail with a clear action after the last attempt; Xero's daily limit
 * pauses the organisation (never failing anything) and the worker resumes by itself once the
 * sandbox's day window has passed.
 *
 * The worker here is built from the harness's runtime with its own clock: the sandbox's clock (real
 * time plus the offset the test gives it), so that the engine and "Xero" agree on what time it is.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OpenGate } from '../../src/engine/limiter';
import { ExportWorker, type WorkerOptions } from '../../src/engine/worker';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';
import { assertActionable, assertExported, control, countInvoices, customer, exportOf, logMessages, post, salesInvoice } from './helpers';

interface Clock {
  offsetMs: number;
  now(): Date;
}

function testClock(): Clock {
  const c: Clock = { offsetMs: 0, now: () => new Date(Date.now() + c.offsetMs) };
  return c;
}

function workerFor(h: Harness, clock: Clock, options: Partial<WorkerOptions> = {}): ExportWorker {
  const { store, xero, bus, reference, logger } = h.rt;
  // random → 1: the backoff is its ceiling every time, so growth is visible without jitter.
  return new ExportWorker({ store, xero, bus, gate: new OpenGate(), reference, logger, now: () => clock.now(), random: () => 0.999999 }, { pollMs: 10, ...options });
}

async function sandboxOffsetMs(h: Harness): Promise<number> {
  return ((await control(h, 'GET', '/clock')) as { offsetSeconds: number }).offsetSeconds * 1000;
}

for (const kind of databaseKinds()) {
  describe(`retries with backoff (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(kind, { sandbox: { limits: { enabled: false } }, runtime: { noClientLimits: true } });
      await post(h, customer('CUST-T01', 'Retry Customer'));
      await h.drain();
    });
    after(async () => h.close());

    test('a whole-batch 500/503 retries with growing backoff per export, then succeeds once', async () => {
      const clock = testClock();
      const worker = workerFor(h, clock);
      const ids = await post(h, salesInvoice('SO-RT-1', 'CUST-T01'), salesInvoice('SO-RT-2', 'CUST-T01'));
      await control(h, 'POST', '/faults', {
        faults: [
          { kind: 'error500', count: 2, match: { method: 'POST', path: '/Invoices' } },
          { kind: 'unavailable503', count: 2, match: { method: 'POST', path: '/Invoices' } },
        ],
      });
      const waits: number[] = [];
      for (let round = 0; round < 10; round += 1) {
        await worker.drain();
        const e = await exportOf(h, ids[0]!);
        if (e.status !== 'queued') break;
        const other = await exportOf(h, ids[1]!);
        const wait = Date.parse(e.nextAttemptAt ?? '') - clock.now().getTime();
        waits.push(wait);
        assert.equal(e.attempts, round + 1, 'every attempt is counted on the export');
        assert.match(e.reason ?? '', /^retrying: /);
        // Each export's retry time is decided on its own (a few ms apart): move past both, so they stay one batch.
        clock.offsetMs += Math.max(wait, Date.parse(other.nextAttemptAt ?? '') - clock.now().getTime()) + 1;
      }
      assert.equal(waits.length, 4);
      for (let i = 1; i < waits.length; i += 1) assert.ok(waits[i]! > waits[i - 1]!, `backoff grows: ${waits.join(', ')}`);
      assert.ok(waits[0]! >= 4_000 && waits[0]! <= 5_000, `first wait about 5 s: ${waits[0]}`);
      for (const id of ids) {
        const e = await exportOf(h, id);
        assertExported(e);
        assert.equal(e.attempts, 5);
        assert.deepEqual(
          e.attemptsHistory.map((a) => a.httpStatus),
          [500, 500, 503, 503, 200],
        );
      }
      assert.equal(await countInvoices(h, 'SO-RT-1'), 1);
      assert.equal(await countInvoices(h, 'SO-RT-2'), 1);
    });

    test('after the last attempt the export fails with an action that says what was tried; Export gives it a fresh start', async () => {
      const clock = testClock();
      const worker = workerFor(h, clock);
      const [id] = await post(h, salesInvoice('SO-RT-3', 'CUST-T01'));
      await control(h, 'POST', '/faults', { kind: 'error500', count: 10, match: { method: 'POST', path: '/Invoices' } });
      for (let round = 0; round < 12; round += 1) {
        await worker.drain();
        const e = await exportOf(h, id!);
        if (e.status !== 'queued') break;
        clock.offsetMs = Date.parse(e.nextAttemptAt ?? '') - Date.now() + 1;
      }
      const failed = await exportOf(h, id!);
      assertActionable(failed, { code: 'xero_server_error', errorClass: 'transient', error: /internal error|unhandled error/i, action: /tried 10 times.*press Export/s });
      assert.equal(failed.attempts, 10);
      assert.ok((await logMessages(h, 'SO-RT-3', 'error')).length >= 1);

      // Xero is back: a person presses Export and it goes through at once (not failed again after one blip).
      await control(h, 'POST', '/faults', { kind: 'error500', count: 1, match: { method: 'POST', path: '/Invoices' } });
      const res = await h.api('POST', `/api/v1/exports/${id}/retry`);
      assert.equal(res.status, 200);
      await worker.drain();
      const again = await exportOf(h, id!);
      assert.equal(again.status, 'queued', 'one more 500 after Export is retried, not failed at once');
      clock.offsetMs = Date.parse(again.nextAttemptAt ?? '') - Date.now() + 1;
      await worker.drain();
      assertExported(await exportOf(h, id!));
      assert.equal(await countInvoices(h, 'SO-RT-3'), 1);
    });
  });

  describe(`the daily limit pauses the organisation and it resumes by itself (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(kind, { runtime: { noClientLimits: true } });
    });
    after(async () => h.close());

    test('a day-limit 429 pauses (queued, never failed), and after the window the worker resumes on its own', async () => {
      const clock = testClock();
      const worker = workerFor(h, clock, { batchSize: 3 });
      const ids = await post(h, customer('CUST-D01', 'Daily Customer'), ...Array.from({ length: 6 }, (_, i) => salesInvoice(`SO-DAY-${i + 1}`, 'CUST-D01')));
      await h.rt.reference.refresh(h.tenantId);
      const used = (await control(h, 'GET', `/requests?tenantId=${h.tenantId}`)) as { requests?: unknown[]; entries?: unknown[] };
      const usedCalls = (used.requests ?? used.entries ?? []).length;
      assert.ok(usedCalls >= 4, `reference reads are counted: ${usedCalls}`);
      // Room for the contact and one batch of invoices today; the next batch meets the daily limit.
      await control(h, 'PUT', '/limits', { perDay: usedCalls + 2 });

      await worker.drain();
      const status = (await h.api('GET', '/api/v1/status')).json as { queued: number; failed: number; paused: Array<{ until: string; reason: string; code: string }> };
      assert.equal(status.failed, 0);
      assert.equal(status.queued, 3);
      assert.equal(status.paused.length, 1);
      assert.equal(status.paused[0]?.code, 'rate_limit_day');
      assert.match(status.paused[0]?.reason ?? '', /daily API limit.*paused until/);
      const until = Date.parse(status.paused[0]?.until ?? '');
      assert.ok(until > clock.now().getTime(), 'paused until a time still to come');
      for (const id of ids.slice(4)) {
        const e = await exportOf(h, id);
        assert.equal(e.status, 'queued');
        assert.match(e.reason ?? '', /^paused: Xero's daily API limit/);
      }
      assert.ok((await logMessages(h, 'paused until')).length >= 1, 'the log says paused until …');

      // Nothing is sent while paused.
      const before = ((await control(h, 'GET', `/requests?tenantId=${h.tenantId}`)) as { requests?: unknown[] }).requests?.length;
      await worker.drain();
      assert.equal(((await control(h, 'GET', `/requests?tenantId=${h.tenantId}`)) as { requests?: unknown[] }).requests?.length, before);

      // The sandbox's day window passes; the engine's clock is the sandbox's.
      const advance = Math.ceil((until - clock.now().getTime()) / 1000) + 1;
      await control(h, 'POST', '/clock', { advanceSeconds: advance });
      clock.offsetMs = await sandboxOffsetMs(h);
      await worker.drain();
      for (const id of ids) assertExported(await exportOf(h, id));
      await control(h, 'PUT', '/limits', { perDay: 5000 }); // room for the test's own look-ups
      for (let i = 1; i <= 6; i += 1) assert.equal(await countInvoices(h, `SO-DAY-${i}`), 1);
      const after = (await h.api('GET', '/api/v1/status')).json as { paused: unknown[]; failed: number };
      assert.deepEqual(after.paused, []);
      assert.equal(after.failed, 0);
      assert.ok((await logMessages(h, 'resumed')).length >= 1, 'the log says the organisation resumed');
    });
  });
}
