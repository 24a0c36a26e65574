import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyElementErrors, classifyHttpResponse, classifyNetworkFailure } from '../../src/domain/catalog.ts';
import { DEFAULT_RETRY_POLICY, backoffMs, decideNext, parseRetryAfter } from '../../src/domain/retry.ts';

const now = new Date('2026-11-20T10:00:00.000Z');
const seconds = (d: { kind: string; at?: Date; until?: Date }) => ((d.at ?? d.until)?.getTime() ?? NaN) / 1000 - now.getTime() / 1000;

test('transient: full-jitter backoff, capped, then fail after the max attempts', () => {
  const c = classifyHttpResponse({ status: 500, headers: {}, bodyText: '' });
  const top = decideNext(c, { attempts: 1, headers: {}, now, random: () => 0.999999 });
  assert.equal(top.kind, 'retry');
  assert.ok(seconds(top) <= 5 && seconds(top) > 4.9);
  assert.equal(seconds(decideNext(c, { attempts: 1, headers: {}, now, random: () => 0 })), 0);
  const late = decideNext(c, { attempts: 9, headers: {}, now, random: () => 0.999999 });
  assert.ok(seconds(late) <= 15 * 60 && seconds(late) > 14 * 60, 'capped at 15 minutes');
  assert.deepEqual(decideNext(c, { attempts: 10, headers: {}, now, random: () => 0.5 }), { kind: 'fail' });
  for (let n = 1; n < 40; n++) assert.ok(backoffMs(n, DEFAULT_RETRY_POLICY, () => 0.999) <= DEFAULT_RETRY_POLICY.capMs);
});

test('"The Organisation is offline" waits at least 5 minutes', () => {
  const c = classifyHttpResponse({ status: 503, headers: {}, bodyText: 'The Organisation is offline' });
  const d = decideNext(c, { attempts: 1, headers: {}, now, random: () => 0 });
  assert.equal(d.kind, 'retry');
  assert.equal(seconds(d), 300);
});

test('timeouts and dropped connections retry', () => {
  for (const k of ['timeout', 'connection_reset', 'connection_refused'] as const) {
    assert.equal(decideNext(classifyNetworkFailure(k, ''), { attempts: 2, headers: {}, now, random: () => 0.5 }).kind, 'retry');
  }
});

test('rate limits pause until Retry-After; day limit until the window resets; concurrent briefly', () => {
  const minute = classifyHttpResponse({ status: 429, headers: { 'x-rate-limit-problem': 'minute' }, bodyText: '' });
  const m = decideNext(minute, { attempts: 1, headers: { 'Retry-After': '22' }, now });
  assert.equal(m.kind, 'pause');
  assert.equal(seconds(m), 22);
  const day = classifyHttpResponse({ status: 429, headers: { 'x-rate-limit-problem': 'day' }, bodyText: '' });
  const d = decideNext(day, { attempts: 1, headers: { 'retry-after': '40000' }, now });
  assert.equal(d.kind, 'pause');
  assert.equal(seconds(d), 40000);
  assert.ok(d.kind === 'pause' && /daily API limit/.test(d.reason) && d.reason.includes(new Date(now.getTime() + 40_000_000).toISOString()));
  const noHeader = decideNext(day, { attempts: 1, headers: {}, now });
  assert.equal(seconds(noHeader), 3600);
  const conc = classifyHttpResponse({ status: 429, headers: { 'x-rate-limit-problem': 'concurrent' }, bodyText: '' });
  assert.equal(seconds(decideNext(conc, { attempts: 1, headers: {}, now })), 5);
  // a rate limit never fails, however many attempts
  assert.equal(decideNext(minute, { attempts: 1000, headers: {}, now }).kind, 'pause');
});

test('Retry-After as an HTTP date', () => {
  assert.equal(parseRetryAfter({ 'Retry-After': 'Fri, 20 Nov 2026 10:01:00 GMT' }, now), 60_000);
  assert.equal(parseRetryAfter({ 'Retry-After': 'soon' }, now), undefined);
});

test('auth pauses (connection lost); an expired token retries at once a few times', () => {
  const grant = classifyHttpResponse({ status: 400, headers: {}, bodyText: '{"error":"invalid_grant"}' });
  const d = decideNext(grant, { attempts: 1, headers: {}, now });
  assert.equal(d.kind, 'pause');
  assert.ok(d.kind === 'pause' && /Xero connection lost/.test(d.reason) && /Reconnect/.test(d.reason));
  const expired = classifyHttpResponse({ status: 401, headers: {}, bodyText: '{"Detail":"TokenExpired: token expired at x"}' });
  assert.deepEqual(decideNext(expired, { attempts: 1, headers: {}, now }), { kind: 'retry', at: now });
  assert.equal(decideNext(expired, { attempts: 3, headers: {}, now }).kind, 'pause');
});

test('validation and conflict fail at once, never retried', () => {
  assert.deepEqual(decideNext(classifyElementErrors(['Email address must be valid.']), { attempts: 1, headers: {}, now }), { kind: 'fail' });
  assert.deepEqual(decideNext(classifyElementErrors(['Invoice # must be unique.']), { attempts: 1, headers: {}, now }), { kind: 'fail' });
});
