/**
 * Reading the OpenAPI document the server publishes: fetching it, walking its operations, following
 * its references, and validating an answer against it with Ajv (JSON Schema 2020-12, OpenAPI 3.1's
 * dialect).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

type Json = Record<string, unknown>;
export type Doc = Json & { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Json> } };
export interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Array<{ name: string; in: string; schema?: Json; description?: string; required?: boolean }>;
  requestBody?: { content?: Record<string, { schema?: Json }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema?: Json }> }>;
}

export const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export async function fetchDocument(url: string): Promise<Doc> {
  const res = await fetch(`${url}/api/v1/openapi.json`);
  if (res.status !== 200) throw new Error(`openapi.json answered ${res.status}`);
  return (await res.json()) as Doc;
}

export function operations(doc: Doc): Array<{ path: string; method: string; op: Operation }> {
  return Object.entries(doc.paths).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] as Operation })));
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The schema a `$ref` (to components.schemas) points at, or the node itself. */
export function deref(doc: Doc, node: Json): Json {
  const ref = node.$ref;
  if (typeof ref !== 'string') return node;
  const name = ref.replace('#/components/schemas/', '');
  const target = doc.components.schemas[name];
  if (!target) throw new Error(`dangling reference ${ref}`);
  return deref(doc, target);
}

/** Every property of a request schema, through references, unions and arrays: [path, property schema]. */
export function properties(doc: Doc, node: Json, path = '', seen = new Set<Json>()): Array<[string, Json]> {
  const n = deref(doc, node);
  if (seen.has(n)) return [];
  seen.add(n);
  const out: Array<[string, Json]> = [];
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
    const list = n[key];
    if (Array.isArray(list)) for (const s of list) if (isObject(s)) out.push(...properties(doc, s, path, seen));
  }
  if (isObject(n.items)) out.push(...properties(doc, n.items, `${path}[]`, seen));
  if (isObject(n.properties)) {
    for (const [name, prop] of Object.entries(n.properties)) {
      if (!isObject(prop)) continue;
      out.push([`${path}.${name}`, prop]);
      out.push(...properties(doc, prop, `${path}.${name}`, seen));
    }
  }
  return out;
}

const addFormats = (addFormatsModule as unknown as { default?: (a: Ajv2020) => void }).default ?? (addFormatsModule as unknown as (a: Ajv2020) => void);

/** Validates answers against the document's response schemas. */
export class AnswerValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly cache = new Map<string, ValidateFunction>();
  /** Which (operation, status) pairs real answers covered. */
  readonly covered = new Set<string>();

  constructor(private readonly doc: Doc) {
    addFormats(this.ajv);
    this.ajv.addSchema(doc as object, 'openapi');
  }

  /** Throws unless the document declares `status` for the operation and the body matches its schema. */
  check(method: string, template: string, status: number, contentType: string | null, body: string): void {
    const op = this.doc.paths[template]?.[method.toLowerCase()];
    if (!op) throw new Error(`${method} ${template} is not in the document`);
    const response = op.responses[String(status)];
    if (!response) throw new Error(`${method} ${template} answered ${status}, which the document does not declare (${Object.keys(op.responses).join(', ')}): ${body.slice(0, 300)}`);
    this.covered.add(`${method.toUpperCase()} ${template} ${status}`);
    const media = Object.keys(response.content ?? {});
    if (media.length === 0) {
      if (body !== '') throw new Error(`${method} ${template} ${status}: the document says no body, got ${body.slice(0, 200)}`);
      return;
    }
    const type = (contentType ?? '').split(';')[0]?.trim() ?? '';
    const declared = media.find((m) => m.split(';')[0]?.trim() === type);
    if (!declared) throw new Error(`${method} ${template} ${status}: answered ${contentType}, the document says ${media.join(', ')}`);
    if (type !== 'application/json') return;
    const pointer = `openapi#/paths/${template.replace(/~/g, '~0').replace(/\//g, '~1')}/${method.toLowerCase()}/responses/${status}/content/${declared.replace(/~/g, '~0').replace(/\//g, '~1')}/schema`;
    let validate = this.cache.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: pointer });
      this.cache.set(pointer, validate);
    }
    const value: unknown = JSON.parse(body);
    if (!validate(value)) throw new Error(`${method} ${template} ${status}: the answer does not match the document: ${this.ajv.errorsText(validate.errors)}\n${body.slice(0, 500)}`);
  }
}
