/**
 * Property: "the same content" is what validation makes of a document, whatever its spelling.
 * Generated invoices, re-posted with their keys in another order, numbers written another way
 * (19.95, "19.950", "019.95") and spaces around text, are duplicates; any real change of content
 * (a quantity, a price, a description, a date, a reference, a line added, removed or moved) is the
 * next revision. Checked on the hash itself, and over HTTP on both databases with `revision` left out.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { contentHash } from '../../src/domain/content';
import { parseDocumentsRequest } from '../../src/domain/documents';
import { databaseKinds } from '../helpers/databases';
import { startApiOnly, type ApiOnly } from '../helpers/api-only';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Doc = Record<string, Json>;

const decimal = (maxDp: number, maxInt: number) =>
  fc.tuple(fc.integer({ min: 0, max: maxInt }), fc.integer({ min: 0, max: 10 ** maxDp - 1 })).map(([i, f]) => (f === 0 ? String(i) : `${i}.${String(f).padStart(maxDp, '0').replace(/0+$/, '')}`));
const text = fc
  .string({ minLength: 1, maxLength: 12 })
  .map((s) => s.trim())
  .filter((s) => s.length > 0);

const line = fc.record(
  {
    description: text,
    quantity: decimal(4, 500),
    unitPrice: decimal(4, 5000),
    discountRate: fc.option(decimal(2, 99), { nil: undefined }),
    taxCode: fc.constantFrom('G.S.T.', 'EXEMPT', 'NONE'),
    account: fc.constantFrom('sales', '200'),
  },
  { requiredKeys: ['description', 'quantity', 'unitPrice', 'taxCode', 'account'] },
);

const invoice = fc
  .record({
    date: fc.integer({ min: 0, max: 3000 }).map((d) => new Date(Date.UTC(2024, 0, 1) + d * 86_400_000).toISOString().slice(0, 10)),
    reference: fc.option(text, { nil: undefined }),
    lines: fc.array(line, { minLength: 1, maxLength: 4 }),
  })
  .map((r) => {
    // Each line's description names its position, so that moving a line is a change.
    const doc: Doc = { kind: 'sales_invoice', sourceId: 'SRC', date: r.date, contact: 'CUST-P', lines: r.lines.map((l, i) => ({ ...l, description: `${l.description} #${i}` }) as Doc) };
    if (r.reference !== undefined) doc.reference = r.reference;
    return doc;
  });

/** Another spelling of a canonical decimal string. */
function respell(value: string, how: number): Json {
  if (how === 0) return value;
  // Trailing zeros up to the 4 decimal places a field may carry.
  if (how === 1) return value.includes('.') ? value.padEnd(value.indexOf('.') + 5, '0') : `${value}.000`;
  if (how === 2) return `0${value}`;
  const n = Number(value);
  return String(n) === value ? n : ` ${value} `;
}

const DECIMAL_KEYS = new Set(['quantity', 'unitPrice', 'discountRate']);

/** The same document: keys shuffled at every level, numbers respelt, spaces around text. */
function reformat(value: Json, seed: number[], key = ''): Json {
  const next = () => {
    const v = seed.shift() ?? 0;
    seed.push(v);
    return v;
  };
  if (Array.isArray(value)) return value.map((v) => reformat(v, seed));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, reformat(v, seed, k)] as const);
    const shuffled = [...entries].sort((a, b) => ((a[0].length * 7 + next()) % 5) - ((b[0].length * 7 + next()) % 5));
    return Object.fromEntries(shuffled);
  }
  if (typeof value === 'string' && DECIMAL_KEYS.has(key)) return respell(value, next() % 4);
  if (typeof value === 'string' && ['description', 'reference', 'taxCode'].includes(key) && next() % 2 === 0) return `  ${value} `;
  return value;
}

const lines = (d: Doc) => d.lines as Doc[];
const CHANGES: Array<(d: Doc) => Doc> = [
  (d) => ({ ...d, lines: lines(d).map((l, i) => (i === 0 ? { ...l, quantity: new Decimal(String(l.quantity)).plus(1).toFixed() } : l)) }),
  (d) => ({ ...d, lines: lines(d).map((l, i) => (i === 0 ? { ...l, unitPrice: new Decimal(String(l.unitPrice)).plus('0.0001').toFixed() } : l)) }),
  (d) => ({ ...d, lines: lines(d).map((l, i) => (i === lines(d).length - 1 ? { ...l, description: `${String(l.description)}x` } : l)) }),
  (d) => ({ ...d, date: new Date(Date.parse(`${String(d.date)}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10) }),
  (d) => ({ ...d, reference: d.reference === undefined ? 'REF' : `${String(d.reference)}x` }),
  (d) => ({ ...d, lines: [...lines(d), { description: 'extra line', quantity: '1', unitPrice: '1', taxCode: 'G.S.T.', account: 'sales' }] }),
  (d) => (lines(d).length > 1 ? { ...d, lines: lines(d).slice(1) } : { ...d, lines: [...lines(d), ...lines(d)] }),
  (d) => (lines(d).length > 1 ? { ...d, lines: [...lines(d).slice(1), ...lines(d).slice(0, 1)] } : { ...d, amountsAre: 'inclusive' }),
  (d) => ({
    ...d,
    lines: lines(d).map((l, i) => {
      if (i > 0) return l;
      const { discountRate, ...rest } = l;
      return discountRate === undefined ? { ...l, discountRate: '5' } : rest;
    }),
  }),
];
const change = fc.integer({ min: 0, max: CHANGES.length - 1 });
const seed = fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 16 });

function hashOf(body: Json): string {
  const parsed = parseDocumentsRequest(body);
  assert.ok(parsed.ok && parsed.documents[0], JSON.stringify(parsed.ok ? body : parsed.issues));
  return contentHash(parsed.documents[0]);
}

/** Drops keys whose value is undefined (a change may remove a field). */
const clean = (d: Doc): Doc => JSON.parse(JSON.stringify(d)) as Doc;

describe('the same content, however it is written, has one hash', () => {
  test('reformatted documents hash alike; changed ones do not', () => {
    fc.assert(
      fc.property(invoice, seed, change, (doc, s, c) => {
        const original = hashOf(doc);
        assert.equal(hashOf(reformat(doc, [...s])), original, 'a reformatted document is the same content');
        const changed = clean((CHANGES[c] as (d: Doc) => Doc)(doc));
        assert.notEqual(hashOf(changed), original, `change ${c} is a change: ${JSON.stringify(changed)}`);
        assert.equal(hashOf(reformat(changed, [...s])), hashOf(changed));
      }),
      { numRuns: 1000 },
    );
  });
});

for (const kind of databaseKinds()) {
  describe(`revisions left out are numbered from the content over HTTP (${kind})`, () => {
    let api: ApiOnly;
    before(async () => {
      api = await startApiOnly(kind);
    });
    after(async () => api.close());

    async function postOne(body: Json): Promise<{ revision: number; duplicate: boolean }> {
      const res = await fetch(`${api.url}/api/v1/documents`, { method: 'POST', body: JSON.stringify(body), headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' } });
      const json = (await res.json()) as { documents: Array<{ revision: number; duplicate: boolean }> };
      assert.equal(res.status, 202, JSON.stringify(json));
      const [d] = json.documents;
      return { revision: d?.revision ?? 0, duplicate: d?.duplicate ?? false };
    }

    test('reformatted: a duplicate of the latest revision; changed: the next revision', async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(invoice, seed, change, async (doc, s, c) => {
          n += 1;
          const sourceId = `SRC-${n}`;
          const original = { ...doc, sourceId };
          assert.deepEqual(await postOne(original), { revision: 1, duplicate: false });
          assert.deepEqual(await postOne(reformat(original, [...s])), { revision: 1, duplicate: true });
          const changed = clean({ ...(CHANGES[c] as (d: Doc) => Doc)(original), sourceId });
          assert.deepEqual(await postOne(changed), { revision: 2, duplicate: false });
          assert.deepEqual(await postOne(reformat(changed, [...s])), { revision: 2, duplicate: true });
        }),
        { numRuns: kind === 'sqlite' ? 40 : 20 },
      );
    });
  });
}
