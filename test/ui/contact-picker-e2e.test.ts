/**
 * Linking contacts against the real sandbox, in a real browser: a duplicate-name failure links
 * straight to the picker for its row; the picker searches Xero's contacts by name and links one;
 * a value that is not a Xero contact is refused in the settings form and in PATCH /api/v1/settings
 * (a pasted Xero URL is accepted and kept as the ContactID); links made by exports show names.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startHarness, type Harness } from '../helpers/harness';
import { ADMIN_PASSWORD, CHROMIUM_FLAGS } from './helpers';

async function signIn(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: url });
  const page = await context.newPage();
  await page.goto('/login');
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', ADMIN_PASSWORD);
  await Promise.all([page.waitForURL(/\/queue/), page.click('button:has-text("Sign in")')]);
  return page;
}

describe('the contact picker', () => {
  let h: Harness;
  let browser: Browser;
  let acmeId = '';
  before(async () => {
    h = await startHarness('sqlite', { env: { XPORT_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
    await h.api('POST', '/api/v1/documents', { documents: [{ kind: 'customer', sourceId: 'CUST-A', name: 'Picker Acme Ltd', email: 'ap@acme.test' }] });
    await h.drain();
    const found = (await h.xeroGet(`/Contacts?searchTerm=${encodeURIComponent('Picker Acme')}`)).Contacts as Array<{ ContactID: string }>;
    acmeId = found[0]?.ContactID ?? '';
    assert.ok(acmeId);
  });
  after(async () => {
    await browser.close();
    await h.close();
  });

  test('a duplicate-name failure links to the picker for its row; searching by name links the contact', { timeout: 90_000 }, async () => {
    const res = await h.api('POST', '/api/v1/documents', { documents: [{ kind: 'customer', sourceId: 'CUST-B', name: 'Picker Acme Ltd' }] });
    const exportId = (res.json as { documents: Array<{ exportId: number }> }).documents[0]?.exportId;
    await h.drain();
    const failed = (await h.api('GET', `/api/v1/exports/${exportId}`)).json as { status: string; errorCode: string };
    assert.equal(failed.status, 'failed', JSON.stringify(failed));
    const page = await signIn(browser, h.url);
    await Promise.all([page.waitForURL(/\/settings\/contacts\/pick\?kind=customer&sourceId=CUST-B/), page.click('a:has-text("Choose the Xero contact for CUST-B")')]);
    await page.waitForSelector('#contact-results');
    assert.match((await page.textContent('#contact-results')) ?? '', /Picker Acme Ltd/);
    assert.doesNotMatch((await page.textContent('#contact-results')) ?? '', new RegExp(acmeId));
    await Promise.all([page.waitForURL(/saved=contacts/), page.click('button:has-text("Link CUST-B to this contact")')]);
    assert.match((await page.textContent('#contacts #saved-note')) ?? '', /Linked customer CUST-B to Picker Acme Ltd in Xero/);
    const done = (await h.api('GET', `/api/v1/exports/${exportId}`)).json as { status: string };
    assert.equal(done.status, 'exported');
    assert.match((await page.textContent('#export-links')) ?? '', /CUST-A\s*Picker Acme Ltd/);
    await page.context().close();
  });

  test('a value that is not a Xero contact is refused in the form and in the API; a Xero URL is accepted', { timeout: 60_000 }, async () => {
    const bad = await h.api('PATCH', '/api/v1/settings', { contactLinks: { customer: { 'CUST-X': 'not-a-guid' } } });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.json), /not-a-guid\\" is not a Xero contact/);
    const unknown = await h.api('PATCH', '/api/v1/settings', { contactLinks: { customer: { 'CUST-X': '0b9a2a0e-1111-4222-8333-444455556666' } } });
    assert.equal(unknown.status, 400);
    assert.match(JSON.stringify(unknown.json), /is not a contact in this Xero organisation/);
    const url = await h.api('PATCH', '/api/v1/settings', { contactLinks: { customer: { 'CUST-X': `https://go.xero.com/Contacts/View/${acmeId.toUpperCase()}` } } });
    assert.equal(url.status, 200, JSON.stringify(url.json));
    assert.equal((url.json as { contactLinks: { customer: Record<string, string> } }).contactLinks.customer['CUST-X'], acmeId.toLowerCase());

    const page = await signIn(browser, h.url);
    await page.goto('/settings#contacts');
    assert.match((await page.textContent('#contacts')) ?? '', /CUST-X[\s\S]*Picker Acme Ltd/);
    await page.fill('#contacts input[name=customer_key] >> nth=1', 'CUST-Y');
    await page.fill('#contacts input[name=customer_value] >> nth=1', 'not-a-guid');
    await Promise.all([page.waitForLoadState('load'), page.click('#contacts button:has-text("Save")')]);
    assert.match((await page.textContent('#settings-errors')) ?? '', /CUST-Y: "not-a-guid" is not a Xero contact/);
    const settings = (await h.api('GET', '/api/v1/settings')).json as { contactLinks: { customer: Record<string, string> } };
    assert.equal(settings.contactLinks.customer['CUST-Y'], undefined);
    await page.context().close();
  });

  test('a line that names an unknown account code says so, and is fixed by mapping that code', { timeout: 90_000 }, async () => {
    const res = await h.api('POST', '/api/v1/documents', {
      documents: [
        {
          kind: 'sales_invoice',
          sourceId: 'SO-LINE-999',
          date: '2026-11-20',
          contact: 'CUST-A',
          lines: [{ description: 'Installation', quantity: 1, unitPrice: '150.00', taxCode: 'G.S.T.', account: '999' }],
        },
      ],
    });
    const exportId = (res.json as { documents: Array<{ exportId: number }> }).documents[0]?.exportId;
    await h.drain();
    const failed = (await h.api('GET', `/api/v1/exports/${exportId}`)).json as { status: string; errorCode: string; actionRequired: string };
    assert.deepEqual([failed.status, failed.errorCode], ['failed', 'line_account_code_invalid']);
    assert.match(failed.actionRequired, /map account code '999' to a Xero account in Settings → Account mappings → Account codes named on lines, or send a new revision/);
    assert.doesNotMatch(failed.actionRequired, /map the role/);
    const page = await signIn(browser, h.url);
    const row = page.locator('tr', { hasText: 'SO-LINE-999' });
    assert.match((await row.textContent()) ?? '', /named on the line itself/);
    await Promise.all([page.waitForURL(/\/settings\?linecode=999#line-codes/), row.locator('a:has-text("Map account code 999")').click()]);
    await page.selectOption('#accounts select[name=linecode_value] >> nth=0', '200');
    assert.equal(await page.inputValue('#accounts input[name=linecode_key] >> nth=0'), '999');
    await Promise.all([page.waitForURL(/saved=accounts/), page.click('#accounts button:has-text("Save")')]);
    assert.match((await page.textContent('#accounts #saved-note')) ?? '', /1 failed export was caused by this mapping/);
    await Promise.all([page.waitForURL(/\/queue/), page.click('#accounts button:has-text("Export it now")')]);
    await h.drain();
    const done = (await h.api('GET', `/api/v1/exports/${exportId}`)).json as { status: string };
    assert.equal(done.status, 'exported');
    const invoices = (await h.xeroGet('/Invoices?InvoiceNumbers=SO-LINE-999')).Invoices as Array<{ LineItems: Array<{ AccountCode: string }> }>;
    assert.equal(invoices[0]?.LineItems[0]?.AccountCode, '200');
    await page.context().close();
  });

  test('searches and look-ups are cached: typing the same term again asks Xero nothing', async () => {
    await fetch(`${h.sandbox.url}/_sandbox/requests`, { method: 'DELETE' });
    const dir = h.rt.settings.directory;
    const first = await dir.search(h.tenantId, 'Cached Term Ltd');
    const again = await dir.search(h.tenantId, 'cached term ltd');
    assert.ok(first.ok && again.ok);
    const found = await dir.search(h.tenantId, 'Picker Acme');
    assert.ok(found.ok && found.contacts[0]);
    const looked = await dir.lookup(h.tenantId, found.contacts[0].id);
    assert.equal(looked.ok && looked.contact?.name, 'Picker Acme Ltd');
    const journal = (await (await fetch(`${h.sandbox.url}/_sandbox/requests`)).json()) as { requests: Array<{ method: string; path: string }> };
    const gets = journal.requests.filter((r) => r.method === 'GET' && /Contacts/i.test(r.path));
    assert.equal(gets.length, 2, JSON.stringify(gets));
  });
});
