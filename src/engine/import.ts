/**
 * `xport import FILE...`: JSON (one document, a list, or {"documents":[…]}) and CSV files.
 * CSV has one row per line item; rows sharing kind + sourceId + revision form one document, and
 * contact rows carry the contact fields. Each document is validated on its own: valid ones are
 * queued, invalid ones are reported with their messages, and a summary is printed at the end.
 */
import fs from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import { parseDocumentsRequest, type SourceDocument } from '../domain/documents';
import type { QueueService } from './service';

export interface ImportSummary {
  files: number;
  documents: number;
  queued: number;
  duplicates: number;
  invalid: number;
  problems: string[];
}

const LINE_FIELDS = ['productCode', 'description', 'quantity', 'unitPrice', 'discountRate', 'taxCode', 'account', 'productGroup', 'amount'];
const NUMERIC_HEADER = new Set(['revision']);

/** The CSV line each document starts on, for messages that name it ("orders.csv line 7"). */
const CSV_LINES = new WeakMap<object, { first: number; lines: number[] }>();

/** The CSV line of a document, or of its line item when the issue's path names one (`lines[1]…`). */
export function csvLineOf(doc: unknown, issuePath = ''): number | undefined {
  const at = typeof doc === 'object' && doc !== null ? CSV_LINES.get(doc) : undefined;
  if (!at) return undefined;
  const item = /lines\[(\d+)\]/.exec(issuePath)?.[1];
  return (item !== undefined ? at.lines[Number(item)] : undefined) ?? at.first;
}

export function csvToDocuments(text: string): unknown[] {
  const records = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, info: true }) as Array<{ record: Record<string, string>; info: { lines: number } }>;
  const docs = new Map<string, Record<string, unknown>>();
  for (const { record: row, info } of records) {
    const key = `${row.kind}|${row.sourceId}|${row.revision ?? ''}`;
    let doc = docs.get(key);
    if (!doc) {
      doc = {};
      for (const [k, v] of Object.entries(row)) {
        if (v === '' || LINE_FIELDS.includes(k)) continue;
        doc[k] = NUMERIC_HEADER.has(k) ? Number(v) : v;
      }
      CSV_LINES.set(doc, { first: info.lines, lines: [] });
      docs.set(key, doc);
    }
    const line = Object.fromEntries(LINE_FIELDS.filter((f) => row[f] !== undefined && row[f] !== '').map((f) => [f, row[f]]));
    if (Object.keys(line).length > 0) {
      const lines = (doc.lines ?? []) as unknown[];
      lines.push(line);
      doc.lines = lines;
      CSV_LINES.get(doc)?.lines.push(info.lines);
    }
  }
  return [...docs.values()];
}

async function readDocuments(file: string): Promise<unknown[]> {
  const text = await fs.readFile(file, 'utf8');
  if (file.toLowerCase().endsWith('.csv')) return csvToDocuments(text);
  const json = JSON.parse(text) as unknown;
  if (Array.isArray(json)) return json;
  if (json && typeof json === 'object' && 'documents' in json && Array.isArray((json as { documents: unknown }).documents)) return (json as { documents: unknown[] }).documents;
  return [json];
}

function progress(out: NodeJS.WritableStream | undefined, done: number, total: number): void {
  if (!out) return;
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  out.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}`);
  if (done === total) out.write('\n');
}

export async function importFiles(queue: QueueService, tenantId: string, files: string[], out?: NodeJS.WritableStream): Promise<ImportSummary> {
  const summary: ImportSummary = { files: files.length, documents: 0, queued: 0, duplicates: 0, invalid: 0, problems: [] };
  const valid: SourceDocument[] = [];
  for (const file of files) {
    let raw: unknown[];
    try {
      raw = await readDocuments(file);
    } catch (err) {
      summary.problems.push(`${file}: cannot be read: ${err instanceof Error ? err.message : String(err)}`);
      summary.invalid += 1;
      continue;
    }
    raw.forEach((doc, i) => {
      summary.documents += 1;
      const parsed = parseDocumentsRequest(doc);
      if (parsed.ok) valid.push(...parsed.documents);
      else {
        summary.invalid += 1;
        summary.problems.push(
          ...parsed.issues.map((p) => {
            const line = csvLineOf(doc, p.path);
            return `${file} ${line !== undefined ? `line ${line}` : `#${i + 1}`}${p.sourceId ? ` (${p.sourceId})` : ''}: ${p.message}`;
          }),
        );
      }
    });
  }
  progress(out, 0, valid.length);
  for (let i = 0; i < valid.length; i += 500) {
    let chunk = valid.slice(i, i + 500);
    let res = await queue.ingestParsed(tenantId, chunk);
    // A revision received before with other content is reported and left out; the rest is queued.
    while (!res.ok && chunk.length > 0) {
      const refused = new Set(res.issues.map((p) => p.index));
      summary.invalid += refused.size;
      summary.problems.push(...res.issues.map((p) => `${p.sourceId ?? ''}: ${p.message}`));
      chunk = chunk.filter((_d, k) => !refused.has(k));
      res = await queue.ingestParsed(tenantId, chunk);
    }
    for (const d of res.ok ? res.documents : []) {
      if (d.duplicate) summary.duplicates += 1;
      else summary.queued += 1;
    }
    progress(out, Math.min(i + 500, valid.length), valid.length);
  }
  return summary;
}
