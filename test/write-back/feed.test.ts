/**
 * The pull feed and the outbox: every change writes its event in its own transaction (a rollback
 * leaves none), the feed hands each event out once in order, even one whose transaction took its id
 * first and committed last, and retention deletes old events with their deliveries.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { appendEvents } from '../../src/db/repositories/outbox';
import { XeroChangesRepository } from '../../src/db/repositories/xero-changes';
import { XeroConnectionsRepository } from '../../src/db/repositories/xero-connections';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';

interface FeedPage {
  events: Array<{ id: string; type: string; timestamp: string; data: Record<string, unknown> }>;
  next: string;
}

for (const kind of databaseKinds()) {
  describe(`the event feed (${kind})`, () => {
    let h: Harness;
    let cursor = '0';
    before(async () => {
      h = await startHarness(kind);
    });
    after(async () => h.close());

    async function readAll(): Promise<FeedPage['events']> {
      const out: FeedPage['events'] = [];
      for (;;) {
        const res = await h.api('GET', `/api/v1/events?after=${cursor}&limit=7`);
        assert.equal(res.status, 200, JSON.stringify(res.json));
        const page = res.json as FeedPage;
        out.push(...page.events);
        if (page.events.length === 0) return out;
        cursor = page.next;
      }
    }

    test('an event whose transaction took its id first and committed last is still handed out, once', async () => {
      await readAll();
      let release = (): void => {};
      const held = new Promise<void>((r) => (release = r));
      let inserted = (): void => {};
      const firstInserted = new Promise<void>((r) => (inserted = r));
      const slow = h.rt.store.db.transaction().execute(async (trx) => {
        await appendEvents(trx, [{ tenantId: h.tenantId, type: 'document.paid', docKey: 'sales_invoice:SLOW', data: { sourceId: 'SLOW' } }]);
        inserted();
        await held;
      });
      await firstInserted;
      if (kind === 'postgres') {
        await appendEvents(h.rt.store.db, [{ tenantId: h.tenantId, type: 'document.paid', docKey: 'sales_invoice:FAST', data: { sourceId: 'FAST' } }]);
        assert.deepEqual(
          (await readAll()).map((e) => e.data.sourceId),
          ['FAST'],
        );
      }
      release();
      await slow;
      const rest = (await readAll()).map((e) => e.data.sourceId);
      assert.deepEqual(rest, ['SLOW']);
    });

    test('a rolled-back change leaves no event; pages of the feed hold every event once, oldest first, only the caller organisation', async () => {
      await readAll();
      await assert.rejects(
        h.rt.store.db.transaction().execute(async (trx) => {
          await appendEvents(trx, [{ tenantId: h.tenantId, type: 'document.paid', docKey: 'x:ROLLED', data: { sourceId: 'ROLLED' } }]);
          throw new Error('rolled back');
        }),
      );
      const other = (await h.rt.store.tenants.list()).find((t) => t.id !== h.tenantId);
      const batch = Array.from({ length: 30 }, (_, i) => ({
        tenantId: i % 3 === 0 && other ? other.id : h.tenantId,
        type: 'document.paid',
        docKey: `sales_invoice:P${i}`,
        data: { sourceId: `P${i}`, n: i },
      }));
      for (let i = 0; i < batch.length; i += 4) await appendEvents(h.rt.store.db, batch.slice(i, i + 4));
      const got = await readAll();
      const mine = batch.filter((e) => e.tenantId === h.tenantId).map((e) => e.data.sourceId);
      assert.deepEqual(
        got.map((e) => e.data.sourceId),
        mine,
      );
      const ids = got.map((e) => Number(e.id));
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => a - b),
      );
    });

    test('contact archived in Xero, a lost and a restored connection, a deleted export: each an event', async () => {
      await readAll();
      await h.rt.store.contacts.set(h.tenantId, { contactKind: 'customer', sourceId: 'CUST-F', xeroContactId: '00000000-0000-0000-0000-0000000000f1', linkedBy: 'export' });
      await h.rt.store.contacts.markArchivedByXeroId(h.tenantId, '00000000-0000-0000-0000-0000000000f1', true);
      const repo = new XeroConnectionsRepository(h.rt.store.db);
      await repo.markTenantDisconnected(h.tenantId, { reason: 'token revoked', code: 'auth_invalid_grant' });
      await repo.markTenantDisconnected(h.tenantId, { reason: 'again', code: 'auth_invalid_grant' });
      const t = await h.rt.store.tenants.get(h.tenantId);
      await h.rt.store.tenants.upsert({ id: h.tenantId, name: t?.name ?? 'x', connectionId: t?.connectionId ?? null });
      await h.rt.store.tenants.resume(h.tenantId);
      const got = await readAll();
      assert.deepEqual(
        got.map((e) => e.type),
        ['document.changed_in_xero', 'connection.lost', 'connection.restored'],
      );
      assert.equal(got[0]?.data.xeroStatus, 'ARCHIVED');
      assert.match(String(got[0]?.data.xeroUrl), /go\.xero\.com/);
      assert.deepEqual(got[1]?.data, { organisation: t?.name, status: 'disconnected', reason: 'token revoked', code: 'auth_invalid_grant' });
      assert.equal(got[2]?.data.reason, null);

      const posted = await h.api('POST', '/api/v1/documents', {
        kind: 'sales_invoice',
        sourceId: 'SO-DEL',
        date: '2026-11-20',
        contact: 'NOBODY',
        lines: [{ description: 'x', quantity: 1, unitPrice: '1', taxCode: 'G.S.T.', account: 'sales' }],
      });
      const exportId = (posted.json as { documents: Array<{ exportId: number }> }).documents[0]?.exportId ?? 0;
      await h.rt.store.exports.markFailed(exportId, { message: 'm', code: 'c', errorClass: 'validation', action: 'a' });
      assert.equal((await h.api('DELETE', `/api/v1/exports/${exportId}`)).status < 300, true);
      const after = await readAll();
      assert.deepEqual(
        after.map((e) => [e.type, e.data.exportId]),
        [
          ['export.failed', exportId],
          ['export.deleted', exportId],
        ],
      );
      assert.equal(after[1]?.data.status, 'failed');
    });

    test('an exported invoice voided in Xero (what the Xero webhook handler records) is document.changed_in_xero with its link', async () => {
      const customer = { kind: 'customer', sourceId: 'CUST-V', name: 'Voided Ltd', email: 'ap@void.test' };
      const invoice = {
        kind: 'sales_invoice',
        sourceId: 'SO-V1',
        date: '2026-11-20',
        dueDate: '2026-12-20',
        contact: 'CUST-V',
        lines: [{ description: 'x', quantity: 1, unitPrice: '10', taxCode: 'G.S.T.', account: 'sales' }],
      };
      assert.equal((await h.api('POST', '/api/v1/documents', { documents: [customer, invoice] })).status, 202);
      await h.drain();
      const exported = (await readAll()).find((e) => e.type === 'export.exported' && e.data.sourceId === 'SO-V1');
      const xeroId = String(exported?.data.xeroId);
      assert.ok((await new XeroChangesRepository(h.rt.store.db).markXeroStatus(h.tenantId, xeroId, 'VOIDED')).length === 1);
      const [changed, ...rest] = await readAll();
      assert.deepEqual(rest, []);
      assert.equal(changed?.type, 'document.changed_in_xero');
      assert.deepEqual(
        { ...changed?.data, xeroUrl: undefined },
        {
          exportId: exported?.data.exportId,
          kind: 'sales_invoice',
          sourceId: 'SO-V1',
          revision: 1,
          reference: exported?.data.reference,
          status: 'exported',
          xeroId,
          number: 'SO-V1',
          xeroStatus: 'VOIDED',
          issue: 'voided_in_xero',
          xeroUrl: undefined,
        },
      );
      assert.equal(changed?.data.xeroUrl, exported?.data.xeroUrl);
    });

    test('a revision arriving after a newer one is skipped at once, and says so; the newer one supersedes a queued older one', async () => {
      await readAll();
      const doc = (revision: number, quantity: number) => ({
        kind: 'sales_invoice',
        sourceId: 'SO-REV',
        revision,
        date: '2026-11-20',
        contact: 'NOBODY',
        lines: [{ description: 'x', quantity, unitPrice: '1', taxCode: 'G.S.T.', account: 'sales' }],
      });
      assert.equal((await h.api('POST', '/api/v1/documents', doc(2, 2))).status, 202);
      assert.equal((await h.api('POST', '/api/v1/documents', doc(1, 1))).status, 202);
      assert.equal((await h.api('POST', '/api/v1/documents', doc(3, 3))).status, 202);
      const got = (await readAll()).filter((e) => e.data.sourceId === 'SO-REV');
      assert.deepEqual(
        got.map((e) => [e.type, e.data.revision, e.data.reason]),
        [
          ['export.skipped', 1, 'superseded by revision 2'],
          ['export.skipped', 2, 'superseded by revision 3'],
        ],
      );
    });

    test('retention deletes events older than the cutoff with their deliveries; a bad cursor is a 400', async () => {
      await readAll();
      const n = await h.rt.store.outbox.prune(new Date(Date.now() + 60_000));
      assert.ok(n > 0);
      const res = await h.api('GET', '/api/v1/events?after=0');
      assert.deepEqual((res.json as FeedPage).events, []);
      for (const q of ['after=-1', 'after=abc', 'limit=0', 'limit=5000']) {
        const bad = await h.api('GET', `/api/v1/events?${q}`);
        assert.equal(bad.status, 400, q);
        assert.equal((bad.json as { error: { code: string } }).error.code, 'invalid_request');
      }
    });
  });
}
