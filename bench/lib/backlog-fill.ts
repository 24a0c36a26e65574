/**
 * Bulk path for benches: a backlog of queued exports written straight into the real tables
 * (documents + exports, the rows ExportsRepository.ingest writes, without its per-document
 * duplicate checks), in multi-row inserts of 1,000. Deterministic, so runs compare.
 */
import type { Store } from '../../src/db/store';
import { prng } from './log-entries';

export const BACKLOG_TENANTS = [
  { id: 'bench-big', name: 'Big Backlog Ltd', share: 0.8 },
  { id: 'bench-org-2', name: 'Pohutukawa Foods Ltd', share: 0.05 },
  { id: 'bench-org-3', name: 'Rimu Hardware Ltd', share: 0.05 },
  { id: 'bench-org-4', name: 'Totara Books Ltd', share: 0.05 },
  { id: 'bench-org-5', name: 'Matai Garden Supplies Ltd', share: 0.05 },
] as const;

const KINDS: Array<[string, string, number]> = [
  ['sales_invoice', 'INV', 0.6],
  ['purchase_bill', 'BILL', 0.15],
  ['sales_credit', 'CN', 0.08],
  ['supplier_credit', 'SC', 0.04],
  ['journal', 'MJ', 0.03],
  ['customer', 'CUS', 0.08],
  ['supplier', 'SUP', 0.02],
];

function weighted<T extends { share: number } | [string, string, number]>(items: readonly T[], x: number): T {
  let acc = 0;
  for (const item of items) {
    acc += Array.isArray(item) ? item[2] : item.share;
    if (x < acc) return item;
  }
  return items[0] as T;
}

function payload(kind: string, sourceId: string, rand: () => number): string {
  const lines = Array.from({ length: 1 + Math.floor(rand() * 4) }, (_, i) => ({
    description: `Item ${i + 1} of ${sourceId}`,
    quantity: 1 + Math.floor(rand() * 9),
    unitPrice: (rand() * 200).toFixed(2),
    taxCode: 'GST',
    accountRole: 'sales',
  }));
  return JSON.stringify({
    kind,
    sourceId,
    revision: 1,
    date: '2026-11-20',
    dueDate: '2026-12-20',
    currency: 'NZD',
    contact: { sourceId: `CUS-${Math.floor(rand() * 5000)}`, name: 'Customer' },
    lines,
  });
}

/** Fills `total` queued exports (and `failed` failed ones in the big organisation); returns ms taken. */
export async function fillBacklog(store: Store, total: number, failed = 2000, batch = 1000): Promise<number> {
  const rand = prng(7);
  const t0 = performance.now();
  const start = Date.now() - 86_400_000;
  for (let offset = 0; offset < total + failed; offset += batch) {
    const n = Math.min(batch, total + failed - offset);
    const at = new Date(start + Math.floor((86_400_000 * offset) / (total + failed))).toISOString();
    const docs = Array.from({ length: n }, (_, i) => {
      const k = offset + i;
      const [kind, prefix] = weighted(KINDS, rand());
      const tenant = k >= total ? BACKLOG_TENANTS[0] : weighted(BACKLOG_TENANTS, rand());
      const sourceId = `${prefix}-${String(k).padStart(7, '0')}`;
      return { tenant_id: tenant.id, kind, source_id: sourceId, revision: 1, payload: payload(kind, sourceId, rand), reference: sourceId, doc_date: '2026-11-20', total: null, received_at: at };
    });
    const ids = await store.db.insertInto('documents').values(docs).returning('id').execute();
    await store.db
      .insertInto('exports')
      .values(
        ids.map((d, i) => {
          const doc = docs[i] ?? docs[0];
          if (!doc) throw new Error('no document');
          const isFailed = offset + i >= total;
          return {
            tenant_id: doc.tenant_id,
            document_id: d.id,
            kind: doc.kind,
            source_id: doc.source_id,
            revision: 1,
            status: isFailed ? 'failed' : 'queued',
            attempts: isFailed ? 1 : 0,
            next_attempt_at: at,
            last_error: isFailed ? "Account code '200' is not a valid code for this document." : null,
            error_code: isFailed ? 'account_code_invalid' : null,
            error_class: isFailed ? 'validation' : null,
            action_required: isFailed ? 'Fix the mapping in Settings, then press Export.' : null,
            needs_reconcile: 0,
            created_at: at,
            updated_at: at,
          };
        }),
      )
      .execute();
    if ((offset / batch) % 50 === 49) process.stderr.write(`  ${offset + n} exports…\r`);
  }
  return performance.now() - t0;
}
