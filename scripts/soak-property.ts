/**
 * Soak run of the whole-engine property test: `npm run test:soak -- --runs 500 [--seed 42]`.
 * Runs test/property/engine.property.test.ts with that many generated scenarios (per database:
 * PostgreSQL too when XPORT_TEST_DATABASE_URL is set) and exits with its status.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '200' }, seed: { type: 'string' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error('--runs must be a positive whole number');
  process.exit(2);
}
const env = { ...process.env, XPORT_PROPERTY_RUNS: String(runs), ...(values.seed ? { XPORT_PROPERTY_SEED: values.seed } : {}) };
const started = Date.now();
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-timeout=86400000', 'test/property/engine.property.test.ts'], { env, stdio: 'inherit' });
console.log(`soak: ${runs} scenarios per database, ${Math.round((Date.now() - started) / 1000)} s, ${r.status === 0 ? 'PASS' : 'FAIL'}`);
process.exit(r.status ?? 1);
