/** "Open in Xero" links select the organisation (its short code) before opening the object: exports and Xero contacts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { XeroContactSummary } from '../../src/engine/contact-directory';
import { contactName } from '../../src/web/ui/contact-picker';
import { xeroLink } from '../../src/web/ui/format';

const ID = '0f8c2d4e-1a2b-4c3d-8e9f-001122334455';

test('with the short code, the link logs into that organisation and goes to the object', () => {
  const out = xeroLink('sales_invoice', ID, 'INV-0042', { shortCode: '!nzdm0' }).value;
  assert.match(out, /<span title="0f8c2d4e-[^"]+">INV-0042<\/span>/);
  const href = /href="([^"]+)"/.exec(out)?.[1]?.replace(/&amp;/g, '&');
  assert.equal(href, `https://go.xero.com/organisationlogin/default.aspx?shortcode=!nzdm0&redirecturl=${encodeURIComponent(`/AccountsReceivable/View.aspx?InvoiceID=${ID}`)}`);
});

test('without a short code the link opens in the current organisation; against a sandbox there is none', () => {
  const href = /href="([^"]+)"/.exec(xeroLink('customer', ID, 'Acme Ltd', { shortCode: null }).value)?.[1];
  assert.equal(href, `https://go.xero.com/Contacts/View/${ID}`);
  assert.doesNotMatch(xeroLink('customer', ID, 'Acme Ltd', null).value, /href=/);
  assert.match(xeroLink('customer', null, 'Acme Ltd', { shortCode: '!x' }).value, /—/);
});

test("a Xero contact's link (contact picker, Settings → Contacts) selects its organisation too; none against a sandbox", () => {
  const contact: XeroContactSummary = { id: ID, name: 'Acme <Ltd>', email: null, accountNumber: null, status: 'ACTIVE' };
  for (const kind of ['customer', 'supplier'] as const) {
    const out = contactName({ shortCode: '!nzdm0' }, kind, contact, ID).value;
    const href = /href="([^"]+)"/.exec(out)?.[1]?.replace(/&amp;/g, '&');
    assert.equal(href, `https://go.xero.com/organisationlogin/default.aspx?shortcode=!nzdm0&redirecturl=${encodeURIComponent(`/Contacts/View/${ID}`)}`);
    assert.match(out, /Acme &lt;Ltd&gt;/);
  }
  assert.match(contactName({ shortCode: null }, 'customer', contact, ID).value, new RegExp(`href="https://go.xero.com/Contacts/View/${ID}"`));
  assert.doesNotMatch(contactName(null, 'customer', contact, ID).value, /href=/);
  assert.match(contactName({ shortCode: '!x' }, 'supplier', undefined, ID).value, /name not available/);
});
