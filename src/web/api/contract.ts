/**
 * One place where an API operation is described: its path and query parameters, body and answers
 * per status, as the zod schemas the handler itself parses with. `op()` turns them into the route's
 * `schema`, which @fastify/swagger publishes at /api/v1/openapi.json (OpenAPI 3.1, JSON Schema
 * 2020-12). Fastify does not validate or serialize with these JSON Schemas (apiContract() turns both
 * off): the handlers parse with the zod schemas, so there is one rule and the document is a
 * description of it, never a second copy.
 *
 * Writing an operation:
 *  - `responses` lists what the handler itself answers (its 2xx and its own errors, as `errorEnvelope`
 *    or `errorEnvelope.describe('when')`). What every operation of /api/v1 can answer — 401, 409
 *    no_organisation, 429, 500, 503, and for methods with a body 400 (bad JSON), 413 and 415 — is added by
 *    `describeRoute` (openapi.ts), so it is never forgotten and never written twice.
 *  - A zod schema with `.meta({ id: 'Name' })` becomes `#/components/schemas/Name`; `.describe()`
 *    gives a field or a status its description; `.meta({ examples: [value] })` on an object also
 *    gives each of its fields an example (taken from that value).
 */
import type { FastifyInstance, FastifySchema } from 'fastify';
import { z } from 'zod';

/** The one error shape every operation answers with for a 4xx or 5xx (src/web/errors.ts). */
export const errorEnvelope = z
  .object({
    error: z.object({
      code: z.string().describe('A stable code, e.g. invalid_document, not_found, revision_conflict (docs/api.md lists them)'),
      message: z.string().describe('What went wrong, for a person'),
      details: z.unknown().optional().describe('Per-item problems, when there are several'),
    }),
  })
  .meta({ id: 'ErrorEnvelope', description: 'The error envelope', examples: [{ error: { code: 'not_found', message: 'Export 42 does not exist (or was deleted)' } }] });

export interface Operation {
  summary: string;
  description?: string;
  tags: string[];
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Each status the operation really answers, with its body (`null`: no body). */
  responses: Record<number, z.ZodType | null>;
  /** Public operations (no bearer token). */
  public?: boolean;
  /** The media type of the 2xx bodies when it is not JSON (e.g. Prometheus text). */
  mediaType?: string;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Gives every property of an object schema that has an example of its own value an example too,
 * down through nested objects and arrays (the first item), so the fields of a documented body carry
 * the values of one real, validated example.
 */
function spreadExamples(node: unknown, example?: unknown): void {
  if (Array.isArray(node)) return node.forEach((n) => spreadExamples(n, example));
  if (!isObject(node)) return;
  const own = Array.isArray(node.examples) ? (node.examples[0] as unknown) : undefined;
  if (own === undefined && example !== undefined) node.examples = [example];
  const value = own ?? example;
  for (const [key, child] of Object.entries(node)) {
    if (key === 'properties' && isObject(child)) {
      for (const [name, prop] of Object.entries(child)) spreadExamples(prop, isObject(value) ? value[name] : undefined);
    } else if (key === 'items') {
      spreadExamples(child, Array.isArray(value) ? value[0] : undefined);
    } else if (key === '$defs' && isObject(child)) {
      for (const def of Object.values(child)) spreadExamples(def);
    } else if (key === 'anyOf' || key === 'oneOf' || key === 'allOf') {
      spreadExamples(child);
    }
  }
}

/**
 * zod leaves a schema's examples out of its input JSON Schema when a part of it transforms (a decimal
 * field), since the example is then not the value as read; ours are inputs: kept.
 */
const keepExamples = (ctx: { zodSchema: unknown; jsonSchema: Json }): void => {
  const examples = z.globalRegistry.get(ctx.zodSchema as z.ZodType)?.examples;
  if (Array.isArray(examples) && ctx.jsonSchema.examples === undefined) ctx.jsonSchema.examples = examples;
};

/** zod bounds every integer by JavaScript's safe range; that is no limit of the API, and only clutters the reference. */
function dropSafeIntegerBounds(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(dropSafeIntegerBounds);
  if (!isObject(node)) return;
  if (node.minimum === Number.MIN_SAFE_INTEGER) delete node.minimum;
  if (node.maximum === Number.MAX_SAFE_INTEGER) delete node.maximum;
  for (const child of Object.values(node)) dropSafeIntegerBounds(child);
}

/** Every named schema (`.meta({ id })`) the operations use, for components.schemas. */
const components = new Map<string, Json>();

export function componentSchemas(): Record<string, Json> {
  return Object.fromEntries(components);
}

const REF = '#/components/schemas/';

/** Moves `$defs` entries to `components` and points `#/$defs/…` references there. */
function hoistDefs(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(hoistDefs);
  if (!isObject(node)) return;
  if (isObject(node.$defs)) {
    const defs = node.$defs;
    delete node.$defs;
    for (const [id, def] of Object.entries(defs)) {
      hoistDefs(def);
      const known = components.get(id);
      if (known !== undefined && JSON.stringify(known) !== JSON.stringify(def))
        throw new Error(`two different schemas are named ${id} (.meta({ id })), or one is used both as read and as answered: name each once`);
      components.set(id, def as Json);
    }
  }
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#/$defs/')) node.$ref = REF + node.$ref.slice('#/$defs/'.length);
  for (const child of Object.values(node)) hoistDefs(child);
}

/** The JSON Schema (2020-12) of a zod schema as read (`input`) or as answered (`output`); named parts become references to components. */
export function jsonSchema(s: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, target: 'draft-2020-12', unrepresentable: 'any', override: keepExamples }) as Json;
  spreadExamples(rest);
  dropSafeIntegerBounds(rest);
  hoistDefs(rest);
  return rest;
}

/** The description of a schema (`.describe()`, `.meta({description})`), looking through clones. */
function descriptionOf(s: z.ZodType): string | undefined {
  return z.globalRegistry.get(s)?.description;
}

const STATUS_WORDS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No content',
  400: 'Bad request',
  401: 'Not authenticated',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  413: 'Body too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
  500: 'Internal error',
  502: 'Xero unavailable',
  503: 'Unavailable',
};

/** The route-schema entry of one answer (fastify's `response[status]`, read by @fastify/swagger). */
export function responseEntry(status: number, body: z.ZodType | null, mediaType?: string): Json {
  const description = (body && descriptionOf(body)) ?? STATUS_WORDS[status] ?? `HTTP ${status}`;
  if (!body) return { description, type: 'null' };
  if (mediaType && status < 300) return { description, content: { [mediaType]: { schema: jsonSchema(body, 'output') } } };
  return { description, ...jsonSchema(body, 'output') };
}

/** The route schema of an operation (see the module comment). */
export function op(o: Operation): FastifySchema {
  const response: Json = {};
  for (const [status, body] of Object.entries(o.responses)) response[status] = responseEntry(Number(status), body, o.mediaType);
  return {
    summary: o.summary,
    ...(o.description ? { description: o.description } : {}),
    tags: o.tags,
    ...(o.params ? { params: jsonSchema(o.params, 'input') } : {}),
    ...(o.query ? { querystring: jsonSchema(o.query, 'input') } : {}),
    ...(o.body ? { body: jsonSchema(o.body, 'input') } : {}),
    response,
    ...(o.public ? { security: [] } : {}),
  } as FastifySchema;
}

/** In an API context: the JSON Schemas describe, the handlers' zod schemas decide. */
export function apiContract(app: FastifyInstance): void {
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}
