/**
 * CI runs the chaos script's ci mode at a small size: SIGKILLs plus the fault soak
 * (500s, 503s, hangs, dropped connections, 429 bursts, before and after the write), then the
 * exactly-once check. `npx tsx scripts/chaos.ts --mode ci` is the same run at full size.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

test('chaos --mode ci (small): every document in Xero exactly once or failed with a reason', { timeout: 150_000 }, () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/chaos.ts', '--mode', 'ci', '--docs', '400', '--kills', '4'], {
    encoding: 'utf8',
    timeout: 140_000,
    env: { ...process.env },
  });
  const out = `${run.stdout}${run.stderr}`;
  console.log(
    out
      .split('\n')
      .filter((l) => !l.startsWith('[chaos'))
      .join('\n'),
  );
  assert.equal(run.status, 0, out);
  assert.match(out, /^PASS: \d+ documents/m);
  assert.match(out, /faults \{.*error500/);
});
