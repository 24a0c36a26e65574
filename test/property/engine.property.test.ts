/**
 * Property of the whole engine, over real HTTP against the sandbox: generated sequences of documents
 * of every kind — numbers, names, references and narrations from adversarial character sets and
 * lengths, discounts, tax modes, decimals, changed revisions, lock dates moving — with answers lost
 * after the write, 429s and workers dying mid-call. After it settles:
 * - each (kind, sourceId) is in the sandbox exactly once, with its latest revision's content and the
 *   total xport computed, or failed/skipped with a reason;
 * - nothing is in the sandbox that xport does not know of.
 * Runs: XPORT_PROPERTY_RUNS (default 12 on SQLite, 4 on PostgreSQL); `npm run test:soak -- --runs N`.
 * XPORT_PROPERTY_SEED repeats a run.
 */
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { control, patchSettings, post } from '../engine-e2e/helpers';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';
import { scenario, type Scenario } from './engine-scenario';
import { checkWorld } from './engine-check';
import { armFault, crashingRound, everything, settle, type Fault } from './engine-world';

const RUNS = process.env.XPORT_PROPERTY_RUNS ? Number(process.env.XPORT_PROPERTY_RUNS) : null;
const SEED = process.env.XPORT_PROPERTY_SEED ? Number(process.env.XPORT_PROPERTY_SEED) : undefined;

async function phase(h: Harness, fault: Fault, docs: unknown[]): Promise<void> {
  if (docs.length > 0) await post(h, ...docs);
  if (fault === 'crash') await crashingRound(h);
  else if (fault !== 'none') await armFault(h, fault);
  await h.drain();
  await control(h, 'DELETE', '/faults');
}

/** One scenario from a fresh organisation and a fresh xport. */
export async function runScenario(sandbox: Sandbox, kind: 'sqlite' | 'postgres', s: Scenario): Promise<void> {
  await control({ sandbox } as Harness, 'POST', '/reset', {});
  const h = await startHarness(kind, {
    sandboxInstance: sandbox,
    runtime: { noClientLimits: true },
    env: { XPORT_XERO_TIMEOUT_MS: '1500', XPORT_LEASE_MS: '3000', XPORT_POLL_MS: '50' },
  });
  try {
    await patchSettings(h, { lockDatePolicy: s.lockDatePolicy });
    const before = new Set((await everything(h)).keys());
    await phase(h, s.faults[0], [...s.contacts, ...s.documents]);
    if (s.lockDate) await control(h, 'PATCH', `/organisations/${h.tenantId}`, { PeriodLockDate: s.lockDate });
    await phase(h, s.faults[1], s.revisions);
    await settle(h);
    await checkWorld(h, s, before);
  } finally {
    await h.close();
  }
}

for (const kind of databaseKinds()) {
  describe(`the whole engine, exactly once, nothing changed in silence (${kind})`, () => {
    let sandbox: Sandbox;
    before(async () => {
      sandbox = await startSandbox({ port: 0, limits: { enabled: false } });
      // The first token a sandbox signs is slow (its key is made then): not a fault under test.
      const h = await startHarness(kind, { sandboxInstance: sandbox });
      await h.close();
    });
    after(async () => sandbox.close());

    test('generated document sequences with lost answers, 429s and dying workers', { timeout: 600_000 }, async () => {
      const numRuns = RUNS ?? (kind === 'sqlite' ? 12 : 4);
      const out = await fc.check(
        fc.asyncProperty(scenario(), async (s) => runScenario(sandbox, kind, s)),
        { numRuns, seed: SEED, endOnFailure: true },
      );
      if (out.failed) {
        const error = out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance);
        throw new Error(`${error}\nseed ${out.seed}, path ${out.counterexamplePath ?? ''}\ncounterexample: ${fc.stringify(out.counterexample)}`);
      }
    });
  });
}
