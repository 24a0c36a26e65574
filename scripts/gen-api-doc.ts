/**
 * Writes the generated part of docs/api.md, between its `generated:start` and `generated:end`
 * markers: each document kind's fields (from the ingest schemas, as the OpenAPI document shows them,
 * with the documented example) and the API's error codes (src/web/errors.ts). The rest of the file is
 * written by hand.
 *   tsx scripts/gen-api-doc.ts          update docs/api.md
 *   tsx scripts/gen-api-doc.ts --check  exit 1 if docs/api.md differs from the schemas (npm test)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DOCUMENT_KINDS } from '../src/domain/document-schemas.ts';
import { KINDS } from '../src/domain/registry.ts';
import { componentSchemas, jsonSchema } from '../src/web/api/contract.ts';
import { documentSchemasByKind, DOCUMENT_EXAMPLES } from '../src/web/api/document-bodies.ts';
import { API_ERRORS } from '../src/web/errors.ts';

type Json = Record<string, unknown>;
const target = fileURLToPath(new URL('../docs/api.md', import.meta.url));
const START = '<!-- generated:start (npm run docs:api, from src/domain/document-schemas.ts and src/web/errors.ts; do not edit by hand) -->';
const END = '<!-- generated:end -->';

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\n/g, ' ');
}

function typeOf(s: Json): string {
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((v) => `\`${String(v)}\``).join(', ')}`;
  const type = Array.isArray(s.type) ? s.type.join(' or ') : String(s.type ?? 'any');
  if (type === 'array' && isObject(s.items)) return `list of ${s.items.type === 'object' ? 'objects' : typeOf(s.items)}`;
  return typeof s.format === 'string' ? `${type} (${s.format})` : type;
}

function limits(s: Json): string {
  const out: string[] = [];
  const range = (lo: unknown, hi: unknown, unit: string) => {
    if (lo !== undefined && hi !== undefined) out.push(`${String(lo)}–${String(hi)}${unit}`);
    else if (hi !== undefined) out.push(`at most ${String(hi)}${unit}`);
    else if (lo !== undefined) out.push(`at least ${String(lo)}${unit}`);
  };
  range(s.minLength, s.maxLength, ' characters');
  range(s.minItems, s.maxItems, ' items');
  range(s.minimum, s.maximum, '');
  if (typeof s.pattern === 'string' && !s.pattern.includes('\\s*')) out.push(`\`${s.pattern}\``);
  if (s.default !== undefined) out.push(`default \`${JSON.stringify(s.default)}\``);
  return out.join('; ');
}

function rows(s: Json, prefix: string, required: readonly string[]): string[] {
  const out: string[] = [];
  for (const [name, raw] of Object.entries(isObject(s.properties) ? s.properties : {})) {
    if (!isObject(raw)) continue;
    const path = `${prefix}${name}`;
    const example = Array.isArray(raw.examples) ? `\`${JSON.stringify(raw.examples[0])}\`` : '';
    const item = isObject(raw.items) ? raw.items : null;
    const shown = item?.type === 'object' ? '' : example;
    out.push(`| \`${path}\` | ${typeOf(raw)} | ${required.includes(name) ? 'yes' : ''} | ${cell(limits(raw))} | ${cell(String(raw.description ?? ''))} | ${cell(shown)} |`);
    if (item?.type === 'object') out.push(...rows(item, `${path}[].`, Array.isArray(item.required) ? (item.required as string[]) : []));
  }
  return out;
}

function kindSection(kind: (typeof DOCUMENT_KINDS)[number]): string[] {
  const ref = jsonSchema(documentSchemasByKind[kind], 'input');
  const name = String(ref.$ref).replace('#/components/schemas/', '');
  const s = componentSchemas()[name] ?? {};
  return [
    `### ${KINDS[kind].label} (\`${kind}\`)`,
    '',
    '| field | type | required | limits | meaning | example |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows(s, '', Array.isArray(s.required) ? (s.required as string[]) : []),
    '',
    '```json',
    JSON.stringify(DOCUMENT_EXAMPLES[kind]),
    '```',
    '',
  ];
}

export function renderGenerated(): string {
  const codes = Object.entries(API_ERRORS).map(([code, status]) => `| \`${code}\` | ${status} |`);
  return [
    START,
    '## Document fields',
    '',
    'Every kind is a strict object: a field not listed here is refused (`unknown field`). Texts are trimmed;',
    'money and quantities are decimals given as a JSON string or number (no exponent), normalised before',
    'they are stored.',
    '',
    ...DOCUMENT_KINDS.flatMap(kindSection),
    '## Error codes',
    '',
    'The `code` of the error envelope, with the status it is sent with. A framework error keeps its own code',
    'in lower case (for example `fst_err_ctp_body_too_large` with 413).',
    '',
    '| code | status |',
    '| --- | --- |',
    ...codes,
    END,
  ].join('\n');
}

export function renderApiDoc(current: string): string {
  const a = current.indexOf(START);
  const b = current.indexOf(END);
  if (a < 0 || b < a) throw new Error('docs/api.md has no generated:start / generated:end markers');
  return current.slice(0, a) + renderGenerated() + current.slice(b + END.length);
}

function main(): void {
  const current = readFileSync(target, 'utf8');
  const wanted = renderApiDoc(current);
  if (process.argv.includes('--check')) {
    if (current !== wanted) {
      console.error('docs/api.md is out of date with the document schemas: run `npm run docs:api` and commit the result.');
      process.exit(1);
    }
    console.log('docs/api.md matches the document schemas.');
    return;
  }
  writeFileSync(target, wanted);
  console.log(`wrote ${target}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
