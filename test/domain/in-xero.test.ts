import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isUncertain, lookupNeed, mayStillLand, type AttemptRecord } from '../../src/domain/in-xero';

const NOW = new Date('2026-12-02T10:00:00.000Z');
const SETTLE = 4000;
const at = (msAgo: number) => new Date(NOW.getTime() - msAgo).toISOString();
const attempt = (outcome: string | null, msAgo: number, batchId = `b${msAgo}`, httpStatus: number | null = null): AttemptRecord => ({ batchId, outcome, httpStatus, startedAt: at(msAgo) });
const none = { uncertain: false, lastStartedAt: null };

describe('is it already in Xero?', () => {
  test('no attempt, nothing handed back: send without a look-up', () => {
    assert.deepEqual(lookupNeed({ needsReconcile: false, attempts: [], earlier: none, now: NOW, settleMs: SETTLE }), { kind: 'none' });
  });

  test('verdicts need no look-up: a 429, a 401, a 413, an element refused', () => {
    const attempts = ['rate_limited', 'auth', 'refused', 'error'].map((o, i) => attempt(o, 60_000 + i));
    assert.deepEqual(lookupNeed({ needsReconcile: false, attempts, earlier: none, now: NOW, settleMs: SETTLE }), { kind: 'none' });
  });

  test('an unanswered call is looked up once it can no longer land, recorded against that call', () => {
    const attempts = [attempt('error', 90_000), attempt(null, 10_000, 'lost')];
    assert.deepEqual(lookupNeed({ needsReconcile: true, attempts, earlier: none, now: NOW, settleMs: SETTLE }), { kind: 'now', batchId: 'lost' });
  });

  test('a call that started less than the settle time ago is looked up later, at its start plus the settle time', () => {
    const need = lookupNeed({ needsReconcile: false, attempts: [attempt('unknown', 1000)], earlier: none, now: NOW, settleMs: SETTLE });
    assert.deepEqual(need, { kind: 'later', at: new Date(NOW.getTime() - 1000 + SETTLE) });
  });

  test("a 500 or 503 is the server's own answer: looked up at once; a 504 from a gateway waits like no answer", () => {
    for (const status of [500, 503]) {
      assert.deepEqual(lookupNeed({ needsReconcile: false, attempts: [attempt('transient', 100, 'k', status)], earlier: none, now: NOW, settleMs: SETTLE }), { kind: 'now', batchId: 'k' });
    }
    assert.equal(lookupNeed({ needsReconcile: false, attempts: [attempt('transient', 100, 'k', 504)], earlier: none, now: NOW, settleMs: SETTLE }).kind, 'later');
  });

  test("an earlier revision's unanswered call counts, and its start time too", () => {
    const earlier = { uncertain: true, lastStartedAt: at(500) };
    assert.equal(lookupNeed({ needsReconcile: false, attempts: [], earlier, now: NOW, settleMs: SETTLE }).kind, 'later');
    const settled = { uncertain: true, lastStartedAt: at(SETTLE + 1) };
    assert.deepEqual(lookupNeed({ needsReconcile: false, attempts: [], earlier: settled, now: NOW, settleMs: SETTLE }), { kind: 'now', batchId: null });
  });

  test('handed back with no attempt on record (a failed round before the call): looked up now', () => {
    assert.deepEqual(lookupNeed({ needsReconcile: true, attempts: [], earlier: none, now: NOW, settleMs: SETTLE }), { kind: 'now', batchId: null });
  });

  test('property: never sent blind while an uncertain call exists, never looked up before every call that may still land has settled', () => {
    const outcome = fc.constantFrom(null, 'unknown', 'transient', 'ok', 'error', 'rate_limited', 'auth', 'refused');
    const anAttempt = fc.record({ outcome, msAgo: fc.integer({ min: 0, max: 3 * SETTLE }), httpStatus: fc.constantFrom(null, 500, 503, 504) });
    fc.assert(
      fc.property(fc.array(anAttempt, { maxLength: 6 }), fc.boolean(), fc.option(fc.integer({ min: 0, max: 3 * SETTLE })), (list, needsReconcile, earlierAgo) => {
        const attempts = list.map((a, i) => attempt(a.outcome, a.msAgo, `k${i}`, a.httpStatus));
        const earlier = earlierAgo === null ? none : { uncertain: true, lastStartedAt: at(earlierAgo) };
        const need = lookupNeed({ needsReconcile, attempts, earlier, now: NOW, settleMs: SETTLE });
        const uncertain = list.filter((a) => isUncertain(a));
        if (uncertain.length > 0 || earlierAgo !== null || needsReconcile) assert.notEqual(need.kind, 'none', 'an uncertain attempt is always looked up');
        const uncertainAges = [...uncertain.filter((a) => mayStillLand(a)).map((a) => a.msAgo), ...(earlierAgo === null ? [] : [earlierAgo])];
        const youngest = Math.min(...uncertainAges);
        if (uncertainAges.length > 0 && youngest < SETTLE) {
          assert.equal(need.kind, 'later');
          if (need.kind === 'later') assert.equal(need.at.getTime(), NOW.getTime() - youngest + SETTLE);
        }
        if (need.kind === 'now' && need.batchId !== null) assert.ok(isUncertain(list[Number(need.batchId.slice(1))] ?? { outcome: 'ok' }), 'recorded against an uncertain attempt');
      }),
      { numRuns: 500 },
    );
  });
});
