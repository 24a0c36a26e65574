/** What a person may paste as a Xero contact: its ContactID or its page's URL in Xero; nothing else. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { contactIdFrom } from '../../src/engine/contact-directory';

const ID = '5b1d4c6e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';

test('a ContactID or a Xero contact URL gives the id, lower-cased', () => {
  assert.equal(contactIdFrom(ID.toUpperCase()), ID);
  assert.equal(contactIdFrom(` ${ID} `), ID);
  assert.equal(contactIdFrom(`https://go.xero.com/Contacts/View/${ID}`), ID);
  assert.equal(contactIdFrom(`https://go.xero.com/app/!abc12/contacts/contact/${ID}`), ID);
  assert.equal(contactIdFrom(`https://go.xero.com/Contacts/View.aspx?contactID=${ID}`), ID);
});

test('anything else is refused', () => {
  for (const bad of [
    'not-a-guid',
    '',
    `http://go.xero.com/Contacts/View/${ID}`,
    `https://evil.example/Contacts/View/${ID}`,
    `https://go.xero.com.evil.example/Contacts/View/${ID}`,
    `https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID=${ID}`,
    `${ID}x`,
    'javascript:alert(1)',
  ]) {
    assert.equal(contactIdFrom(bad), null, bad);
  }
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (s) => {
      const id = contactIdFrom(s);
      assert.ok(id === null || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id), `${s} gave ${id}`);
    }),
    { numRuns: 2000 },
  );
});
