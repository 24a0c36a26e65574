/**
 * What "the same content" means for revisions: two posts of a document are the same when their
 * validated forms are equal, revision aside. Validation already gives one spelling per value
 * (decimals canonical, so 19.95, "19.950" and 19.950 are one value; text trimmed; defaults such as
 * quantity 1 filled in), and the canonical JSON below sorts object keys, so field order does not
 * matter either. Everything else does: line order, a field given or left out, any changed value.
 */
import crypto from 'node:crypto';
import type { SourceDocument } from './document-schemas.ts';

/**
 * JSON with object keys sorted (by UTF-16 code units, as `<` compares) and undefined members left
 * out. Built in one pass of string appends; test/domain/content.property.test.ts checks it against the
 * entries/filter/sort/map form it replaced.
 */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) {
      if (i > 0) out += ',';
      // As Array#join: a hole or a value JSON has no text for is empty.
      out += (canonical(value[i]) as string | undefined) ?? '';
    }
    return `${out}]`;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    let out = '{';
    let first = true;
    for (const k of keys) {
      const v = record[k];
      if (v === undefined) continue;
      if (!first) out += ',';
      first = false;
      out += `${JSON.stringify(k)}:${canonical(v)}`;
    }
    return `${out}}`;
  }
  return JSON.stringify(value);
}

/** The document's content as canonical JSON, without `revision`. */
export function canonicalContent(doc: SourceDocument): string {
  const { revision: _revision, ...content } = doc;
  return canonical(content);
}

/** sha256 (hex) of canonicalContent: what is stored and compared. */
export function contentHash(doc: SourceDocument): string {
  return crypto.createHash('sha256').update(canonicalContent(doc)).digest('hex');
}
