/** Small pieces of a claim's handling: reading a stored document back, and cutting a claim into calls. */
import { parseDocumentsRequest, type SourceDocument } from '../domain/documents';
import { approxJsonBytes } from '../domain/xero-payloads';

/** A stored document, parsed as it was at ingest (it passed then; failing now is a programming error). */
export function parseStored(payload: string | undefined): SourceDocument {
  const parsed = parseDocumentsRequest(JSON.parse(payload ?? 'null') as unknown);
  if (!parsed.ok || !parsed.documents[0]) throw new Error(`A stored document no longer parses: ${parsed.ok ? 'empty' : parsed.issues.map((i) => i.message).join('; ')}`);
  return parsed.documents[0];
}

/** A payload's JSON (as JSON.stringify gives it) and its UTF-8 size. */
export interface PayloadJson {
  json: string;
  bytes: number;
}

/**
 * Each payload of a claim serialised once: its size for the single-document limit and the chunks, its
 * text for the request body (requestJson). Keyed by the payload object: one changed in place (a look-up
 * turned it into an update) must be forgotten before it is asked for again.
 */
export class PayloadJsonMemo {
  private readonly known = new Map<object, PayloadJson>();

  of(payload: object): PayloadJson {
    let p = this.known.get(payload);
    if (p === undefined) {
      const json = JSON.stringify(payload);
      this.known.set(payload, (p = { json, bytes: Buffer.byteLength(json, 'utf8') }));
    }
    return p;
  }

  forget(payload: object): void {
    this.known.delete(payload);
  }
}

/** Splits into calls of at most `size` elements and `maxBytes` of JSON. */
export function chunkBatch<T extends { payload: unknown }>(items: T[], size: number, maxBytes: number, sizeOf: (item: T) => number = (item) => approxJsonBytes(item.payload)): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const b = sizeOf(item);
    if (current.length > 0 && (current.length >= size || bytes + b > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += b;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
