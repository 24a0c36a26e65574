/** Validates sandbox answers against the official OpenAPI file (read from ../shared/xero-openapi, never copied). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OPENAPI_DIR = path.resolve(repoRoot, '..', 'shared', 'xero-openapi');

let ajv: Ajv | null = null;
const cache = new Map<string, ValidateFunction>();

function instance(): Ajv {
  if (ajv) return ajv;
  const doc = parse(readFileSync(path.join(OPENAPI_DIR, 'xero_accounting.yaml'), 'utf8')) as { components: Record<string, unknown> };
  ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  const addFormats = (addFormatsModule as unknown as { default?: (a: Ajv) => void }).default ?? (addFormatsModule as unknown as (a: Ajv) => void);
  addFormats(ajv);
  for (const f of ['double', 'int32', 'int64', 'float']) ajv.addFormat(f, true);
  ajv.addSchema({ $id: 'xero', components: doc.components });
  return ajv;
}

/** Validates `body` against components/schemas/<name>; returns ajv's error text, or null when valid. */
export function schemaErrors(name: string, body: unknown): string | null {
  let v = cache.get(name);
  if (!v) {
    v = instance().compile({ $ref: `xero#/components/schemas/${name}` });
    cache.set(name, v);
  }
  return v(body) ? null : instance().errorsText(v.errors, { separator: '\n' });
}
