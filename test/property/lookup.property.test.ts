/**
 * Property: a look-up finds exactly the document it looks for, whatever its number, contact number
 * or narration holds (commas, quotes, apostrophes, backslashes, `==`, OR, AND, non-ASCII, the
 * maximum length), among decoys that differ only in case, in a character more, or in the contact.
 * Against the sandbox over real HTTP; every look-up URL stays under the documented limit and
 * parses (no 400).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { LOOKUP_QUERY_MAX } from '../../src/engine/lookup-plan';
import { findManyInXero } from '../../src/engine/reconcile';
import type { XeroEndpoint } from '../../src/domain/types';
import { control, xeroSend } from '../engine-e2e/helpers';
import { startHarness, type Harness } from '../helpers/harness';
import { hostileText } from './hostile';

const RUNS = Number(process.env.XPORT_PROPERTY_RUNS ?? 30);

type Made = { key: string; id: string; payload: Record<string, unknown> };

async function contact(h: Harness, name: string, number?: string): Promise<string> {
  const body = await xeroSend(h, 'PUT', '/Contacts', { Contacts: [{ Name: name, ...(number === undefined ? {} : { ContactNumber: number }) }] });
  return String((body.Contacts as Array<{ ContactID: string }>)[0]?.ContactID);
}

async function create(h: Harness, endpoint: XeroEndpoint, key: string, contactId: string, n: number): Promise<Made> {
  const line = { Description: 'x', Quantity: 1, UnitAmount: 1, AccountCode: '300' };
  if (endpoint === 'Contacts') return { key, id: await contact(h, `Lookup contact ${n}`, key), payload: { Name: `Lookup contact ${n}`, ContactNumber: key } };
  if (endpoint === 'ManualJournals') {
    const body = await xeroSend(h, 'PUT', '/ManualJournals', {
      ManualJournals: [
        {
          Narration: key,
          Date: '2026-11-20',
          JournalLines: [
            { LineAmount: 5, AccountCode: '630' },
            { LineAmount: -5, AccountCode: '310' },
          ],
        },
      ],
    });
    return { key, id: String((body.ManualJournals as Array<{ ManualJournalID: string }>)[0]?.ManualJournalID), payload: { Narration: key } };
  }
  const number = endpoint === 'Invoices' ? 'InvoiceNumber' : 'CreditNoteNumber';
  const type = endpoint === 'Invoices' ? 'ACCPAY' : 'ACCPAYCREDIT';
  const payload = { Type: type, [number]: key, Contact: { ContactID: contactId } };
  const body = await xeroSend(h, 'PUT', `/${endpoint}`, { [endpoint]: [{ ...payload, Date: '2026-11-20', LineItems: [line] }] });
  const id = (body[endpoint] as Array<Record<string, string>>)[0]?.[endpoint === 'Invoices' ? 'InvoiceID' : 'CreditNoteID'];
  return { key, id: String(id), payload };
}

/** Records that must never be taken for `key`: another case, one character more, another contact. */
function decoys(endpoint: XeroEndpoint, key: string): Array<{ key: string; other: boolean }> {
  const out = [
    { key: `${key}x`, other: false },
    { key: `x${key}`, other: false },
  ];
  if (key.toUpperCase() !== key && endpoint !== 'Contacts') out.push({ key: key.toUpperCase(), other: false });
  if (endpoint === 'Invoices' || endpoint === 'CreditNotes') out.push({ key, other: true });
  return out;
}

describe('look-ups find exactly the document, whatever its key holds', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('sqlite', { sandbox: { limits: { enabled: false } } });
  });
  after(async () => h.close());

  test('hostile keys among decoys, every endpoint', { timeout: 120_000 }, async () => {
    const endpoints = fc.constantFrom<XeroEndpoint>('Invoices', 'CreditNotes', 'Contacts', 'ManualJournals');
    await fc.assert(
      fc.asyncProperty(endpoints, fc.uniqueArray(hostileText(255), { minLength: 1, maxLength: 6 }), fc.uniqueArray(hostileText(255), { maxLength: 3 }), async (endpoint, present, absentRaw) => {
        await control(h, 'POST', '/reset', {});
        const norm = (k: string) => (endpoint === 'Contacts' ? [...k].slice(0, 50).join('') : k); // Xero: contact numbers up to 50
        const keys = present.map(norm);
        if (new Set(keys.map((k) => k.toUpperCase())).size < keys.length) return; // sandbox: contact numbers are unique ignoring case
        const mine = await contact(h, 'Lookup owner');
        const theirs = await contact(h, 'Lookup other');
        const made: Made[] = [];
        let n = 0;
        for (const key of keys) {
          for (const d of decoys(endpoint, key)) if (!keys.includes(d.key)) await create(h, endpoint, d.key, d.other ? theirs : mine, (n += 1)).catch(() => undefined);
          made.push(await create(h, endpoint, key, mine, (n += 1)));
        }
        const absent = absentRaw.map(norm).filter((k) => !keys.includes(k) && !keys.some((p) => decoys(endpoint, p).some((d) => d.key === k)));
        const since = Math.max(0, ...((await control(h, 'GET', '/requests')) as { requests: Array<{ seq: number }> }).requests.map((r) => r.seq));
        const payloads = [...made.map((m) => m.payload), ...absent.map((k) => absentPayload(endpoint, k, mine))];
        const results = await findManyInXero(h.rt.xero, h.tenantId, endpoint, payloads);
        made.forEach((m, i) => assert.deepEqual({ key: m.key, id: (results[i] as { xeroId?: string }).xeroId }, { key: m.key, id: m.id }));
        absent.forEach((k, i) => assert.deepEqual(results[made.length + i], { found: false }, k));
        const gets = ((await control(h, 'GET', '/requests?method=GET')) as { requests: Array<{ seq: number; query: string; status: number }> }).requests.slice(-1000).filter((r) => r.seq > since);
        for (const g of gets) {
          assert.equal(g.status, 200, g.query);
          assert.ok(g.query.length - 1 <= LOOKUP_QUERY_MAX, `a look-up of ${g.query.length - 1} characters`);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

function absentPayload(endpoint: XeroEndpoint, key: string, contactId: string): Record<string, unknown> {
  if (endpoint === 'Contacts') return { Name: 'nobody', ContactNumber: key };
  if (endpoint === 'ManualJournals') return { Narration: key };
  return endpoint === 'Invoices' ? { Type: 'ACCPAY', InvoiceNumber: key, Contact: { ContactID: contactId } } : { Type: 'ACCPAYCREDIT', CreditNoteNumber: key, Contact: { ContactID: contactId } };
}
