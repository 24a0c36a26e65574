import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, DEFAULT_XERO_SCOPES, loadConfig } from '../../src/config/config';

test('defaults match the documented configuration (README, "Configuration")', () => {
  const c = loadConfig({});
  assert.equal(c.databaseUrl, 'sqlite:./data/xport.db');
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.port, 3000);
  assert.equal(c.xero.apiUrl, 'https://api.xero.com');
  assert.equal(c.xero.identityUrl, 'https://identity.xero.com');
  assert.equal(c.xero.loginUrl, 'https://login.xero.com');
  assert.equal(c.xero.scopes, DEFAULT_XERO_SCOPES);
  assert.ok(Object.isFrozen(c));
});

test('every bad variable is named in one error', () => {
  assert.throws(
    () => loadConfig({ XPORT_DATABASE_URL: 'mysql://x', XPORT_PORT: '70000', XERO_API_URL: 'ftp://x', XPORT_API_TOKEN: 'short' }),
    (err: unknown) => err instanceof ConfigError && /XPORT_DATABASE_URL/.test(err.message) && /XPORT_PORT/.test(err.message) && /XERO_API_URL/.test(err.message) && /XPORT_API_TOKEN/.test(err.message),
  );
});

test('a lease shorter than the Xero timeout is refused', () => {
  assert.throws(() => loadConfig({ XPORT_LEASE_MS: '5000', XPORT_XERO_TIMEOUT_MS: '30000' }), /XPORT_LEASE_MS: must be longer/);
});

test('URLs lose their trailing slash; empty values count as unset', () => {
  const c = loadConfig({ XERO_API_URL: 'http://127.0.0.1:3100/', XPORT_API_TOKEN: '' });
  assert.equal(c.xero.apiUrl, 'http://127.0.0.1:3100');
  assert.equal(c.apiToken, undefined);
});
