import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CATALOG,
  PREVALIDATION_CODES,
  catalogEntry,
  classifyElementErrors,
  classifyHttpResponse,
  classifyNetworkFailure,
  prevalidationFailure,
  type XportFailureCode,
} from '../../src/domain/catalog.ts';
import { SECTION_2_5, SEED_ROWS } from './catalog-messages.ts';

const json = (o: unknown) => JSON.stringify(o);
const validation400 = (...messages: string[]) => ({
  status: 400,
  headers: { 'content-type': 'application/json' },
  bodyText: json({
    ErrorNumber: 10,
    Type: 'ValidationException',
    Message: 'A validation exception occurred',
    Elements: [{ InvoiceID: 'x', HasErrors: true, ValidationErrors: messages.map((Message) => ({ Message })) }],
  }),
});

test('codes are unique snake_case and every entry has a cause and an action', () => {
  const codes = CATALOG.map((e) => e.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const e of CATALOG) {
    assert.match(e.code, /^[a-z][a-z0-9_]*$/);
    assert.ok(e.cause.length > 20 && e.action.length > 20, e.code);
  }
});

for (const [message, code, cls, action] of SEED_ROWS) {
  test(`seed row → ${code}`, () => {
    const c = classifyElementErrors([message]);
    assert.equal(c.code, code);
    assert.equal(c.class, cls);
    assert.equal(c.message, message);
    assert.match(c.action, action);
    assert.doesNotMatch(c.cause + c.action, /\{\w+\}/);
  });
}

test('seed row: the daily limit is a pause-class rate limit, not a failure', () => {
  const c = classifyHttpResponse({ status: 429, headers: { 'X-Rate-Limit-Problem': 'day', 'Retry-After': '3600' }, bodyText: '' });
  assert.equal(c.code, 'rate_limit_day');
  assert.equal(c.class, 'rate_limited');
  assert.match(c.message, /daily API limit/);
  assert.match(c.action, /pauses .* resumes by itself/);
});

for (const [message, code] of SECTION_2_5) {
  test(`§2.5 "${message.slice(0, 50)}" → ${code}`, () => {
    const c = classifyElementErrors([message]);
    assert.equal(c.code, code);
    assert.equal(c.message, message);
    assert.doesNotMatch(c.cause + c.action, /\{\w+\}/, 'no unfilled placeholder');
  });
}

test('captured parts reach cause and action', () => {
  const c = classifyElementErrors(['The total debits (100.00) must equal total credits (-10.00)']);
  assert.match(c.cause, /debits 100\.00 and credits -10\.00/);
  const a = classifyElementErrors(["Account code '999' is not a valid code for this document."]);
  assert.match(a.action, /'999'/);
  const l = classifyElementErrors(['The document date cannot be before the period lock date, currently set at 30-Nov-2018']);
  assert.match(l.cause, /\(30-Nov-2018\)/);
});

test('a specific message wins over the generic "Account must be valid"', () => {
  const c = classifyElementErrors(['Account must be valid.', "Account code '999' is not a valid code for this document.", 'Account must be valid.']);
  assert.equal(c.code, 'account_code_invalid');
  assert.equal(c.message, "Account must be valid.; Account code '999' is not a valid code for this document.");
});

test('an unknown message is shown verbatim with a generic action', () => {
  const c = classifyElementErrors(['Something Xero never said before']);
  assert.equal(c.code, 'xero_validation_error');
  assert.equal(c.class, 'validation');
  assert.equal(c.message, 'Something Xero never said before');
  assert.match(c.action, /Xero's own message/);
  const h = classifyHttpResponse(validation400('Brand new rule'));
  assert.equal(h.code, 'xero_validation_error');
  assert.equal(h.message, 'Brand new rule');
});

test('a 400 ValidationException is classified by its elements', () => {
  const c = classifyHttpResponse(validation400('Organisation is not subscribed to currency EUR'));
  assert.equal(c.code, 'currency_not_enabled');
  assert.match(c.action, /Add EUR in Xero/);
});

test('401, 403, 404 and invalid_grant', () => {
  const expired = classifyHttpResponse({
    status: 401,
    headers: {},
    bodyText: json({ Type: null, Title: 'Unauthorized', Status: 401, Detail: 'TokenExpired: token expired at 04/29/2020 09:22:02', Instance: 'x', Extensions: {} }),
  });
  assert.deepEqual([expired.code, expired.class], ['auth_token_expired', 'auth']);
  assert.equal(expired.message, 'TokenExpired: token expired at 04/29/2020 09:22:02');
  const unauth = classifyHttpResponse({ status: 401, headers: {}, bodyText: json({ Title: 'Unauthorized', Status: 401, Detail: 'AuthenticationUnsuccessful' }) });
  assert.deepEqual([unauth.code, unauth.class], ['auth_unauthorized', 'auth']);
  const forbidden = classifyHttpResponse({ status: 403, headers: {}, bodyText: json({ Title: 'Forbidden', Status: 403, Detail: 'AuthenticationUnsuccessful' }) });
  assert.deepEqual([forbidden.code, forbidden.class], ['auth_forbidden', 'auth']);
  const scope = classifyHttpResponse({ status: 403, headers: {}, bodyText: json({ Detail: 'AuthorizationUnsuccessful' }) });
  assert.equal(scope.code, 'auth_scope_missing');
  const grant = classifyHttpResponse({ status: 400, headers: {}, bodyText: json({ error: 'invalid_grant' }) });
  assert.deepEqual([grant.code, grant.class], ['auth_invalid_grant', 'auth']);
  assert.match(grant.action, /Settings → Xero connection/);
  const nf = classifyHttpResponse({ status: 404, headers: { 'content-type': 'text/html' }, bodyText: "The resource you're looking for cannot be found" });
  assert.deepEqual([nf.code, nf.class, nf.message], ['not_found', 'conflict', "The resource you're looking for cannot be found"]);
});

test('429 variants by X-Rate-Limit-Problem', () => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ 'x-rate-limit-problem': 'minute', 'retry-after': '22' }, 'rate_limit_minute'],
    [{ 'X-Rate-Limit-Problem': 'day' }, 'rate_limit_day'],
    [{ 'x-rate-limit-problem': 'DayLimit' }, 'rate_limit_day'],
    [{ 'x-rate-limit-problem': 'concurrent' }, 'rate_limit_concurrent'],
    [{ 'x-rate-limit-problem': 'appminute' }, 'rate_limit_app'],
    [{}, 'rate_limit'],
  ];
  for (const [headers, code] of cases) {
    const c = classifyHttpResponse({ status: 429, headers, bodyText: '' });
    assert.equal(c.code, code);
    assert.equal(c.class, 'rate_limited');
    assert.ok(c.message.length > 0);
  }
});

test('5xx: maintenance, temporarily unavailable, Organisation offline, 500, HTML', () => {
  const m = (status: number, bodyText: string) => classifyHttpResponse({ status, headers: {}, bodyText });
  assert.equal(m(503, 'The Xero API is currently offline for maintenance').code, 'xero_maintenance');
  assert.equal(m(503, 'The Xero API is temporarily unavailable').code, 'xero_unavailable');
  const off = m(503, 'The Organisation is offline');
  assert.deepEqual([off.code, off.class, off.message], ['organisation_offline', 'transient', 'The Organisation is offline']);
  assert.equal(m(500, 'An unhandled error with the Xero API occurred. Contact the Xero API team if problems persist.').class, 'transient');
  const seed500 = m(500, 'Response status code does not indicate success: 500 (Internal Server Error).');
  assert.deepEqual([seed500.code, seed500.class], ['xero_server_error', 'transient']);
  const html = m(500, '<html><body><h1>500 Internal Server Error</h1></body></html>');
  assert.equal(html.message, '500 Internal Server Error');
  assert.equal(m(502, '').message, 'Xero is temporarily unavailable (HTTP 502).');
  assert.equal(m(599, 'odd').code, 'xero_unexpected_error');
  assert.equal(m(418, 'teapot').code, 'xero_validation_error');
});

test('idempotency key reuse is transient (a new key after a look-up)', () => {
  const c = classifyHttpResponse({ status: 400, headers: {}, bodyText: json({ Message: 'Idempotency Key: abc-1 is used with a different request.' }) });
  assert.deepEqual([c.code, c.class], ['idempotency_key_reused', 'transient']);
});

test('network failures', () => {
  assert.deepEqual(
    (['timeout', 'connection_reset', 'connection_refused', 'unknown'] as const).map((k) => classifyNetworkFailure(k, 'boom').code),
    ['network_timeout', 'connection_dropped', 'connection_refused', 'network_error'],
  );
  const t = classifyNetworkFailure('timeout', 'after 30000 ms');
  assert.equal(t.class, 'transient');
  assert.equal(t.message, 'No answer from Xero in time (after 30000 ms).');
  assert.match(t.action, /never created twice/);
});

test('every pre-validation code renders without unfilled placeholders given its parameters', () => {
  const params = {
    date: '2026-01-05',
    lockDate: '2026-01-31',
    code: '999',
    source: 'line 1 (sales)',
    what: 'Line 2',
    value: '0.004',
    taxType: 'OUTPUT2',
    taxCode: 'G.S.T.',
    accountClass: 'EXPENSE',
    direction: 'sales',
    taxNumber: '1',
    label: 'GST number',
    country: 'NZ',
    format: '8 or 9 digits',
    email: 'a b',
    reason: 'it contains a space',
    contact: 'CUST-1',
    contactKind: 'customer',
    debits: '1.00',
    credits: '-0.50',
    currency: 'EUR',
    category: 'Region',
    option: 'North',
  };
  assert.ok(PREVALIDATION_CODES.length >= 12);
  for (const code of PREVALIDATION_CODES) {
    const c = prevalidationFailure(code, params);
    assert.equal(c.code, code);
    assert.doesNotMatch(c.message + c.cause + c.action, /\{\w+\}/, code);
  }
  // Refused by the compiler; at run time (a code from outside TypeScript) they throw.
  // @ts-expect-error rate_limit_day is a catalog code but not a pre-validation one
  assert.throws(() => prevalidationFailure('rate_limit_day', {}), /not a pre-validation failure/);
  // @ts-expect-error not a catalog code
  assert.throws(() => catalogEntry('nope'), /unknown catalog code/);
});

test("xport's own failures (connection, token, reference data) are catalogued with the codes the engine uses", async () => {
  const { xportFailure } = await import('../../src/domain/catalog.ts');
  const expected: Array<[XportFailureCode, string]> = [
    ['not_connected', 'auth'],
    ['invalid_client', 'auth'],
    ['identity_unreachable', 'transient'],
    ['invalid_token_response', 'transient'],
    ['reference_unavailable', 'transient'],
  ];
  for (const [code, cls] of expected) {
    const c = xportFailure(code, { detail: 'HTTP 503' });
    assert.equal(c.class, cls);
    assert.doesNotMatch(c.message + c.cause + c.action, /\{\w+\}/);
  }
  const c = classifyHttpResponse({ status: 401, headers: {}, bodyText: '{"error":"invalid_client"}' });
  assert.equal(c.code, 'invalid_client');
  assert.equal(classifyHttpResponse({ status: 400, headers: {}, bodyText: '{"error":"invalid_scope"}' }).code, 'auth_scope_missing');
  // @ts-expect-error account_code_missing has no message template of xport's
  assert.throws(() => xportFailure('account_code_missing', {}), /no message template/);
});
