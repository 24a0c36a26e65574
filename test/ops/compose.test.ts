/**
 * docker-compose.yml stays in step with the code: the services (postgres, serve, two workers, a
 * one-shot migrate) run the commands they are named for, every variable the xport services set is
 * one xport reads, the public variables are all passed to serve, and the secret key is shared.
 * .env.example names only variables xport reads.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';
import YAML from 'yaml';
import { ENVIRONMENT_VARIABLES } from '../../src/config/config';

/** The environment variables of xport's public interface (README → Configuration). */
const PUBLIC_VARIABLES = [
  'XPORT_DATABASE_URL',
  'XPORT_HOST',
  'XPORT_PORT',
  'XPORT_SECRET_KEY',
  'XPORT_API_TOKEN',
  'XPORT_ADMIN_PASSWORD',
  'XERO_CLIENT_ID',
  'XERO_CLIENT_SECRET',
  'XERO_REDIRECT_URI',
  'XERO_API_URL',
  'XERO_IDENTITY_URL',
  'XERO_LOGIN_URL',
  'XPORT_TRUST_PROXY',
  'XPORT_METRICS_TOKEN',
  'XPORT_SHUTDOWN_MS',
];

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
}

const compose = YAML.parse(fs.readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as { services: Record<string, Service> };
const known = new Set([...ENVIRONMENT_VARIABLES, ...PUBLIC_VARIABLES]);

describe('docker-compose.yml', () => {
  test('services and their commands', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), ['migrate', 'postgres', 'serve', 'worker-1', 'worker-2']);
    assert.deepEqual(compose.services.serve?.command, ['serve']);
    assert.deepEqual(compose.services['worker-1']?.command, ['worker']);
    assert.deepEqual(compose.services['worker-2']?.command, ['worker']);
    assert.deepEqual(compose.services.migrate?.command, ['migrate']);
    for (const name of ['serve', 'worker-1', 'worker-2', 'migrate']) assert.equal(compose.services[name]?.image, 'xport:latest', name);
  });

  test('every variable of an xport service is one xport reads; the public ones reach serve', () => {
    for (const name of ['serve', 'worker-1', 'worker-2', 'migrate']) {
      const env = compose.services[name]?.environment ?? {};
      for (const v of Object.keys(env)) assert.ok(known.has(v), `${name} sets ${v}, which xport does not read`);
      assert.match(env.XPORT_DATABASE_URL ?? '', /^postgres:\/\/.*@postgres:5432\//, `${name} uses the compose PostgreSQL`);
      assert.equal(env.XPORT_SECRET_KEY, compose.services.serve?.environment?.XPORT_SECRET_KEY, `${name} shares the secret key`);
    }
    const serveEnv = Object.keys(compose.services.serve?.environment ?? {});
    for (const v of PUBLIC_VARIABLES) assert.ok(serveEnv.includes(v), `serve passes ${v}`);
    assert.equal(compose.services.serve?.environment?.XPORT_WORKERS, '0', 'serve leaves exporting to the workers');
  });

  test('the config reads the public variables', () => {
    const missing = PUBLIC_VARIABLES.filter((v) => !ENVIRONMENT_VARIABLES.includes(v));
    assert.deepEqual(missing, [], `config lacks ${missing.join(', ')}`);
  });

  test('.env.example names only variables xport reads, and the deployment ones', () => {
    const names = [...fs.readFileSync('.env.example', 'utf8').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1] ?? '');
    for (const n of names) assert.ok(known.has(n), `.env.example names ${n}, which xport does not read`);
    for (const n of ['XPORT_SHUTDOWN_MS', 'XPORT_LOG_LEVEL', 'XPORT_DATABASE_URL']) assert.ok(names.includes(n), `.env.example documents ${n}`);
  });
});
