/**
 * Property: a request's size worked out from its payloads' own sizes (the claim measures each payload
 * once) is exactly the size of the body serialised whole, for any endpoint and any JSON payloads,
 * unicode included; and chunking by those sizes keeps every chunk within the byte and element caps.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { approxJsonBytes, requestBytesOfSizes } from '../../src/domain/xero-payloads';
import { chunkBatch } from '../../src/engine/batching';

/** The size of the body serialised whole, as the claim worked it out before it measured each payload. */
const requestBytes = (e: string, payloads: unknown[]): number => approxJsonBytes({ [e]: payloads });

const endpoint = fc.constantFrom('Contacts', 'Invoices', 'CreditNotes', 'ManualJournals');
const payload = fc.dictionary(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.integer(), fc.constant(null), fc.array(fc.string({ unit: 'binary', maxLength: 8 }), { maxLength: 4 })),
  {
    maxKeys: 8,
  },
);

test('requestBytesOfSizes equals the serialised body size', () => {
  fc.assert(
    fc.property(endpoint, fc.array(payload, { maxLength: 60 }), (e, payloads) => {
      assert.equal(
        requestBytesOfSizes(
          e,
          payloads.map((p) => approxJsonBytes(p)),
        ),
        requestBytes(e, payloads),
      );
    }),
    { numRuns: 500 },
  );
});

test('chunks by measured sizes stay within the caps, in order, nothing lost', () => {
  fc.assert(
    fc.property(fc.array(payload, { maxLength: 120 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 50, max: 3000 }), (payloads, size, maxBytes) => {
      const items = payloads.map((p, i) => ({ i, payload: p }));
      const sizes = new Map(items.map((it) => [it, approxJsonBytes(it.payload)]));
      const chunks = chunkBatch(items, size, maxBytes, (it) => sizes.get(it) ?? -1);
      assert.deepEqual(
        chunks.flat().map((c) => c.i),
        items.map((c) => c.i),
      );
      for (const c of chunks) {
        assert.ok(c.length <= size);
        // A chunk over the cap holds one payload only (it is failed or refused alone).
        if (c.length > 1) assert.ok(c.reduce((n, it) => n + approxJsonBytes(it.payload), 0) <= maxBytes);
      }
    }),
    { numRuns: 300 },
  );
});
