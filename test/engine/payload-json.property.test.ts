/**
 * Property: a claim serialises each payload once (PayloadJsonMemo) and builds the request body from those
 * texts (requestJson). The bytes the client sends are those of JSON.stringify of the body built whole, as
 * before, and the sizes the claim chunks by are that body's UTF-8 length, for hostile text (lone
 * surrogates, astral characters, control characters, long strings) and any numbers; a payload changed in
 * place after being forgotten is serialised again.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { asUpdate, requestBytesOfSizes, requestJson } from '../../src/domain/xero-payloads';
import { PayloadJsonMemo } from '../../src/engine/batching';
import { XeroClient } from '../../src/xero/client';

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const char = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), loneSurrogate, fc.constantFrom('"', '\\', '\u0000', '\n', '\u2028', '\u007f', 'é', '€', '𝄞'));
const short = fc.string({ unit: char, maxLength: 20 });
// Long strings as a short one repeated: generating thousands of characters one by one is slow.
const text = fc.oneof({ arbitrary: short, weight: 20 }, { arbitrary: fc.tuple(short, fc.integer({ min: 100, max: 2000 })).map(([s, n]) => s.repeat(n)), weight: 1 });
const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-0, 0.1 + 0.2, 1e21, 5e-324, Number.MAX_SAFE_INTEGER + 2));
const leaf = fc.oneof(text, number, fc.boolean(), fc.constant(null), fc.constant(undefined));
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(text, tie('value'), { maxKeys: 4 })),
}));
const payload = fc.dictionary(text, value, { maxKeys: 8 });
const endpoint = fc.constantFrom('Contacts', 'Invoices', 'CreditNotes', 'ManualJournals');

test('the body from each payload serialised once is JSON.stringify of the body built whole, and its size', () => {
  fc.assert(
    fc.property(endpoint, fc.array(payload, { maxLength: 30 }), (e, payloads) => {
      const memo = new PayloadJsonMemo();
      const whole = JSON.stringify({ [e]: payloads });
      assert.equal(
        requestJson(
          e,
          payloads.map((p) => memo.of(p).json),
        ),
        whole,
      );
      assert.equal(
        requestBytesOfSizes(
          e,
          payloads.map((p) => memo.of(p).bytes),
        ),
        Buffer.byteLength(whole),
      );
    }),
    { numRuns: 300 },
  );
});

test('a payload turned into an update after being forgotten is serialised again', () => {
  fc.assert(
    fc.property(fc.record({ InvoiceNumber: text, Reference: fc.option(text, { nil: undefined }), Type: fc.constantFrom('ACCREC', 'ACCPAY') }), text, (p, id) => {
      const memo = new PayloadJsonMemo();
      memo.of(p);
      memo.forget(p);
      asUpdate('Invoices', 'InvoiceID', id, p);
      assert.equal(memo.of(p).json, JSON.stringify(p));
      assert.equal(memo.of(p).bytes, Buffer.byteLength(JSON.stringify(p)));
    }),
    { numRuns: 200 },
  );
});

let server: http.Server;
let apiUrl = '';
const received: Buffer[] = [];

before(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(Buffer.concat(chunks));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('the client sends the pre-serialised body byte for byte as it sent the body object', async () => {
  const client = new XeroClient({ apiUrl, timeoutMs: 5_000, tokens: { accessToken: async () => ({ ok: true, token: 't' }), invalidate: () => {} } });
  await fc.assert(
    fc.asyncProperty(endpoint, fc.array(payload, { maxLength: 12 }), async (e, payloads) => {
      const memo = new PayloadJsonMemo();
      received.length = 0;
      const call = { method: 'POST' as const, path: `/${e}`, tenantId: 'tenant' };
      const before = await client.call({ ...call, body: { [e]: payloads } });
      const now = await client.call({
        ...call,
        json: requestJson(
          e,
          payloads.map((p) => memo.of(p).json),
        ),
      });
      assert.equal(received.length, 2);
      assert.deepEqual(received[1], received[0]);
      assert.deepEqual(received[0], Buffer.from(JSON.stringify({ [e]: payloads })));
      assert.equal(now.requestBytes, before.requestBytes);
    }),
    { numRuns: 60 },
  );
});
