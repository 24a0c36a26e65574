/**
 * A document waiting for a contact that never arrives goes to Failed Exports after
 * XPORT_CONTACT_WAIT_HOURS with the action to post or link it, and back to the queue (and into Xero)
 * when the contact is posted or linked later. A contact that was received (even if its export failed)
 * is not "never received".
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { databaseKinds } from '../helpers/databases';
import { startHarness, type Harness } from '../helpers/harness';
import { assertActionable, assertExported, contactIdByName, customer, exportOf, post, salesInvoice, xeroSend } from './helpers';

const WAIT_MS = 1800; // XPORT_CONTACT_WAIT_HOURS=0.0005
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const kind of databaseKinds()) {
  describe(`a contact that never arrives (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(kind, { sandbox: { limits: { enabled: false } }, env: { XPORT_CONTACT_WAIT_HOURS: '0.0005' } });
    });
    after(async () => h.close());

    test('fails after the wait with what to do, and exports once the contact is posted', async () => {
      const [id = 0] = await post(h, salesInvoice('SI-W1', 'CUST-9'));
      await h.drain();
      assert.equal((await exportOf(h, id)).status, 'waiting');
      await sleep(WAIT_MS + 300);
      await h.drain();
      assertActionable(await exportOf(h, id), {
        code: 'contact_never_received',
        errorClass: 'validation',
        error: /customer CUST-9 was not received within 2 seconds/,
        action: /^CUST-9 was never received: post it, or link it to a Xero contact/,
      });
      await post(h, customer('CUST-9', 'Late Customer'));
      await h.drain();
      assertExported(await exportOf(h, id));
    });

    test('goes back to the queue when the contact is linked to a Xero contact', async () => {
      const [id = 0] = await post(h, salesInvoice('SI-W2', 'CUST-10'));
      await h.drain();
      await sleep(WAIT_MS + 300);
      await h.drain();
      assert.equal((await exportOf(h, id)).status, 'failed');
      await xeroSend(h, 'PUT', '/Contacts', { Contacts: [{ Name: 'Linked In Xero' }] });
      const res = await h.api('POST', '/api/v1/contacts/customer/CUST-10/link', { xeroContactId: await contactIdByName(h, 'Linked In Xero') });
      assert.equal(res.status, 200, JSON.stringify(res.json));
      await h.drain();
      assertExported(await exportOf(h, id));
    });

    test('a contact received but failed is not "never received": the document keeps waiting', async () => {
      const [contactId = 0, id = 0] = await post(h, customer('CUST-11', 'Bad Email Customer', { email: 'not an email' }), salesInvoice('SI-W3', 'CUST-11'));
      await h.drain();
      assert.equal((await exportOf(h, contactId)).status, 'failed');
      await sleep(WAIT_MS + 300);
      await h.drain();
      const e = await exportOf(h, id);
      assert.equal(e.status, 'waiting', e.error ?? '');
      assert.match(e.reason ?? '', /CUST-11/);
    });
  });
}
