import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DOCUMENT_KINDS, requiredContact } from '../../src/domain/documents.ts';
import { ENDPOINT_GROUPS, ENDPOINTS, KINDS, KINDS_WITH_STATUS, buildPayload } from '../../src/domain/registry.ts';
import { orgSettingsSchema } from '../../src/domain/settings.ts';
import { demoReference, doc } from './fixtures.ts';

test('every kind has an endpoint, and the worker serves each kind in exactly one group, contacts first', () => {
  assert.deepEqual(
    DOCUMENT_KINDS.map((k) => KINDS[k].endpoint),
    ['Contacts', 'Contacts', 'Invoices', 'CreditNotes', 'Invoices', 'CreditNotes', 'ManualJournals'],
  );
  const served = ENDPOINT_GROUPS.flatMap((g) => g.kinds);
  assert.deepEqual([...served].sort(), [...DOCUMENT_KINDS].sort());
  assert.equal(new Set(served).size, served.length);
  assert.equal(ENDPOINT_GROUPS[0]?.endpoint, 'Contacts', 'contacts go before the documents that need them');
  for (const g of ENDPOINT_GROUPS) assert.ok(g.endpoint in ENDPOINTS);
});

test('a kind that needs a contact names the contact kind its documents point at', () => {
  const line = [{ description: 'x', unitPrice: 1 }];
  for (const kind of DOCUMENT_KINDS) {
    const spec = KINDS[kind];
    const d =
      spec.endpoint === 'Contacts'
        ? doc({ kind, sourceId: 'C', name: 'N' })
        : kind === 'journal'
          ? doc({
              kind,
              sourceId: 'J',
              journalType: 'stock_adjustment_in',
              date: '2026-01-01',
              lines: [
                { account: 'stock_on_hand', amount: '1' },
                { account: 'cogs', amount: '-1' },
              ],
            })
          : doc({ kind, sourceId: 'D', date: '2026-01-01', contact: 'X', lines: line });
    assert.equal(requiredContact(d)?.kind ?? null, spec.needsContact, kind);
  }
});

test('the statuses Settings offers per kind are exactly those the settings schema accepts', () => {
  const shape = orgSettingsSchema.shape.xeroStatus.unwrap().shape as Record<string, { unwrap(): { options: string[] } }>;
  assert.deepEqual([...KINDS_WITH_STATUS].sort(), Object.keys(shape).sort());
  for (const k of KINDS_WITH_STATUS) assert.deepEqual([...KINDS[k].xeroStatuses].sort(), [...shape[k]!.unwrap().options].sort(), k);
});

test("the payload builder of each kind makes its endpoint's object: its key field set, no id for a new one, the id for an update", () => {
  const line = [{ description: 'x', quantity: 1, unitPrice: '10.00', taxCode: 'G.S.T.', account: 'sales' }];
  const ctx = { settings: orgSettingsSchema.parse({}), reference: demoReference(), contactXeroId: '11111111-1111-4111-8111-111111111111' };
  for (const kind of DOCUMENT_KINDS) {
    const spec = KINDS[kind];
    const d =
      spec.endpoint === 'Contacts'
        ? doc({ kind, sourceId: 'K-1', name: 'N' })
        : kind === 'journal'
          ? doc({
              kind,
              sourceId: 'K-1',
              journalType: 'stock_adjustment_in',
              date: '2026-01-01',
              lines: [
                { account: 'stock_on_hand', amount: '1' },
                { account: 'cogs', amount: '-1' },
              ],
            })
          : doc({ kind, sourceId: 'K-1', date: '2026-01-01', contact: 'X', lines: line });
    const { idField, keyField } = ENDPOINTS[spec.endpoint];
    const created = buildPayload(d, ctx);
    assert.equal(created[idField], undefined, `${kind}: a new object carries no ${idField}`);
    assert.match(String(created[keyField]), /K-1/, `${kind}: ${keyField} holds the source id`);
    const updated = buildPayload(d, { ...ctx, existingXeroId: '22222222-2222-4222-8222-222222222222' });
    assert.equal(updated[idField], '22222222-2222-4222-8222-222222222222', `${kind}: an update carries ${idField}`);
  }
});
