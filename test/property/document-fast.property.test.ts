/**
 * Property: the fast path of document validation (src/domain/document-fast.ts) never disagrees with
 * zod. On generated documents of every kind, mostly valid but with hostile values mixed in (padded,
 * empty and over-long text, decimals in every spelling and out of range, bad dates, wrong types,
 * unknown and missing fields, too many lines or tracking entries):
 * - whenever the fast path returns a document, zod accepts the input and returns the same document,
 *   key order included (the same JSON bytes);
 * - whenever zod accepts an input (with no explicit undefined in it), the fast path does too, so the
 *   common document really skips zod;
 * - what zod returns goes through the fast path unchanged (a stored document is read back fast).
 * parseDocumentsRequest gives the same answer, issues and messages included, as zod alone.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fastParseDocument } from '../../src/domain/document-fast';
import { DOCUMENT_KINDS, parseDocumentsRequest, parseWithZod } from '../../src/domain/documents';
import type { DocumentKind } from '../../src/domain/types';
import { hostileText } from './hostile';

const RUNS = Number(process.env.FAST_PARSE_RUNS ?? 1500);

const pad = fc.constantFrom('', ' ', '  ', '\t', '\n', '\u00a0', '\u2028', '\ufeff', '\u3000');

/** Text for a field of at most `max` characters: usually fine, sometimes empty, blank or too long. */
function textOf(max: number): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 150, arbitrary: fc.tuple(pad, hostileText(Math.min(max, 60)), pad).map(([a, s, b]) => `${a}${s}${b}`) },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', '\t\n') },
    { weight: 1, arbitrary: fc.constantFrom(max - 1, max, max + 1).map((n) => 'x'.repeat(Math.max(1, n))) },
    { weight: 1, arbitrary: fc.constantFrom('😀'.repeat(Math.ceil(max / 2)), `${'a'.repeat(max)} `, ` ${'é'.repeat(max)}`) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(7, null, true, [], {}, ['a']) },
  );
}

const digits = (n: number) => fc.string({ unit: fc.constantFrom('0', '1', '5', '9'), minLength: 0, maxLength: n });

/** Decimals as integrators write them, and as they should not. */
const decimalInput: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.tuple(fc.constantFrom('', '-'), digits(15), fc.option(digits(6), { nil: undefined }), pad, pad).map(([s, i, f, a, b]) => `${a}${s}${i}${f === undefined ? '' : `.${f}`}${b}`),
  },
  { weight: 60, arbitrary: fc.integer({ min: -10_000_000, max: 10_000_000 }).map((n) => n / 100) },
  { weight: 1, arbitrary: fc.double({ noNaN: false }) },
  { weight: 60, arbitrary: fc.integer({ min: 0, max: 10 ** 8 }).map((n) => n / 10 ** 4) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      '1e3',
      '+1',
      '.5',
      '5.',
      '-',
      '--1',
      '0x10',
      '1,5',
      '١٢',
      '100.0001',
      '100',
      '100.0000',
      '-0',
      '-0.0',
      '0000000000000012.3400',
      '99999999999999',
      '9999999999999.9999',
      -0,
      1e21,
      1e-7,
      null,
      [],
      {},
      true,
      Infinity,
    ),
  },
);

const dateInput = fc.oneof(
  { weight: 60, arbitrary: fc.integer({ min: -40_000, max: 40_000 }).map((d) => new Date(Date.UTC(2000, 0, 1) + d * 86_400_000).toISOString().slice(0, 10)) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('2026-02-30', '2026-13-01', '1899-12-31', ' 2026-01-01', '2026-1-1', '20260101', 20260101, null) },
);

const currencyInput = fc.oneof({ weight: 60, arbitrary: fc.constantFrom('NZD', 'AUD', 'USD') }, { weight: 1, arbitrary: fc.constantFrom<unknown>('nzd', 'NZ', 'NZDX', ' NZD', 1) });
const revisionInput = fc.oneof(
  { weight: 60, arbitrary: fc.integer({ min: 1, max: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(0, -1, 1.5, 2 ** 53, Number.MAX_SAFE_INTEGER, '1', null, NaN) },
);
const accountInput = fc.oneof(
  { weight: 60, arbitrary: fc.constantFrom('sales', 'cogs', 'stock_on_hand', 'purchases', 'freight', 'rounding', '200', ' 200 ', '1234567890', ' rounding ') },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('12345678901', 'stock_on_hands', '', ' ', 200, null) },
);
function enumInput(values: readonly string[]): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 60, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: fc.constantFrom<unknown>('', values[0]?.toUpperCase(), ` ${values[0] ?? ''}`, 1, null) });
}

/** Mostly undefined (nothing odd), sometimes a value. */
function rarely<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 40, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
}

/** Fields of an object: each left out or given; sometimes an unknown one, an explicit undefined or the wrong container. */
function objectOf(fields: Record<string, fc.Arbitrary<unknown>>, required: string[]): fc.Arbitrary<unknown> {
  const keys = Object.keys(fields);
  const requiredArb = fc.record(Object.fromEntries(required.map((k) => [k, fields[k] as fc.Arbitrary<unknown>])));
  const built = fc
    .record({
      req: requiredArb,
      rec: fc.record(fields, { requiredKeys: [] }),
      drop: required.length > 0 ? rarely(fc.constantFrom(...required)) : fc.constant(undefined),
      extra: rarely(fc.constantFrom('colour', 'dueDte', '__proto__', 'Kind')),
      undef: rarely(fc.constantFrom(...keys)),
      reverse: fc.boolean(),
    })
    .map(({ req, rec, drop, extra, undef, reverse }) => {
      const all: Record<string, unknown> = { ...req, ...rec };
      if (drop !== undefined) delete all[drop];
      const entries = Object.entries(all);
      if (reverse) entries.reverse();
      const out: Record<string, unknown> = {};
      for (const [k, v] of entries) out[k] = v;
      // defineProperty: an own "__proto__" key, as JSON.parse makes one.
      if (extra !== undefined) Object.defineProperty(out, extra, { value: 'x', enumerable: true, writable: true, configurable: true });
      if (undef !== undefined) out[undef] = undefined;
      return out;
    });
  return fc.oneof({ weight: 200, arbitrary: built }, { weight: 1, arbitrary: fc.constantFrom<unknown>(null, [], 'doc', 3) });
}

function listOf(item: fc.Arbitrary<unknown>, min: number, max: number): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 60, arbitrary: fc.array(item, { minLength: min, maxLength: Math.min(max, min + 4) }) },
    // Many lines, now and then.
    { weight: max > 100 ? 2 : 0, arbitrary: fc.array(item, { minLength: 40, maxLength: 120 }) },
    { weight: 1, arbitrary: fc.array(item, { minLength: 0, maxLength: min }) },
    { weight: 1, arbitrary: fc.array(item, { minLength: max + 1, maxLength: max + 1 }) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 'x', {}) },
  );
}

const tracking = listOf(objectOf({ category: textOf(100), option: textOf(100) }, ['category', 'option']), 0, 2);

const itemLine = objectOf(
  {
    productCode: textOf(255),
    description: textOf(4000),
    quantity: decimalInput,
    unitPrice: decimalInput,
    discountRate: fc.oneof({ weight: 20, arbitrary: fc.integer({ min: 0, max: 1_000_000 }).map((n) => (n / 10_000).toFixed(n % 4)) }, { weight: 1, arbitrary: decimalInput }),
    taxCode: textOf(50),
    account: accountInput,
    productGroup: textOf(255),
    tracking,
  },
  // A line with neither productCode nor description still comes up: a required field is sometimes dropped.
  ['unitPrice', 'description'],
);

function itemDocument(kind: DocumentKind): fc.Arbitrary<unknown> {
  return objectOf(
    {
      kind: fc.constant(kind),
      sourceId: textOf(255),
      revision: revisionInput,
      date: dateInput,
      dueDate: dateInput,
      contact: textOf(50),
      currency: currencyInput,
      reference: textOf(255),
      amountsAre: enumInput(['exclusive', 'inclusive', 'no_tax']),
      lines: fc.oneof(
        { weight: 40, arbitrary: listOf(itemLine, 1, 1000) },
        { weight: 1, arbitrary: fc.constant(1001).map((n) => Array.from({ length: n }, () => ({ unitPrice: '1', description: 'x' }))) },
      ),
    },
    ['kind', 'sourceId', 'date', 'contact', 'lines'],
  );
}

const address = objectOf(
  {
    type: enumInput(['postal', 'street']),
    line1: textOf(500),
    line2: textOf(500),
    line3: textOf(500),
    line4: textOf(500),
    city: textOf(255),
    region: textOf(255),
    postalCode: textOf(50),
    country: textOf(50),
    attention: textOf(255),
  },
  [],
);

function contactDocument(kind: 'customer' | 'supplier'): fc.Arbitrary<unknown> {
  const loose = (max: number) => fc.oneof(textOf(max), fc.constantFrom('', ' ', `${'a'.repeat(max)}  `, 'a'.repeat(max + 1)));
  return objectOf(
    {
      kind: fc.constant(kind),
      sourceId: textOf(50),
      revision: revisionInput,
      name: textOf(255),
      email: loose(255),
      taxNumber: loose(50),
      firstName: textOf(255),
      lastName: textOf(255),
      currency: currencyInput,
      code: textOf(50),
      accountNumber: textOf(50),
      phone: textOf(50),
      mobile: textOf(50),
      website: textOf(255),
      addresses: listOf(address, 0, 2),
    },
    ['kind', 'sourceId', 'name'],
  );
}

const journalLine = objectOf({ account: accountInput, amount: decimalInput, description: textOf(4000), taxCode: textOf(50), tracking }, ['account', 'amount']);

const journal = objectOf(
  {
    kind: fc.constant('journal'),
    sourceId: textOf(255),
    revision: revisionInput,
    journalType: enumInput(['shipment_cogs', 'stock_adjustment_in', 'stock_adjustment_out', 'recost', 'assembly']),
    date: dateInput,
    narration: textOf(4000),
    currency: currencyInput,
    lines: listOf(journalLine, 2, 1000),
  },
  ['kind', 'sourceId', 'journalType', 'date', 'lines'],
);

const GENERATORS: Record<DocumentKind, fc.Arbitrary<unknown>> = {
  customer: contactDocument('customer'),
  supplier: contactDocument('supplier'),
  sales_invoice: itemDocument('sales_invoice'),
  sales_credit: itemDocument('sales_credit'),
  purchase_bill: itemDocument('purchase_bill'),
  supplier_credit: itemDocument('supplier_credit'),
  journal,
};

function hasUndefined(v: unknown): boolean {
  if (v === undefined) return true;
  if (Array.isArray(v)) return v.some(hasUndefined);
  if (v !== null && typeof v === 'object') return Object.values(v).some(hasUndefined);
  return false;
}

for (const kind of DOCUMENT_KINDS) {
  test(`${kind}: the fast path returns what zod returns, or leaves it to zod`, () => {
    let fastHits = 0;
    let zodValid = 0;
    fc.assert(
      fc.property(GENERATORS[kind], (input) => {
        const fast = fastParseDocument(kind, input);
        const zod = parseWithZod(input, kind);
        if (fast !== undefined) {
          fastHits += 1;
          assert.ok(zod.success, `the fast path accepted what zod refuses: ${zod.success ? '' : zod.error.message}`);
          assert.equal(JSON.stringify(fast), JSON.stringify(zod.data));
          assert.deepEqual(fast, zod.data);
        }
        if (zod.success) {
          zodValid += 1;
          if (!hasUndefined(input)) assert.ok(fast !== undefined, 'zod accepts this document but the fast path left it to zod');
          // Read back from storage: the validated form goes through the fast path as it is.
          const again = fastParseDocument(kind, JSON.parse(JSON.stringify(zod.data)) as unknown);
          assert.equal(JSON.stringify(again), JSON.stringify(zod.data));
        }
        // The request as a whole: the same outcome, issues and messages included, as zod alone gives.
        const request = parseDocumentsRequest({ documents: [input] });
        if (zod.success) assert.deepEqual(request, { ok: true, documents: [zod.data] });
        else assert.equal(request.ok, false);
      }),
      { numRuns: RUNS },
    );
    // The generators are meant to be mostly valid: make sure both sides were exercised.
    assert.ok(zodValid > RUNS / 20, `only ${zodValid} of ${RUNS} inputs were valid`);
    assert.ok(fastHits > 0);
  });
}
