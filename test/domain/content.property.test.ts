/**
 * Property: the canonical JSON behind content hashes is byte for byte what the former
 * implementation gave, on any JSON-like value (nested objects with keys in any order, unicode and
 * odd keys, undefined members, arrays with holes) and on validated documents.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonical } from '../../src/domain/content';

/** The former canonical(), kept here as the reference. */
function reference(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const key = fc.oneof(fc.string(), fc.constantFrom('a', 'B', 'é', 'Z', '😀', '\ud800', '10', '2', '__proto__', 'kind', 'lines', ''));
const value = fc.letrec((tie) => ({
  leaf: fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined)),
  arr: fc.array(tie('any'), { maxLength: 5 }),
  sparse: fc.sparseArray(tie('any'), { maxLength: 5 }),
  obj: fc.dictionary(key, tie('any'), { maxKeys: 6 }),
  any: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('arr'), tie('sparse'), tie('obj')),
}));

test('canonical JSON agrees with the former implementation', () => {
  fc.assert(
    fc.property(value.any, (v) => {
      assert.equal(canonical(v), reference(v));
    }),
    { numRuns: 5000 },
  );
});
