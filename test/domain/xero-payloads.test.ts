import { test } from 'node:test';
import assert from 'node:assert/strict';
import { approxJsonBytes, toXeroContact, toXeroCreditNote, toXeroInvoice, toXeroManualJournal } from '../../src/domain/xero-payloads.ts';
import { applySettingsPatch, defaultSettings, type OrgSettings } from '../../src/domain/settings.ts';
import { demoReference, doc, journal } from './fixtures.ts';

function settings(patch: Record<string, unknown> = {}): OrgSettings {
  const r = applySettingsPatch(defaultSettings(), patch);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.settings;
}
const reference = demoReference();
const contractInvoice = {
  kind: 'sales_invoice',
  sourceId: 'SO-00042',
  revision: 1,
  date: '2026-11-20',
  dueDate: '2026-12-20',
  contact: 'CUST-001',
  currency: 'NZD',
  reference: 'PO 7781',
  amountsAre: 'exclusive',
  lines: [
    { productCode: 'WIDGET', description: 'Widget', quantity: 2, unitPrice: '19.95', discountRate: 10, taxCode: 'G.S.T.', account: 'sales', tracking: [{ category: 'region', option: 'north' }] },
  ],
};

test('sales invoice → ACCREC with mapped account, tax type, discount, tracking, status', () => {
  const d = doc(contractInvoice);
  assert.ok(d.kind === 'sales_invoice');
  const p = toXeroInvoice(d, { settings: settings(), reference, contactXeroId: 'c-1' });
  assert.deepEqual(p, {
    Type: 'ACCREC',
    InvoiceNumber: 'SO-00042',
    Reference: 'PO 7781',
    Contact: { ContactID: 'c-1' },
    Date: '2026-11-20',
    DueDate: '2026-12-20',
    LineAmountTypes: 'Exclusive',
    Status: 'AUTHORISED',
    CurrencyCode: 'NZD',
    LineItems: [{ Description: 'WIDGET - Widget', Quantity: 2, UnitAmount: 19.95, AccountCode: '200', TaxType: 'OUTPUT2', DiscountRate: 10, Tracking: [{ Name: 'Region', Option: 'North' }] }],
  });
});

test('moved date, dropped lines, existing Xero id, draft status', () => {
  const d = doc({ ...contractInvoice, dueDate: '2026-11-25', lines: [...contractInvoice.lines, { description: 'tiny', unitPrice: '0.001' }] });
  assert.ok(d.kind === 'sales_invoice');
  const p = toXeroInvoice(d, {
    settings: settings({ xeroStatus: { sales_invoice: 'DRAFT' } }),
    reference,
    contactXeroId: 'c-1',
    existingXeroId: 'inv-9',
    date: '2026-12-01',
    dropped: [{ line: 1 }],
  });
  assert.equal(p.InvoiceID, 'inv-9');
  assert.equal(p.Date, '2026-12-01');
  assert.equal(p.DueDate, '2026-12-01', 'a due date before the moved date moves with it');
  assert.equal(p.Status, 'DRAFT');
  assert.equal(p.LineItems.length, 1);
});

test('purchase bill → ACCPAY without discounts or Reference; supplier credit → ACCPAYCREDIT', () => {
  const bill = doc({
    kind: 'purchase_bill',
    sourceId: 'PB-7',
    date: '2026-11-20',
    contact: 'SUP-1',
    reference: 'INV 55',
    lines: [{ description: 'Bolts', quantity: 10, unitPrice: '2.50', discountRate: 20, taxCode: 'G.S.T.' }],
  });
  assert.ok(bill.kind === 'purchase_bill');
  const p = toXeroInvoice(bill, { settings: settings(), reference, contactXeroId: 's-1' });
  assert.equal(p.Type, 'ACCPAY');
  assert.equal(p.Reference, undefined);
  assert.deepEqual(p.LineItems, [{ Description: 'Bolts', Quantity: 10, UnitAmount: 2, AccountCode: '300', TaxType: 'INPUT2' }]);
  const credit = doc({ kind: 'supplier_credit', sourceId: 'SC-1', date: '2026-11-20', contact: 'SUP-1', lines: [{ description: 'Return', unitPrice: 5, taxCode: 'G.S.T.' }] });
  assert.ok(credit.kind === 'supplier_credit');
  const c = toXeroCreditNote(credit, { settings: settings(), reference, contactXeroId: 's-1' });
  assert.equal(c.Type, 'ACCPAYCREDIT');
  assert.equal(c.CreditNoteNumber, 'SC-1');
});

test('sales credit → ACCRECCREDIT; a missing contact id is a programming error', () => {
  const credit = doc({ ...contractInvoice, kind: 'sales_credit', sourceId: 'CR-1' });
  assert.ok(credit.kind === 'sales_credit');
  assert.equal(toXeroCreditNote(credit, { settings: settings(), reference, contactXeroId: 'c-1' }).Type, 'ACCRECCREDIT');
  assert.throws(() => toXeroCreditNote(credit, { settings: settings(), reference }), /no Xero ContactID for contact CUST-001/);
  const linked = toXeroCreditNote(credit, { settings: settings({ contactLinks: { customer: { 'CUST-001': 'linked-1' } } }), reference });
  assert.deepEqual(linked.Contact, { ContactID: 'linked-1' });
});

test('contact: ContactNumber, AccountNumber setting, addresses and phones', () => {
  const c = doc({
    kind: 'customer',
    sourceId: 'CUST-001',
    name: 'Acme Ltd',
    email: 'ap@acme.test',
    taxNumber: '12-345-678',
    code: 'ACME',
    phone: '09 555 0101',
    addresses: [{ type: 'street', line1: '1 Queen St', city: 'Auckland' }],
  });
  assert.ok(c.kind === 'customer');
  assert.deepEqual(toXeroContact(c, { settings: settings(), reference }), {
    Name: 'Acme Ltd',
    ContactNumber: 'CUST-001',
    AccountNumber: 'ACME',
    EmailAddress: 'ap@acme.test',
    TaxNumber: '12-345-678',
    Addresses: [{ AddressType: 'STREET', AddressLine1: '1 Queen St', City: 'Auckland' }],
    Phones: [{ PhoneType: 'DEFAULT', PhoneNumber: '09 555 0101' }],
  });
  const off = toXeroContact(c, { settings: settings({ sendCustomerCodeAsAccountNumber: false }), reference, existingXeroId: 'x-1' });
  assert.equal(off.AccountNumber, undefined);
  assert.equal(off.ContactID, 'x-1');
});

test('manual journal: roles resolved, rounded lines, rounding line, narration with the source id', () => {
  const j = journal(
    [
      { account: 'stock_on_hand', amount: '10.005' },
      { account: 'cogs', amount: '-5.0025' },
      { account: 'cogs', amount: '-5.0025' },
    ],
    { narration: 'Stock take' },
  );
  assert.ok(j.kind === 'journal');
  const p = toXeroManualJournal(j, { settings: settings(), reference });
  assert.deepEqual(p, {
    Narration: 'Stock take [SA-1]',
    Date: '2026-11-20',
    Status: 'POSTED',
    LineAmountTypes: 'NoTax',
    JournalLines: [
      { LineAmount: 10.01, AccountCode: '630' },
      { LineAmount: -5, AccountCode: '310' },
      { LineAmount: -5, AccountCode: '310' },
      { LineAmount: -0.01, AccountCode: '860', Description: 'Rounding' },
    ],
  });
  const sum = p.JournalLines.reduce((s, l) => s + Math.round(l.LineAmount * 100), 0);
  assert.equal(sum, 0);
});

test('approxJsonBytes counts UTF-8 bytes', () => {
  assert.equal(approxJsonBytes({ a: 'é' }), JSON.stringify({ a: 'é' }).length + 1);
});
