/**
 * Property: whatever malformed document an integrator sends, the API answers 4xx with a stable
 * error code and a message, never 5xx, and stores nothing. 10,000 generated bodies over real HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { Agent, request } from 'undici';
import { parseDocumentsRequest } from '../../src/domain/documents';
import { databaseKinds } from '../helpers/databases';
import { startApiOnly, type ApiOnly } from '../helpers/api-only';

const valid = {
  kind: 'sales_invoice',
  sourceId: 'SO-1',
  revision: 1,
  date: '2026-11-20',
  dueDate: '2026-12-20',
  contact: 'CUST-001',
  currency: 'NZD',
  reference: 'PO 1',
  amountsAre: 'exclusive',
  lines: [{ productCode: 'W', description: 'Widget', quantity: 2, unitPrice: '19.95', discountRate: 0, taxCode: 'G.S.T.', account: 'sales' }],
};

const junk = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 20 }),
  fc.constant(''),
  fc.constant('NaN'),
  fc.constant('1e999'),
  fc.constant('2026-02-30'),
  fc.constant(-1),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
);
const FIELDS = ['kind', 'sourceId', 'revision', 'date', 'dueDate', 'contact', 'currency', 'amountsAre', 'lines'] as const;
const LINE_FIELDS = ['quantity', 'unitPrice', 'discountRate', 'taxCode', 'account', 'description'] as const;

/** A valid invoice with at least one field broken, or plain junk. */
const malformed = fc
  .oneof(
    { weight: 4, arbitrary: fc.record({ field: fc.constantFrom(...FIELDS), value: junk }).map(({ field, value }) => ({ ...valid, [field]: value })) },
    { weight: 4, arbitrary: fc.record({ field: fc.constantFrom(...LINE_FIELDS), value: junk }).map(({ field, value }) => ({ ...valid, lines: [{ ...valid.lines[0], [field]: value }] })) },
    {
      weight: 1,
      arbitrary: fc
        .record({ field: fc.string({ minLength: 1, maxLength: 8 }), value: junk })
        .filter((r) => !(r.field in valid))
        .map(({ field, value }) => ({ ...valid, [field]: value })),
    },
    { weight: 1, arbitrary: junk.map((documents) => ({ documents })) },
    { weight: 1, arbitrary: junk },
    // Some mutations still give a valid document (any string is a valid tax code): those are not junk.
  )
  .filter((body) => !parseDocumentsRequest(body).ok);

for (const kind of databaseKinds()) {
  describe(`ingest never accepts junk and never fails with 5xx (${kind})`, () => {
    let api: ApiOnly;
    const agent = new Agent({ connections: 8 });
    before(async () => {
      api = await startApiOnly(kind, { XPORT_API_RATE_LIMIT: '0' });
    });
    after(async () => {
      await agent.close();
      await api.close();
    });

    test('10,000 generated malformed documents: 4xx with a code, nothing stored', async () => {
      const runs = kind === 'sqlite' ? 10_000 : 3_000;
      await fc.assert(
        fc.asyncProperty(malformed, async (body) => {
          const res = await request(`${api.url}/api/v1/documents`, {
            method: 'POST',
            dispatcher: agent,
            body: JSON.stringify(body),
            headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
          });
          const json = (await res.body.json()) as { error?: { code?: string; message?: string } };
          assert.ok(res.statusCode >= 400 && res.statusCode < 500, `status ${res.statusCode} for ${JSON.stringify(body)}`);
          assert.ok(json.error?.code && json.error.message, `no error code for ${JSON.stringify(body)}`);
        }),
        { numRuns: runs },
      );
      const rows = await api.rt.store.db
        .selectFrom('documents')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(rows.n), 0);
    });

    test('a body that is not JSON is refused with invalid_json', async () => {
      const res = await request(`${api.url}/api/v1/documents`, {
        method: 'POST',
        dispatcher: agent,
        body: '{"kind":',
        headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
      });
      assert.equal(res.statusCode, 400);
      assert.equal(((await res.body.json()) as { error: { code: string } }).error.code, 'invalid_json');
    });
  });
}
