/**
 * Fairness: an organisation with a large backlog does not starve the others. Organisation
 * A has 3,000 queued invoices, organisation B 40; B must be fully exported while most of A is
 * still waiting.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseDocumentsRequest } from '../../src/domain/documents';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';

function backlog(prefix: string, count: number): unknown[] {
  const docs: unknown[] = [{ kind: 'customer', sourceId: `${prefix}-C`, name: `${prefix} Customer` }];
  for (let i = 0; i < count; i += 1) {
    docs.push({
      kind: 'sales_invoice',
      sourceId: `${prefix}-${i}`,
      date: '2026-11-20',
      contact: `${prefix}-C`,
      lines: [{ description: 'Widget', quantity: 1, unitPrice: '5.00', taxCode: 'G.S.T.', account: 'sales' }],
    });
  }
  return docs;
}

for (const kind of databaseKinds()) {
  describe(`a big backlog does not starve other organisations (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(kind, { sandbox: { limits: { enabled: false } }, runtime: { noClientLimits: true } });
    });
    after(async () => h.close());

    test('B is exported while A still has most of its backlog', { timeout: 180_000 }, async () => {
      const [a, b] = (await h.rt.store.tenants.list()).filter((t) => !t.name.includes('(AU)'));
      assert.ok(a && b);
      const ingest = async (tenantId: string, docs: unknown[]) => {
        for (let i = 0; i < docs.length; i += 1000) {
          const parsed = parseDocumentsRequest({ documents: docs.slice(i, i + 1000) });
          assert.ok(parsed.ok);
          await h.rt.queue.ingestParsed(tenantId, parsed.documents);
        }
      };
      await ingest(a.id, backlog('A', 3000));
      await ingest(b.id, backlog('B', 40));
      const worker = h.rt.workers[0];
      assert.ok(worker);
      for (let round = 0; round < 50; round += 1) {
        await worker.runOnce();
        if ((await h.rt.store.exports.countByStatus(b.id)).exported === 41) break;
      }
      const bCounts = await h.rt.store.exports.countByStatus(b.id);
      const aCounts = await h.rt.store.exports.countByStatus(a.id);
      assert.equal(bCounts.exported, 41, 'B fully exported');
      assert.ok(aCounts.queued + aCounts.waiting > 2000, `A still has most of its backlog (${JSON.stringify(aCounts)})`);
    });
  });
}
