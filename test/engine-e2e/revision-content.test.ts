/**
 * Revisions by content, over xport's HTTP API against the sandbox: a revision re-posted with other
 * content is a 409 revision_conflict with nothing stored; without `revision`, the same content is a
 * duplicate and changed content the next revision, which supersedes a queued export or updates the
 * Xero object of an exported one; two posts of one sourceId at once never make one revision twice.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseDocumentsRequest } from '../../src/domain/documents';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';
import { assertExported, customer, exportOf, invoiceLine, post, salesInvoice, xeroList } from './helpers';

interface Posted {
  sourceId: string;
  revision: number;
  exportId: number | null;
  status: string;
  duplicate: boolean;
}

async function postRaw(h: Harness, ...docs: unknown[]): Promise<{ status: number; json: unknown }> {
  return h.api('POST', '/api/v1/documents', { documents: docs });
}

async function posted(h: Harness, ...docs: unknown[]): Promise<Posted[]> {
  const res = await postRaw(h, ...docs);
  assert.equal(res.status, 202, JSON.stringify(res.json));
  return (res.json as { documents: Posted[] }).documents;
}

async function documentRows(h: Harness, sourceId: string): Promise<number> {
  const rows = await h.rt.store.db.selectFrom('documents').select('id').where('source_id', '=', sourceId).execute();
  return rows.length;
}

for (const kind of databaseKinds()) {
  describe(`revisions by content (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(kind, { sandbox: { limits: { enabled: false } }, runtime: { noClientLimits: true } });
      await post(h, customer('CUST-RC', 'Revision Content Ltd'));
      await h.drain();
    });
    after(async () => h.close());

    test('a revision re-posted with other content is a 409 naming it and the next revision; nothing of the request is stored', async () => {
      await posted(h, salesInvoice('SO-RC-1', 'CUST-RC', { revision: 1 }));
      const res = await postRaw(h, salesInvoice('SO-RC-NEW', 'CUST-RC'), salesInvoice('SO-RC-1', 'CUST-RC', { revision: 1, lines: [invoiceLine({ quantity: 3 })] }));
      assert.equal(res.status, 409, JSON.stringify(res.json));
      const err = (res.json as { error: { code: string; message: string; details: Array<Record<string, unknown>> } }).error;
      assert.equal(err.code, 'revision_conflict');
      assert.match(err.message, /revision 1 of sales_invoice SO-RC-1 was already received .* with different content; send the change as revision 2, or leave revision out/);
      assert.match(err.message, /nothing was stored/);
      assert.deepEqual({ ...err.details[0], receivedAt: undefined }, { index: 1, kind: 'sales_invoice', sourceId: 'SO-RC-1', revision: 1, nextRevision: 2, receivedAt: undefined });
      assert.equal(await documentRows(h, 'SO-RC-NEW'), 0, 'the valid document beside the conflict was not stored');
      assert.equal(await documentRows(h, 'SO-RC-1'), 1);
      // The same revision with the same content, spelt differently, is still a duplicate.
      const [again] = await posted(h, {
        ...salesInvoice('SO-RC-1', 'CUST-RC', { revision: 1 }),
        lines: [{ unitPrice: 19.95, quantity: '2.000', account: 'sales', taxCode: ' G.S.T. ', description: 'Widget', productCode: 'WIDGET' }],
      });
      assert.equal(again?.duplicate, true);
      // As the 409 said: revision 2 is accepted.
      const [second] = await posted(h, salesInvoice('SO-RC-1', 'CUST-RC', { revision: 2, lines: [invoiceLine({ quantity: 3 })] }));
      assert.deepEqual([second?.revision, second?.duplicate], [2, false]);
    });

    test('without revision: the same content is a duplicate, changed content the next revision, which supersedes the queued one', async () => {
      const [first] = await posted(h, salesInvoice('SO-RC-2', 'CUST-RC'));
      assert.deepEqual([first?.revision, first?.duplicate], [1, false]);
      const [same] = await posted(h, salesInvoice('SO-RC-2', 'CUST-RC', { lines: [invoiceLine({ unitPrice: '19.9500' })] }));
      assert.deepEqual([same?.revision, same?.duplicate, same?.exportId], [1, true, first?.exportId]);
      const [changed] = await posted(h, salesInvoice('SO-RC-2', 'CUST-RC', { lines: [invoiceLine({ quantity: 4 })] }));
      assert.deepEqual([changed?.revision, changed?.duplicate], [2, false]);
      const old = await exportOf(h, first?.exportId ?? 0);
      assert.deepEqual([old.status, old.reason], ['skipped', 'superseded by revision 2']);
      // Back to the first content: a change against the latest, so revision 3.
      const [back] = await posted(h, salesInvoice('SO-RC-2', 'CUST-RC'));
      assert.deepEqual([back?.revision, back?.duplicate], [3, false]);
      await h.drain();
      assertExported(await exportOf(h, back?.exportId ?? 0));
      const invoices = await xeroList(h, '/Invoices?InvoiceNumbers=SO-RC-2');
      assert.equal(invoices.length, 1);
      assert.equal(Number(invoices[0]?.Total), 45.89); // 2 × 19.95 + 15% GST
    });

    test('without revision: changed content of an exported invoice updates the one Xero invoice', async () => {
      const [first] = await posted(h, salesInvoice('SO-RC-3', 'CUST-RC'));
      await h.drain();
      const exported = await exportOf(h, first?.exportId ?? 0);
      assertExported(exported);
      const [changed] = await posted(h, salesInvoice('SO-RC-3', 'CUST-RC', { lines: [invoiceLine({ quantity: 5, description: 'Widget, corrected' })] }));
      assert.deepEqual([changed?.revision, changed?.duplicate], [2, false]);
      await h.drain();
      const updated = await exportOf(h, changed?.exportId ?? 0);
      assertExported(updated);
      assert.equal(updated.xeroId, exported.xeroId);
      const invoices = await xeroList(h, '/Invoices?InvoiceNumbers=SO-RC-3');
      assert.equal(invoices.length, 1);
      assert.equal(Number(invoices[0]?.Total), 114.71); // 5 × 19.95 = 99.75 + 15% GST
      const lines = invoices[0]?.LineItems as Array<{ Description: string; Quantity: number }>;
      assert.deepEqual(
        lines.map((l) => [l.Description, Number(l.Quantity)]),
        [['WIDGET - Widget, corrected', 5]],
      );
    });

    test('a revision stored before content hashes were kept is compared by its payload', async () => {
      const doc = salesInvoice('SO-RC-OLD', 'CUST-RC', { revision: 1 });
      const parsed = parseDocumentsRequest(doc);
      assert.ok(parsed.ok);
      const t = new Date().toISOString();
      const { id } = await h.rt.store.db
        .insertInto('documents')
        .values({
          tenant_id: h.tenantId,
          kind: 'sales_invoice',
          source_id: 'SO-RC-OLD',
          revision: 1,
          payload: JSON.stringify(parsed.documents[0]),
          reference: 'SO-RC-OLD',
          doc_date: null,
          total: null,
          received_at: t,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await h.rt.store.db
        .insertInto('exports')
        .values({
          tenant_id: h.tenantId,
          document_id: id,
          kind: 'sales_invoice',
          source_id: 'SO-RC-OLD',
          revision: 1,
          status: 'skipped',
          wait_reason: null,
          attempts: 0,
          next_attempt_at: t,
          xero_id: null,
          needs_reconcile: 0,
          created_at: t,
          updated_at: t,
        })
        .execute();
      const [same] = await posted(h, { ...doc, revision: undefined });
      assert.deepEqual([same?.revision, same?.duplicate], [1, true]);
      assert.equal((await postRaw(h, { ...doc, reference: 'changed' })).status, 409);
    });

    test('the API description explains revisions', async () => {
      const res = await h.api('GET', '/api/v1/openapi.json');
      const spec = res.json as { paths: Record<string, Record<string, { description?: string }>> };
      const description = spec.paths['/api/v1/documents']?.post?.description ?? '';
      assert.match(description, /revision_conflict/);
      assert.match(description, /Without `revision`: xport numbers revisions from the content/);
    });

    test('two posts of one sourceId at once never make the same revision twice', async () => {
      for (let round = 0; round < 6; round += 1) {
        const id = `SO-RC-RACE-${round}`;
        // Same content twice, no revision: one new revision and one duplicate of it.
        const [a, b] = await Promise.all([posted(h, salesInvoice(id, 'CUST-RC')), posted(h, salesInvoice(id, 'CUST-RC'))]);
        assert.deepEqual([a[0]?.duplicate, b[0]?.duplicate].sort(), [false, true]);
        assert.equal(a[0]?.exportId, b[0]?.exportId);
        // Different content at once, no revision: revisions 2 and 3, one each.
        const [c, d] = await Promise.all([posted(h, salesInvoice(id, 'CUST-RC', { reference: 'first' })), posted(h, salesInvoice(id, 'CUST-RC', { reference: 'second' }))]);
        assert.deepEqual([c[0]?.revision, d[0]?.revision].sort(), [2, 3]);
        // One revision number with different content at once: one is stored, the other is a conflict.
        const [e, f] = await Promise.all([postRaw(h, salesInvoice(id, 'CUST-RC', { revision: 4, reference: 'x' })), postRaw(h, salesInvoice(id, 'CUST-RC', { revision: 4, reference: 'y' }))]);
        assert.deepEqual([e.status, f.status].sort(), [202, 409]);
        assert.equal(await documentRows(h, id), 4);
        const queued = await h.rt.store.db.selectFrom('exports').select('id').where('source_id', '=', id).where('status', '=', 'queued').execute();
        assert.equal(queued.length, 1, 'only the latest revision is queued');
      }
    });
  });
}
