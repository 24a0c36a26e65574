/**
 * The invariant of the whole-engine property test, checked against xport's database and everything
 * the sandbox holds (read through Xero's API).
 */
import assert from 'node:assert/strict';
import { journalNarration } from '../../src/domain/xero-payloads';
import type { JournalDocument, SourceDocument } from '../../src/domain/documents';
import type { Harness } from '../helpers/harness';
import type { Scenario } from './engine-scenario';
import { everything, type XeroRecord } from './engine-world';
import { parseDocumentsRequest } from '../../src/domain/documents';

/** The content last posted for each (kind, sourceId), normalised as xport stores it, revision aside. */
function lastPosted(s: Scenario): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const d of [...s.contacts, ...s.documents, ...s.revisions]) {
    const parsed = parseDocumentsRequest(d);
    assert.ok(parsed.ok && parsed.documents[0], `a generated document is invalid: ${JSON.stringify(d).slice(0, 300)}`);
    out.set(`${d.kind}:${d.sourceId}`, withoutRevision(JSON.parse(JSON.stringify(parsed.documents[0]))));
  }
  return out;
}

const withoutRevision = (d: unknown): unknown => {
  const { revision: _r, ...rest } = d as Record<string, unknown>;
  return rest;
};

interface Row {
  kind: string;
  source_id: string;
  revision: number;
  status: string;
  xero_id: string | null;
  xero_date: string | null;
  last_error: string | null;
  action_required: string | null;
  wait_reason: string | null;
  payload: string;
  total: string | null;
}

const KEY: Record<string, string> = { Invoices: 'InvoiceNumber', CreditNotes: 'CreditNoteNumber', Contacts: 'ContactNumber', ManualJournals: 'Narration' };
const dayAfter = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const dateOf = (v: unknown): string => {
  const m = /\/Date\((-?\d+)/.exec(String(v));
  return m ? new Date(Number(m[1])).toISOString().slice(0, 10) : String(v).slice(0, 10);
};

async function rows(h: Harness): Promise<Row[]> {
  return h.rt.store.db
    .selectFrom('exports')
    .innerJoin('documents', 'documents.id', 'exports.document_id')
    .select([
      'exports.kind',
      'exports.source_id',
      'exports.revision',
      'exports.status',
      'exports.xero_id',
      'exports.xero_date',
      'exports.last_error',
      'exports.action_required',
      'exports.wait_reason',
      'documents.payload',
      'documents.total',
    ])
    .where('exports.tenant_id', '=', h.tenantId)
    .execute() as Promise<Row[]>;
}

function lineDescription(l: { productCode?: string; description?: string }): string {
  if (l.productCode && l.description) return `${l.productCode} - ${l.description}`;
  return l.productCode ?? l.description ?? '';
}

/** The Xero record holds this document's content, as xport would have sent it. */
function assertContent(doc: SourceDocument, rec: XeroRecord, row: Row, s: Scenario, contactIds: Map<string, string>): void {
  const where = `${doc.kind} ${JSON.stringify(doc.sourceId)}`;
  if (doc.kind === 'customer' || doc.kind === 'supplier') {
    assert.equal(rec.Name, doc.name, `${where}: name`);
    assert.equal(rec.ContactNumber, doc.sourceId, `${where}: contact number`);
    return;
  }
  const date = dateOf(rec.Date);
  const moved = s.lockDate !== null && s.lockDatePolicy === 'move_to_first_open_day' && doc.date <= s.lockDate && date === dayAfter(s.lockDate);
  assert.ok(date === doc.date || moved, `${where}: dated ${date} in Xero, ${doc.date} at the source (lock date ${s.lockDate ?? 'none'})`);
  // A moved date is said: the export shows the date sent beside the source date.
  assert.equal(row.xero_date ?? doc.date, date, `${where}: the date xport shows as sent is the one Xero holds`);
  if (doc.kind === 'journal') {
    assert.equal(rec.Narration, journalNarration(doc as JournalDocument), `${where}: narration`);
    return;
  }
  assert.equal(rec[doc.kind === 'sales_invoice' || doc.kind === 'purchase_bill' ? 'InvoiceNumber' : 'CreditNoteNumber'], doc.sourceId, `${where}: number`);
  assert.equal(
    (rec.Contact as { ContactID?: string }).ContactID,
    contactIds.get(`${doc.kind === 'sales_invoice' || doc.kind === 'sales_credit' ? 'customer' : 'supplier'}:${doc.contact}`),
    `${where}: contact`,
  );
  assert.equal(rec.Reference || undefined, doc.kind === 'purchase_bill' ? undefined : doc.reference, `${where}: reference`);
  const lines = (rec.LineItems ?? []) as Array<{ Description?: string }>;
  assert.deepEqual(
    lines.map((l) => l.Description ?? ''),
    doc.lines.map(lineDescription),
    `${where}: line descriptions`,
  );
  assert.equal(Number(rec.Total).toFixed(2), row.total, `${where}: Xero's total is the one xport computed`);
}

export async function checkWorld(h: Harness, s: Scenario, seeded: Set<string>): Promise<void> {
  const all = await rows(h);
  const inXero = await everything(h);
  const known = new Set(all.map((r) => r.xero_id).filter((id): id is string => id !== null));
  for (const [id, { endpoint, record }] of inXero) {
    if (seeded.has(id)) continue;
    assert.ok(known.has(id), `the sandbox holds ${endpoint} ${JSON.stringify(record[KEY[endpoint] ?? ''])} that xport does not know of`);
  }
  const contactIds = new Map(all.filter((r) => (r.kind === 'customer' || r.kind === 'supplier') && r.xero_id).map((r) => [`${r.kind}:${r.source_id}`, r.xero_id ?? '']));
  const posted = lastPosted(s);
  const groups = new Map<string, Row[]>();
  for (const r of all) groups.set(`${r.kind}:${r.source_id}`, [...(groups.get(`${r.kind}:${r.source_id}`) ?? []), r]);
  for (const [key, group] of groups) {
    const ids = new Set(group.map((r) => r.xero_id).filter(Boolean));
    assert.ok(ids.size <= 1, `${key}: recorded under ${ids.size} Xero ids`);
    const latest = group.reduce((a, b) => (b.revision > a.revision ? b : a));
    assert.deepEqual(withoutRevision(JSON.parse(latest.payload)), posted.get(key), `${key}: the latest revision holds the content posted last`);
    if (latest.status === 'exported') {
      const rec = inXero.get(latest.xero_id ?? '');
      assert.ok(rec, `${key}: exported as ${latest.xero_id}, which the sandbox does not hold`);
      assertContent(JSON.parse(latest.payload) as SourceDocument, rec.record, latest, s, contactIds);
    } else if (latest.status === 'failed') {
      assert.ok(latest.last_error && latest.action_required, `${key}: failed without a reason and an action`);
    } else if (latest.status === 'skipped' || latest.status === 'waiting') {
      assert.ok(latest.wait_reason, `${key}: ${latest.status} without a reason`);
      if (latest.status === 'waiting') assert.match(latest.wait_reason, /failed|lock date/i, `${key}: still waiting`);
    } else assert.fail(`${key}: left ${latest.status}`);
  }
}
