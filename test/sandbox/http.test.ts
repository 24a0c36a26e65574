/** Idempotency, rate limits, faults and the gateway's error shapes, over raw HTTP. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NZ, AU, call, clientToken, control, withSandbox } from './helpers';

const contact = (name: string) => ({ Contacts: [{ Name: name }] });

test('Idempotency-Key: replay, errors cached, different request refused, 128 characters, 6 minutes', async () => {
  await withSandbox(async (s) => {
    const t = await clientToken(s);
    const first = await call(s, t, 'PUT', '/Contacts', { body: contact('A'), headers: { 'idempotency-key': 'k1' } });
    const again = await call(s, t, 'PUT', '/Contacts', { body: contact('A'), headers: { 'idempotency-key': 'k1' } });
    assert.equal(again.status, 200);
    assert.equal(again.text, first.text);
    const other = await call(s, t, 'PUT', '/Contacts', { body: contact('B'), headers: { 'idempotency-key': 'k1' } });
    assert.equal(other.status, 400);
    assert.equal((other.json as { Message: string }).Message, 'Idempotency Key: k1 is used with a different request.');
    const bad = await call(s, t, 'PUT', '/Contacts', { body: { Contacts: [{ EmailAddress: 'x' }] }, headers: { 'idempotency-key': 'k2' } });
    const badAgain = await call(s, t, 'PUT', '/Contacts', { body: { Contacts: [{ EmailAddress: 'x' }] }, headers: { 'idempotency-key': 'k2' } });
    assert.equal(bad.status, 400);
    assert.equal(badAgain.text, bad.text);
    assert.equal((await call(s, t, 'PUT', '/Contacts', { body: contact('C'), headers: { 'idempotency-key': 'x'.repeat(129) } })).status, 400);
    const journal = (await control(s, 'GET', '/requests?path=contacts')).json as { requests: Array<{ idempotencyKey: string; replayed: boolean }> };
    assert.deepEqual(
      journal.requests.filter((r) => r.idempotencyKey === 'k1').map((r) => r.replayed),
      [false, true, false],
    );
    await control(s, 'POST', '/clock', { advanceSeconds: 361 });
    const expired = await call(s, t, 'PUT', '/Contacts', { body: contact('A'), headers: { 'idempotency-key': 'k1' } });
    assert.match(JSON.stringify(expired.json), /already assigned to another contact/, 'after 6 minutes the key is new again');
    const contacts = (await call(s, t, 'GET', '/Contacts?where=Name=="A"')).json as { Contacts: unknown[] };
    assert.equal(contacts.Contacts.length, 1);
  });
});

test('rate limits: 60 a minute, fixed windows, Retry-After, headers; checked before idempotency', async () => {
  await withSandbox(async (s) => {
    const t = await clientToken(s);
    let last = await call(s, t, 'GET', '/Organisation');
    assert.equal(last.headers.get('x-minlimit-remaining'), '59');
    assert.equal(last.headers.get('x-daylimit-remaining'), '4999');
    assert.equal(last.headers.get('x-appminlimit-remaining'), '9999');
    let limited = last;
    for (let i = 0; i < 60 && limited.status !== 429; i++) limited = await call(s, t, 'GET', '/Organisation');
    assert.equal(limited.status, 429);
    assert.equal(limited.text, '');
    assert.equal(limited.headers.get('x-rate-limit-problem'), 'minute');
    assert.equal(limited.headers.get('x-minlimit-remaining'), '0');
    const retry = Number(limited.headers.get('retry-after'));
    assert.ok(retry >= 1 && retry <= 60);
    const replay = await call(s, t, 'PUT', '/Contacts', { body: contact('Z'), headers: { 'idempotency-key': 'kk' } });
    assert.equal(replay.status, 429, 'rate limits come before idempotency');
    assert.equal((await call(s, t, 'GET', '/Organisation', { tenant: AU })).status, 200, 'limits are per organisation');
    await control(s, 'POST', '/clock', { advanceSeconds: retry });
    last = await call(s, t, 'GET', '/Organisation');
    assert.equal(last.status, 200);
    assert.equal(last.headers.get('x-minlimit-remaining'), '59');
  });
});

test('rate limits: day limit (starter tier), concurrency, app-wide minute; limits can be switched off', async () => {
  await withSandbox(async (s) => {
    const t = await clientToken(s);
    await control(s, 'PUT', '/limits', { perDay: 3, perMinute: 1000 });
    for (let i = 0; i < 3; i++) assert.equal((await call(s, t, 'GET', '/Organisation')).status, 200);
    const day = await call(s, t, 'GET', '/Organisation');
    assert.equal(day.headers.get('x-rate-limit-problem'), 'day');
    assert.ok(Number(day.headers.get('retry-after')) > 0);
    await control(s, 'PUT', '/limits', { tier: 'standard', appPerMinute: 5 });
    const app = await call(s, t, 'GET', '/Organisation', { tenant: AU });
    assert.equal(app.status, 200);
    for (let i = 0; i < 2; i++) await call(s, t, 'GET', '/Organisation', { tenant: AU });
    const appLimited = await call(s, t, 'GET', '/Organisation', { tenant: AU });
    assert.equal(appLimited.headers.get('x-rate-limit-problem'), 'appminute');
    assert.equal(appLimited.headers.get('retry-after'), null);
    await control(s, 'PUT', '/limits', { appPerMinute: 10000, concurrent: 5 });
    await control(s, 'POST', '/clock', { advanceSeconds: 120 });
    await control(s, 'POST', '/faults', { kind: 'latency', latencyMs: 300, count: 5 });
    const burst = await Promise.all(Array.from({ length: 6 }, () => call(s, t, 'GET', '/Organisation', { tenant: AU })));
    const conc = burst.filter((r) => r.status === 429);
    assert.equal(conc.length, 1);
    assert.equal(conc[0]?.headers.get('x-rate-limit-problem'), 'concurrent');
    assert.equal(conc[0]?.headers.get('retry-after'), null);
    await control(s, 'PUT', '/limits', { enabled: false });
    const many = await Promise.all(Array.from({ length: 20 }, () => call(s, t, 'GET', '/Organisation')));
    assert.ok(many.every((r) => r.status === 200));
  });
});

test('faults: 500, 503 offline as plain text, 429 burst, drop, hang, rate, and after-commit', async () => {
  await withSandbox(async (s) => {
    const t = await clientToken(s);
    await control(s, 'POST', '/faults', {
      faults: [
        { kind: 'error500', count: 1 },
        { kind: 'offline503', count: 1 },
        { kind: 'rate429', count: 1, problem: 'minute', retryAfter: 7 },
      ],
    });
    const e500 = await call(s, t, 'GET', '/Organisation');
    assert.equal(e500.status, 500);
    const e503 = await call(s, t, 'GET', '/Organisation');
    assert.equal(e503.status, 503);
    assert.equal(e503.text, 'The Organisation is offline');
    assert.match(e503.headers.get('content-type') ?? '', /text\/plain/);
    const r429 = await call(s, t, 'GET', '/Organisation');
    assert.equal(r429.status, 429);
    assert.equal(r429.headers.get('retry-after'), '7');
    assert.equal((await call(s, t, 'GET', '/Organisation')).status, 200);
    await control(s, 'POST', '/faults', { kind: 'drop', count: 1 });
    await assert.rejects(call(s, t, 'GET', '/Organisation'));
    await control(s, 'POST', '/faults', { kind: 'hang', count: 1 });
    await assert.rejects(fetch(`${s.url}/api.xro/2.0/Organisation`, { headers: { authorization: `Bearer ${t}`, 'xero-tenant-id': NZ }, signal: AbortSignal.timeout(300) }));
    await control(s, 'POST', '/faults', { kind: 'error500', rate: 0.5, count: 2, match: { path: '/Accounts' } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(s, t, 'GET', '/Accounts')).status);
    assert.deepEqual(statuses, [200, 500, 200, 500]);
    // Lost answer after commit: the contact exists and a retry with the same key replays the success.
    await control(s, 'POST', '/faults', { kind: 'drop', phase: 'after', count: 1 });
    await assert.rejects(call(s, t, 'PUT', '/Contacts', { body: contact('Lost'), headers: { 'idempotency-key': 'lost-1' } }));
    const retry = await call(s, t, 'PUT', '/Contacts', { body: contact('Lost'), headers: { 'idempotency-key': 'lost-1' } });
    assert.equal(retry.status, 200);
    const journal = (await control(s, 'GET', '/requests?tenantId=' + NZ)).json as { requests: Array<{ fault: string | null; status: number | null }> };
    assert.ok(journal.requests.some((r) => r.fault === 'drop' && r.status === null));
  });
});

test('gateway errors: 401 expired and bad tokens, 403 tenant, 404 plain text; paths case-insensitive', async () => {
  await withSandbox(async (s) => {
    const t = await clientToken(s);
    const none = await call(s, 'garbage', 'GET', '/Invoices');
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer error=invalid_token');
    const body = none.json as Record<string, unknown>;
    assert.deepEqual({ ...body, Instance: 'x' }, { Type: null, Title: 'Unauthorized', Status: 401, Detail: 'AuthenticationUnsuccessful', Instance: 'x', Extensions: {} });
    assert.equal(body.Instance, none.headers.get('xero-correlation-id'));
    const forbidden = await call(s, t, 'GET', '/Invoices', { tenant: '00000000-0000-0000-0000-000000000001' });
    assert.equal(forbidden.status, 403);
    assert.equal((forbidden.json as { Detail: string }).Detail, 'AuthenticationUnsuccessful');
    const missing = await call(s, t, 'GET', '/Invoices/00000000-0000-0000-0000-000000000009');
    assert.equal(missing.status, 404);
    assert.equal(missing.text, "The resource you're looking for cannot be found");
    assert.equal((await call(s, t, 'GET', '/TAXRATES')).status, 200);
    const weird = await fetch(`${s.url}/API.XRO/2.0/accounts`, { headers: { authorization: `Bearer ${t}`, 'xero-tenant-id': NZ } });
    assert.equal(weird.status, 200);
    await control(s, 'POST', '/clock', { advanceSeconds: 1801 });
    const expired = await call(s, t, 'GET', '/Invoices');
    assert.equal(expired.status, 401);
    assert.match((expired.json as { Detail: string }).Detail, /^TokenExpired: token expired at \d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/);
  });
});

test('lists: paging, IDs, Statuses, where, order, If-Modified-Since, summaryOnly', async () => {
  await withSandbox(async (s) => {
    const t = await clientToken(s);
    await control(s, 'PUT', '/limits', { enabled: false });
    const invoices = Array.from({ length: 5 }, (_, i) => ({
      Type: 'ACCREC',
      Contact: { Name: 'Boom FM' },
      Date: `2026-01-0${i + 1}`,
      Status: i % 2 ? 'DRAFT' : 'AUTHORISED',
      LineItems: [{ Description: 'x', Quantity: 1, UnitAmount: 10 * (i + 1), AccountCode: '200' }],
    }));
    await call(s, t, 'PUT', '/Invoices', { body: { Invoices: invoices } });
    const page = (await call(s, t, 'GET', '/Invoices?page=2&pageSize=2')).json as { pagination: unknown; Invoices: Array<{ InvoiceNumber: string }> };
    assert.deepEqual(page.pagination, { page: 2, pageSize: 2, pageCount: 3, itemCount: 5 });
    assert.deepEqual(
      page.Invoices.map((i) => i.InvoiceNumber),
      ['INV-0003', 'INV-0004'],
    );
    const drafts = (await call(s, t, 'GET', '/Invoices?Statuses=DRAFT')).json as { Invoices: unknown[] };
    assert.equal(drafts.Invoices.length, 2);
    const where = (await call(s, t, 'GET', `/Invoices?where=${encodeURIComponent('Total>=34.5 AND Status=="AUTHORISED" && Date>=DateTime(2026,01,02)')}&order=Total DESC`)).json as {
      Invoices: Array<{ Total: number }>;
    };
    assert.deepEqual(
      where.Invoices.map((i) => i.Total),
      [57.5, 34.5],
    );
    const bad = await call(s, t, 'GET', `/Invoices?where=${encodeURIComponent('Total >>> 3')}`);
    assert.equal(bad.status, 400);
    const one = page.Invoices[0] as unknown as { InvoiceID: string };
    const ids = (await call(s, t, 'GET', `/Invoices?IDs=${one.InvoiceID}`)).json as { Invoices: unknown[] };
    assert.equal(ids.Invoices.length, 1);
    await control(s, 'POST', '/clock', { advanceSeconds: 10 });
    const since = new Date(Date.now() + 5000).toISOString();
    await call(s, t, 'POST', `/Invoices/${one.InvoiceID}`, { body: { Invoices: [{ Reference: 'touched' }] } });
    const modified = (await call(s, t, 'GET', '/Invoices', { headers: { 'if-modified-since': since } })).json as { Invoices: Array<{ Reference: string }> };
    assert.deepEqual(
      modified.Invoices.map((i) => i.Reference),
      ['touched'],
    );
    const summary = (await call(s, t, 'GET', '/Invoices?summaryOnly=true')).json as { Invoices: Array<Record<string, unknown>> };
    assert.equal(summary.Invoices[0]?.LineItems, undefined);
  });
});
