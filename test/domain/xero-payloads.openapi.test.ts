/**
 * Every payload kind xport builds, over generated documents (hostile text, discounts, tax modes,
 * decimals, updates), validates against the official OpenAPI schemas, read-only properties
 * included: a payload that carries a property Xero marks readOnly (such as a contact's Website)
 * fails. The OpenAPI file is read at test time from the xero-openapi folder beside the repository.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { defaultSettings } from '../../src/domain/settings';
import { toXeroContact, toXeroCreditNote, toXeroInvoice, toXeroManualJournal } from '../../src/domain/xero-payloads';
import { requestSchemaErrors } from '../sandbox/schema';
import { ITEM_KINDS, contactDocument, itemDocument, journalDocument } from '../property/documents';
import { demoReference, doc } from './fixtures';

const settings = defaultSettings();
const reference = demoReference();
const CONTACT_ID = '3f2b7e0a-1c4d-4e5f-8a9b-0c1d2e3f4a5b';
const RUNS = Number(process.env.XPORT_PROPERTY_RUNS ?? 200);

function valid(schema: string, payload: unknown): void {
  assert.equal(requestSchemaErrors(schema, payload), null, `${schema}: ${JSON.stringify(payload).slice(0, 400)}`);
}

const update = fc.option(fc.constant('9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'), { nil: undefined });

test('invoice and credit-note payloads of every kind conform, read-only fields included', () => {
  const arb = fc.constantFrom(...ITEM_KINDS).chain((kind) => fc.tuple(fc.constant(kind), itemDocument(kind, 'DOC-1', 'CUST-1', '2026-11-20'), update));
  fc.assert(
    fc.property(arb, ([kind, input, existingXeroId]) => {
      const d = doc(input);
      const ctx = { settings, reference, contactXeroId: CONTACT_ID, existingXeroId };
      if (d.kind === 'sales_invoice' || d.kind === 'purchase_bill') valid('Invoice', toXeroInvoice(d, ctx));
      else if (d.kind === 'sales_credit' || d.kind === 'supplier_credit') valid('CreditNote', toXeroCreditNote(d, ctx));
      else assert.fail(`unexpected ${kind}`);
    }),
    { numRuns: RUNS },
  );
});

test('contact and manual journal payloads conform, read-only fields included', () => {
  fc.assert(
    fc.property(fc.constantFrom('customer', 'supplier' as const), contactDocument('customer', 'CUST-1'), update, (kind, input, existingXeroId) => {
      const d = doc({ ...input, kind, email: 'a@example.test', addresses: [{ type: 'street', line1: '1 Queen St', city: 'Auckland' }], mobile: '021 555 0101' });
      assert.ok(d.kind === 'customer' || d.kind === 'supplier');
      valid('Contact', toXeroContact(d, { settings, reference, existingXeroId }));
    }),
    { numRuns: RUNS },
  );
  fc.assert(
    fc.property(journalDocument('JN-1', '2026-11-20'), update, (input, existingXeroId) => {
      const d = doc(input);
      assert.ok(d.kind === 'journal');
      valid('ManualJournal', toXeroManualJournal(d, { settings, reference, existingXeroId }));
    }),
    { numRuns: RUNS },
  );
});

test('the check refuses a read-only property: a contact with Website fails', () => {
  assert.match(requestSchemaErrors('Contact', { Name: 'A', Website: 'https://example.test' }) ?? '', /readOnly/);
  assert.match(requestSchemaErrors('Invoice', { Type: 'ACCREC', Contact: {}, Total: 10 }) ?? '', /readOnly/);
  assert.equal(requestSchemaErrors('Contact', { Name: 'A' }), null);
});
