/**
 * What "the same content" means for revisions: two posts of a document are the same when their
 * validated forms are equal, revision aside. Validation already gives one spelling per value
 * (decimals canonical, so 19.95, "19.950" and 19.950 are one value; text trimmed; defaults such as
 * quantity 1 filled in), and the canonical JSON below sorts object keys, so field order does not
 * matter either. Everything else does: line order, a field given or left out, any changed value.
 */
import crypto from 'node:crypto';
import type { SourceDocument } from './document-schemas.ts';

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
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
