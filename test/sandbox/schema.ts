/** Validates sandbox answers against the official OpenAPI file (read at test time from the xero-openapi folder beside the repository, never copied). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OPENAPI_DIR = path.resolve(repoRoot, '..', 'shared', 'xero-openapi');

const instances = new Map<'response' | 'request', Ajv>();
const cache = new Map<string, ValidateFunction>();

/**
 * One Ajv per direction. For requests `readOnly` is enforced: a property the file marks read-only
 * (Xero ignores it on input) fails validation wherever it appears.
 */
function instance(direction: 'response' | 'request' = 'response'): Ajv {
  const existing = instances.get(direction);
  if (existing) return existing;
  const doc = parse(readFileSync(path.join(OPENAPI_DIR, 'xero_accounting.yaml'), 'utf8')) as { components: Record<string, unknown> };
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  if (direction === 'request') {
    ajv.removeKeyword('readOnly');
    ajv.addKeyword({ keyword: 'readOnly', schemaType: 'boolean', errors: false, validate: (readOnly: boolean) => !readOnly });
  }
  instances.set(direction, ajv);
  const addFormats = (addFormatsModule as unknown as { default?: (a: Ajv) => void }).default ?? (addFormatsModule as unknown as (a: Ajv) => void);
  addFormats(ajv);
  for (const f of ['double', 'int32', 'int64', 'float']) ajv.addFormat(f, true);
  ajv.addSchema({ $id: 'xero', components: doc.components });
  return ajv;
}

/** Validates a request `body` against components/schemas/<name>, read-only properties refused. */
export function requestSchemaErrors(name: string, body: unknown): string | null {
  const key = `request:${name}`;
  let v = cache.get(key);
  if (!v) {
    v = instance('request').compile({ $ref: `xero#/components/schemas/${name}` });
    cache.set(key, v);
  }
  return v(body) ? null : instance('request').errorsText(v.errors, { separator: '\n' });
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
