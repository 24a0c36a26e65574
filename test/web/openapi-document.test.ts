/**
 * The OpenAPI document at /api/v1/openapi.json describes the whole API and only the API, fully: it
 * passes Redocly's strict lint, every operation has its id, summary, tags, parameters with
 * descriptions, every answer the framework adds (401, 409, 429, 500, 503; 400, 413, 415 with a body) and
 * its handler's own, errors as the error envelope; every field of every request body has a type and
 * an example; each document kind is its ingest schema, field for field, and its example is a
 * document that schema accepts. Generic: it walks the document, so routes added later are held to it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { z } from 'zod';
import { DOCUMENT_KINDS } from '../../src/domain/document-schemas';
import { KINDS } from '../../src/domain/registry';
import { componentName, DOCUMENT_EXAMPLES } from '../../src/web/api/document-bodies';
import { API_PREFIX, PUBLIC_PATHS } from '../../src/web/api/openapi';
import { startHarness, type Harness } from '../helpers/harness';
import { deref, fetchDocument, operations, properties, type Doc } from './openapi-helpers';

const ENVELOPE = '#/components/schemas/ErrorEnvelope';
const BODY_METHODS = ['post', 'put', 'patch', 'delete'];

describe('the OpenAPI document', () => {
  let h: Harness;
  let doc: Doc;
  before(async () => {
    h = await startHarness('sqlite');
    doc = await fetchDocument(h.url);
  });
  after(async () => h.close());

  test('is OpenAPI 3.1, public, and passes the strict lint', async () => {
    assert.equal(doc.openapi, '3.1.0');
    const raw = await fetch(`${h.url}/api/v1/openapi.json`);
    assert.equal(raw.status, 200, 'no token needed');
    // Health probes answer no 4xx: Redocly's "at least one 4XX" does not apply to them (held below for /api/v1).
    const config = await createConfig({ extends: ['recommended-strict'], rules: { 'operation-4xx-response': 'off' } });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: '/openapi.json', config });
    assert.deepEqual(
      problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? ''}`),
      [],
    );
    assert.deepEqual(doc.security, [{ bearer: [] }]);
    assert.deepEqual((doc.components as { securitySchemes?: unknown }).securitySchemes, {
      bearer: { type: 'http', scheme: 'bearer', description: 'An API token (Settings → API tokens, or XPORT_API_TOKEN)' },
    });
  });

  test('holds the API and nothing else: no page of the web UI', () => {
    const paths = Object.keys(doc.paths);
    for (const p of paths) assert.ok(p.startsWith(`${API_PREFIX}/`) || (PUBLIC_PATHS as readonly string[]).includes(p), `${p} is not an API path`);
    for (const p of PUBLIC_PATHS) assert.ok(paths.includes(p), `${p} is missing`);
    for (const ui of ['/queue', '/log', '/settings', '/documents', '/login', '/static/{*}', '/api/docs', '/api/v1/openapi.json']) assert.ok(!paths.includes(ui), `${ui} leaked into the document`);
    assert.ok(paths.length >= 18, `only ${paths.length} paths`);
  });

  test('every operation is fully described', () => {
    const ids = new Set<string>();
    for (const { path, method, op } of operations(doc)) {
      const name = `${method.toUpperCase()} ${path}`;
      assert.ok(op.operationId && !ids.has(op.operationId), `${name}: operationId`);
      ids.add(op.operationId);
      assert.ok(op.summary, `${name}: summary`);
      assert.ok(op.tags?.length, `${name}: tags`);
      for (const p of op.parameters ?? []) {
        assert.ok(p.schema, `${name}: parameter ${p.name} has no schema`);
        assert.ok(p.description, `${name}: parameter ${p.name} has no description (.describe() it in the params/query schema)`);
      }
      const statuses = Object.keys(op.responses).map(Number);
      assert.ok(
        statuses.some((s) => s >= 200 && s < 300),
        `${name}: no 2xx`,
      );
      const api = path.startsWith(`${API_PREFIX}/`);
      if (api) {
        assert.equal(op.security, undefined, `${name}: API operations take the bearer token`);
        const want = [401, 409, 429, 500, 503, ...(BODY_METHODS.includes(method) ? [400, 413, 415] : [])];
        for (const s of want) assert.ok(statuses.includes(s), `${name}: no ${s}`);
        for (const [status, r] of Object.entries(op.responses as Record<string, { headers?: Record<string, unknown> }>)) {
          for (const h of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', ...(status === '429' ? ['retry-after'] : [])])
            assert.ok(r.headers?.[h], `${name} ${status}: the ${h} header`);
        }
      } else {
        assert.deepEqual(op.security, [], `${name}: public`);
      }
      for (const [status, r] of Object.entries(op.responses)) {
        assert.ok(r.description, `${name} ${status}: description`);
        const media = Object.entries(r.content ?? {});
        if (path === '/webhooks/xero') {
          assert.equal(media.length, 0, 'Xero is answered without a body');
          continue;
        }
        if (status === '204') {
          assert.equal(media.length, 0, `${name} 204: No Content has no body`);
          continue;
        }
        assert.equal(media.length, 1, `${name} ${status}: one body`);
        const [type, { schema }] = media[0] ?? ['', {}];
        assert.ok(schema, `${name} ${status}: a schema`);
        if (Number(status) >= 400 && path !== '/readyz') {
          assert.equal(type, 'application/json');
          assert.equal(schema.$ref, ENVELOPE, `${name} ${status}: the error envelope (errorEnvelope or errorEnvelope.describe(…) from contract.ts)`);
        }
      }
      const body = op.requestBody?.content?.['application/json']?.schema;
      if (!body) continue;
      const props = properties(doc, body);
      assert.ok(props.length > 0, `${name}: a body with fields`);
      for (const [at, prop] of props) {
        const p = deref(doc, prop);
        assert.ok(Array.isArray(prop.examples) || Array.isArray(p.examples), `${name}: body${at} has no example (give the body schema .meta({ examples: [a full valid body] }))`);
        assert.ok(['type', 'const', 'enum', 'oneOf', 'anyOf', '$ref'].some((k) => k in p) || Object.keys(p).every((k) => ['description', 'examples'].includes(k)), `${name}: body${at} has no type`);
      }
    }
  });

  test('POST /documents takes one document of any kind, or {"documents":[…]}, each kind as its ingest schema', () => {
    const body = doc.paths[`${API_PREFIX}/documents`]?.post?.requestBody?.content?.['application/json']?.schema;
    assert.deepEqual(body, { oneOf: [{ $ref: '#/components/schemas/Document' }, { $ref: '#/components/schemas/DocumentBatch' }] });
    const one = doc.components.schemas.Document as { oneOf: unknown[] };
    assert.deepEqual(
      one.oneOf,
      DOCUMENT_KINDS.map((k) => ({ $ref: `#/components/schemas/${componentName(k)}` })),
    );
    for (const kind of DOCUMENT_KINDS) {
      const component = doc.components.schemas[componentName(kind)] as { properties: Record<string, Record<string, unknown>>; required: string[]; additionalProperties: unknown; examples: unknown[] };
      const schema = KINDS[kind].schema as z.ZodObject;
      assert.deepEqual(Object.keys(component.properties).sort(), Object.keys(schema.shape).sort(), `${kind}: every field`);
      const required = Object.entries(schema.shape)
        .filter(([, f]) => !(f as z.ZodType).safeParse(undefined).success)
        .map(([k]) => k);
      assert.deepEqual([...component.required].sort(), required.sort(), `${kind}: required fields`);
      assert.equal(component.additionalProperties, false, `${kind}: unknown fields are refused`);
      assert.deepEqual(component.examples, [DOCUMENT_EXAMPLES[kind]]);
      const parsed = schema.safeParse(DOCUMENT_EXAMPLES[kind]);
      assert.ok(parsed.success, `${kind}: its example is valid: ${parsed.success ? '' : parsed.error.message}`);
      assert.equal(component.properties.kind?.const, kind);
      for (const [field, prop] of Object.entries(component.properties)) assert.ok(Array.isArray(prop.examples), `${kind}.${field}: an example`);
    }
  });

  test('docs/api.md names every operation', () => {
    const text = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
    for (const { path, method } of operations(doc)) assert.ok(text.includes(`${method.toUpperCase()} ${path}`), `docs/api.md does not name ${method.toUpperCase()} ${path}`);
  });

  test('formats, limits and enums reach the document', () => {
    const s = doc.components.schemas;
    const invoice = s.SalesInvoice as { properties: Record<string, Record<string, unknown>> };
    assert.equal(invoice.properties.date?.format, 'date');
    assert.equal(invoice.properties.currency?.pattern, '^[A-Z]{3}$');
    assert.equal(invoice.properties.sourceId?.maxLength, 255);
    assert.deepEqual(invoice.properties.amountsAre?.enum, ['exclusive', 'inclusive', 'no_tax']);
    const lines = invoice.properties.lines as { minItems: number; maxItems: number; items: { properties: Record<string, Record<string, unknown>> } };
    assert.deepEqual([lines.minItems, lines.maxItems], [1, 1000]);
    const discount = lines.items.properties.discountRate ?? {};
    assert.deepEqual([discount.minimum, discount.maximum], [0, 100]);
    assert.match(String(discount.pattern), /\\d\{1,4\}/);
    const journal = s.Journal as { properties: Record<string, Record<string, unknown>> };
    assert.deepEqual(journal.properties.journalType?.enum, ['shipment_cogs', 'stock_adjustment_in', 'stock_adjustment_out', 'recost', 'assembly']);
    assert.equal((journal.properties.lines as { minItems: number }).minItems, 2);
    const exp = s.Export as { properties: Record<string, Record<string, unknown>> };
    assert.ok(exp.properties.xeroUrl, 'exports carry xeroUrl');
  });
});
