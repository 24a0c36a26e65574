/**
 * `xport import` with a revision already received with other content: that document is reported
 * (and counted as refused), the rest of the file is still queued.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { importFiles } from '../../src/engine/import';
import { databaseKinds } from '../helpers/databases';
import { startApiOnly, type ApiOnly } from '../helpers/api-only';

const invoice = (sourceId: string, quantity: number) => ({
  kind: 'sales_invoice',
  sourceId,
  revision: 1,
  date: '2026-11-20',
  contact: 'CUST-1',
  lines: [{ description: 'Widget', quantity, unitPrice: '19.95' }],
});

for (const kind of databaseKinds()) {
  describe(`import with a revision conflict (${kind})`, () => {
    let api: ApiOnly;
    let dir: string;
    before(async () => {
      api = await startApiOnly(kind);
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xport-import-'));
    });
    after(async () => {
      await api.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test('the conflicting document is reported, the others are queued', async () => {
      const first = path.join(dir, 'first.json');
      fs.writeFileSync(first, JSON.stringify([invoice('IMP-1', 1)]));
      assert.equal((await importFiles(api.rt.queue, api.tenantId, [first])).queued, 1);
      const second = path.join(dir, 'second.json');
      fs.writeFileSync(second, JSON.stringify([invoice('IMP-2', 1), invoice('IMP-1', 2), invoice('IMP-3', 1), invoice('IMP-1', 1)]));
      const summary = await importFiles(api.rt.queue, api.tenantId, [second]);
      assert.deepEqual([summary.queued, summary.duplicates, summary.invalid], [2, 1, 1]);
      assert.match(summary.problems.join('\n'), /IMP-1: revision 1 of sales_invoice IMP-1 was already received .* send the change as revision 2/);
    });
  });
}
