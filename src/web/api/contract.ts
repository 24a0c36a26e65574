/**
 * One place where an API operation is described: its path and query parameters, body and answers
 * per status, as the zod schemas the handler itself parses with. `op()` turns them into the route's
 * `schema`, which @fastify/swagger publishes at /api/v1/openapi.json. Fastify does not validate or
 * serialize with these JSON Schemas (apiContract() turns both off): the handlers parse with the zod
 * schemas, so there is one rule and the document is a description of it, never a second copy.
 */
import type { FastifyInstance, FastifySchema } from 'fastify';
import { z } from 'zod';

/** The one error shape every operation answers with for a 4xx or 5xx (src/web/errors.ts). */
export const errorEnvelope = z
  .object({
    error: z.object({
      code: z.string().describe('A stable code, e.g. invalid_document, not_found, revision_conflict'),
      message: z.string().describe('What went wrong, for a person'),
      details: z.unknown().optional().describe('Per-item problems, when there are several'),
    }),
  })
  .describe('The error envelope');

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
}

const json = (s: z.ZodType, io: 'input' | 'output'): Record<string, unknown> => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

/** The route schema of an operation (see the module comment). */
export function op(o: Operation): FastifySchema {
  const response: Record<string, unknown> = {};
  for (const [status, body] of Object.entries(o.responses)) {
    response[status] = body ? { description: body.description ?? `HTTP ${status}`, ...json(body, 'output') } : { description: `HTTP ${status}`, type: 'null' };
  }
  return {
    summary: o.summary,
    ...(o.description ? { description: o.description } : {}),
    tags: o.tags,
    ...(o.params ? { params: json(o.params, 'input') } : {}),
    ...(o.query ? { querystring: json(o.query, 'input') } : {}),
    ...(o.body ? { body: json(o.body, 'input') } : {}),
    response,
    ...(o.public ? { security: [] } : {}),
  } as FastifySchema;
}

/** In an API context: the JSON Schemas describe, the handlers' zod schemas decide. */
export function apiContract(app: FastifyInstance): void {
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}
