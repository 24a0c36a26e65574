import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DOCUMENT_KINDS, KIND_LABELS, documentDate, documentReference, parseDocumentsRequest, requiredContact } from '../../src/domain/documents.ts';
import { doc } from './fixtures.ts';

const invoice = {
  kind: 'sales_invoice',
  sourceId: 'SO-00042',
  revision: 1,
  date: '2026-11-20',
  dueDate: '2026-12-20',
  contact: 'CUST-001',
  currency: 'NZD',
  reference: 'PO 7781',
  amountsAre: 'exclusive',
  lines: [{ productCode: 'WIDGET', description: 'Widget', quantity: 2, unitPrice: '19.95', discountRate: 0, taxCode: 'G.S.T.', account: 'sales' }],
};

test("the API's documented examples parse, money normalised to canonical decimal strings", () => {
  const r = parseDocumentsRequest({
    documents: [
      { kind: 'customer', sourceId: 'CUST-001', name: 'Acme Ltd', email: 'ap@acme.test', taxNumber: '12-345-678', firstName: 'Ann', lastName: 'Lee', currency: 'NZD' },
      invoice,
      {
        kind: 'journal',
        sourceId: 'SA-0007',
        journalType: 'stock_adjustment_in',
        date: '2026-11-20',
        narration: 'Stock take',
        lines: [
          { account: 'stock_on_hand', amount: '120.00' },
          { account: 'cogs', amount: '-120.00' },
        ],
      },
    ],
  });
  if (!r.ok) assert.fail(JSON.stringify(r.issues));
  assert.ok(r.ok);
  const [c, i, j] = r.documents;
  assert.equal(c?.revision, undefined, 'left out: numbered from the content at ingest');
  assert.ok(i?.kind === 'sales_invoice');
  assert.deepEqual(i.lines[0], { productCode: 'WIDGET', description: 'Widget', quantity: '2', unitPrice: '19.95', discountRate: '0', taxCode: 'G.S.T.', account: 'sales' });
  assert.ok(j?.kind === 'journal');
  assert.deepEqual(
    j.lines.map((l) => l.amount),
    ['120', '-120'],
  );
});

test('every kind parses with defaults (no revision: numbered at ingest; amountsAre exclusive, quantity 1)', () => {
  for (const kind of ['sales_credit', 'purchase_bill', 'supplier_credit'] as const) {
    const d = doc({ kind, sourceId: 'X-1', date: '2026-01-31', contact: 'C', lines: [{ description: 'd', unitPrice: 1 }] });
    assert.ok(d.kind === kind);
    assert.equal(d.revision, undefined);
    assert.equal(d.amountsAre, 'exclusive');
    assert.equal(d.lines[0]?.quantity, '1');
  }
  assert.equal(doc({ kind: 'supplier', sourceId: 'S', name: 'Sup' }).kind, 'supplier');
});

test('precise messages with the path', () => {
  const r = parseDocumentsRequest({ documents: [invoice, invoice, { ...invoice, lines: [{ ...invoice.lines[0], unitPrice: 'abc' }] }] });
  assert.ok(!r.ok);
  assert.deepEqual(r.issues, [
    {
      index: 2,
      sourceId: 'SO-00042',
      kind: 'sales_invoice',
      path: 'documents[2].lines[0].unitPrice',
      message: 'documents[2].lines[0].unitPrice: must be a decimal number with at most 4 decimal places, got "abc"',
    },
  ]);
});

test('money, dates, strictness, limits', () => {
  const issues = (body: unknown) => {
    const r = parseDocumentsRequest(body);
    return r.ok ? [] : r.issues.map((i) => i.message);
  };
  const line = invoice.lines[0];
  assert.deepEqual(issues({ ...invoice, lines: [{ ...line, unitPrice: '1.23456' }] }), ['lines[0].unitPrice: must be a decimal number with at most 4 decimal places, got "1.23456"']);
  assert.deepEqual(issues({ ...invoice, lines: [{ ...line, quantity: 1e21 }] }), ['lines[0].quantity: must be a decimal number with at most 4 decimal places, got 1e+21']);
  assert.deepEqual(issues({ ...invoice, lines: [{ ...line, quantity: '1e3' }] }), ['lines[0].quantity: must be a decimal number with at most 4 decimal places, got "1e3"']);
  assert.deepEqual(issues({ ...invoice, lines: [{ ...line, discountRate: 101 }] }), ['lines[0].discountRate: must be a percentage from 0 to 100, got 101']);
  assert.deepEqual(issues({ ...invoice, date: '2026-02-29' }), ['date: must be a real calendar date as YYYY-MM-DD, got "2026-02-29"']);
  assert.deepEqual(issues({ ...invoice, date: '20/11/2026' }), ['date: must be a real calendar date as YYYY-MM-DD, got "20/11/2026"']);
  assert.deepEqual(issues({ ...invoice, colour: 'red' }), ['colour: unknown field']);
  assert.deepEqual(issues({ ...invoice, revision: 0 }), ['revision: must be a whole number of 1 or more']);
  assert.deepEqual(issues({ ...invoice, amountsAre: 'gross' }), ['amountsAre: must be one of "exclusive", "inclusive", "no_tax", got "gross"']);
  assert.deepEqual(issues({ ...invoice, lines: [] }), ['lines: must have at least one line']);
  assert.deepEqual(issues({ ...invoice, lines: [{ unitPrice: 1 }] }), ['lines[0]: must have a productCode or a description']);
  assert.deepEqual(
    issues({
      ...invoice,
      lines: [
        {
          ...line,
          tracking: [
            { category: 'a', option: 'b' },
            { category: 'c', option: 'd' },
            { category: 'e', option: 'f' },
          ],
        },
      ],
    }),
    ['lines[0].tracking: must have at most 2 tracking entries (Xero allows two tracking categories)'],
  );
  assert.deepEqual(issues({ kind: 'customer', sourceId: 'C' }), ['name: is required']);
  assert.deepEqual(issues({ ...invoice, lines: [{ ...line, account: 'stock_in_hand' }] }), [
    'lines[0].account: must be an account role (sales, cogs, stock_on_hand, purchases, freight, rounding) or a Xero account code of at most 10 characters, got "stock_in_hand"',
  ]);
  assert.deepEqual(issues({ kind: 'journal', sourceId: 'J', journalType: 'x', date: '2026-01-01', lines: [{ account: 'cogs', amount: 1 }] }), [
    'journalType: must be one of "shipment_cogs", "stock_adjustment_in", "stock_adjustment_out", "recost", "assembly", got "x"',
    'lines: must have at least two lines (a debit and a credit)',
  ]);
  assert.deepEqual(issues({ documents: [] }), ['documents: must hold 1 to 1000 documents, got 0']);
  assert.deepEqual(issues({ documents: Array.from({ length: 1001 }, () => invoice) }), ['documents: must hold 1 to 1000 documents, got 1001']);
  assert.deepEqual(issues({ kind: 'order' }), ['kind: must be one of customer, supplier, sales_invoice, sales_credit, purchase_bill, supplier_credit, journal, got "order"']);
  assert.deepEqual(issues(null), ['body must be a document object or {"documents":[…]}, got null']);
});

test('numbers and strings normalise to one canonical spelling', () => {
  const a = doc({ ...invoice, lines: [{ ...invoice.lines[0], quantity: '002.500', unitPrice: 19.9 }] });
  assert.ok(a.kind === 'sales_invoice');
  assert.equal(a.lines[0]?.quantity, '2.5');
  assert.equal(a.lines[0]?.unitPrice, '19.9');
  const z = doc({ ...invoice, lines: [{ ...invoice.lines[0], unitPrice: '-0.00' }] });
  assert.ok(z.kind === 'sales_invoice');
  assert.equal(z.lines[0]?.unitPrice, '0');
});

test('reference, contact, date, labels, endpoints', () => {
  const inv = doc(invoice);
  assert.equal(documentReference(inv), 'SO-00042 (PO 7781)');
  assert.deepEqual(requiredContact(inv), { kind: 'customer', sourceId: 'CUST-001' });
  assert.equal(documentDate(inv), '2026-11-20');
  const c = doc({ kind: 'customer', sourceId: 'C', name: 'Acme Ltd' });
  assert.equal(documentReference(c), 'Acme Ltd');
  assert.equal(documentDate(c), null);
  assert.equal(requiredContact(c), null);
  const bill = doc({ kind: 'purchase_bill', sourceId: 'PB', date: '2026-01-01', contact: 'SUP', lines: [{ description: 'x', unitPrice: 1 }] });
  assert.deepEqual(requiredContact(bill), { kind: 'supplier', sourceId: 'SUP' });
  assert.deepEqual(
    DOCUMENT_KINDS.map((k) => KIND_LABELS[k]),
    ['Customer', 'Supplier', 'Sales Invoice', 'Sales Credit', 'Purchase Bill', 'Supplier Credit', 'Journal'],
  );
});

test('property: malformed bodies never throw and always give issues with messages', () => {
  const junk = fc.oneof(fc.anything(), fc.record({ kind: fc.constantFrom(...DOCUMENT_KINDS), sourceId: fc.anything(), lines: fc.anything(), date: fc.anything() }));
  fc.assert(
    fc.property(junk, (body) => {
      const r = parseDocumentsRequest(body);
      if (r.ok) return; // fc.anything() can, rarely, build a valid document
      assert.ok(r.issues.length > 0);
      for (const i of r.issues) assert.ok(i.message.length > 0 && typeof i.path === 'string');
    }),
    { numRuns: 500 },
  );
});

test('property: mutating one field of a valid invoice gives an issue at that path, never a throw', () => {
  const fields = ['sourceId', 'date', 'contact', 'amountsAre', 'lines', 'revision', 'currency'];
  fc.assert(
    fc.property(fc.constantFrom(...fields), fc.constantFrom(null, -1, [], {}, true), (field, value) => {
      const r = parseDocumentsRequest({ ...invoice, [field]: value });
      assert.ok(!r.ok);
      assert.ok(
        r.issues.some((i) => i.path.startsWith(field)),
        `${field}=${JSON.stringify(value)}: ${JSON.stringify(r.issues)}`,
      );
    }),
    { numRuns: 200 },
  );
});
