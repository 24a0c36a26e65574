/**
 * xport's Standard Webhooks signatures verify with the standardwebhooks library for any body and
 * secret; receiver URLs are checked over hostile strings; retries last at least 24 hours.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { newSecret, nextAttemptAt, receiverUrlProblem, RETRY_SCHEDULE_S, signedHeaders } from '../../src/engine/write-back-events';

const HOSTILE = [
  '',
  ' ',
  'javascript:alert(1)',
  'file:///etc/passwd',
  'ftp://x.test/',
  'http://',
  '//x.test/',
  'x.test',
  'https://user:pw@x.test/',
  'https://:pw@x.test/',
  'data:text/plain,hi',
  `https://x.test/${'a'.repeat(2100)}`,
  'https://x.test/\u0000',
  'gopher://x.test/',
];

test('signatures verify with the standardwebhooks library for generated bodies, ids and secrets', () => {
  for (let i = 0; i < 200; i++) {
    const secret = newSecret();
    const body = JSON.stringify({ type: 'export.exported', timestamp: new Date().toISOString(), data: { s: crypto.randomBytes(i).toString('latin1'), n: i, emoji: '🧾', quote: '"\\' } });
    const headers = signedHeaders(secret, `msg_${i}`, body, new Date());
    assert.deepEqual(new Webhook(secret).verify(body, headers), JSON.parse(body));
    assert.throws(() => new Webhook(newSecret()).verify(body, headers), 'another secret does not verify');
    assert.throws(() => new Webhook(secret).verify(`${body} `, headers), 'a changed body does not verify');
  }
});

test('receiver URLs: http and https only, absolute, no credentials', () => {
  for (const url of HOSTILE) assert.notEqual(receiverUrlProblem(url), null, url);
  for (const url of ['http://127.0.0.1:8080/hook', 'https://erp.example.com/xport?x=1', 'https://[::1]/h']) assert.equal(receiverUrlProblem(url), null, url);
});

test('retries go on for at least 24 hours, then the delivery fails', () => {
  const start = new Date('2026-12-01T00:00:00Z');
  let at = start;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    const next = nextAttemptAt(attempts, at);
    if (!next) break;
    at = next;
  }
  assert.equal(attempts, RETRY_SCHEDULE_S.length + 1);
  assert.ok(at.getTime() - start.getTime() >= 24 * 3_600_000);
});
