/**
 * Documents left waiting for a contact that is already in Xero. Exporting a contact, linking it and
 * releasing the documents waiting for it happen in one transaction now, but a database written by an
 * earlier version (a crash between those steps) may still hold such rows: they would wait for good.
 * Set-based: per contact kind one INSERT, one SELECT and an UPDATE per 1,000 documents; the wait keys are `kind:sourceId` (contactWaitKey).
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema';
import { iso } from '../clock';
import { CONTACT_NEVER_RECEIVED } from './exports';

const KINDS = ['customer', 'supplier'] as const;

export interface ReleasedWait {
  tenantId: string;
  contactKind: 'customer' | 'supplier';
  sourceId: string;
  exportIds: number[];
  /** The contact link was missing and has been recorded from the contact's exported export. */
  linkRecorded: boolean;
}

/** Run inside a transaction: the links recorded and the documents released commit together. */
export async function releaseStuckContactWaits(db: Kysely<Database>, now: Date): Promise<ReleasedWait[]> {
  const out: ReleasedWait[] = [];
  for (const kind of KINDS) out.push(...(await releaseKind(db, kind, now)));
  return out;
}

async function releaseKind(db: Kysely<Database>, kind: 'customer' | 'supplier', now: Date): Promise<ReleasedWait[]> {
  const prefix = `${kind}:`;
  // The source id of a wait key; substr and length count characters on both databases.
  const waitedId = sql<string>`substr(exports.waiting_for, ${prefix.length + 1})`;
  const linked = await recordMissingLinks(db, kind, now);
  // Read first: RETURNING sees the new row (waiting_for cleared), and SQLite's may not name other tables.
  const stuck = await db.selectFrom('exports').select(['id', 'tenant_id', waitedId.as('source_id')])
    .where('status', 'in', ['waiting', 'failed'])
    .where((eb) => eb.or([eb('status', '=', 'waiting'), eb('error_code', '=', CONTACT_NEVER_RECEIVED)]))
    .where(sql<boolean>`substr(exports.waiting_for, 1, ${prefix.length}) = ${prefix}`)
    .where((eb) => eb.exists(eb.selectFrom('contact_links as l').select(sql`1`.as('one'))
      .whereRef('l.tenant_id', '=', 'exports.tenant_id').where('l.contact_kind', '=', kind).where('l.source_id', '=', waitedId)))
    .execute();
  const released = new Set<number>();
  for (let i = 0; i < stuck.length; i += 1000) {
    for (const id of await release(db, stuck.slice(i, i + 1000).map((r) => r.id), now)) released.add(id);
  }
  const groups = new Map<string, ReleasedWait>();
  for (const r of stuck) {
    if (!released.has(r.id)) continue;
    const key = JSON.stringify([r.tenant_id, r.source_id]);
    const g = groups.get(key) ?? { tenantId: r.tenant_id, contactKind: kind, sourceId: r.source_id, exportIds: [], linkRecorded: linked.has(key) };
    g.exportIds.push(r.id);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => ({ ...g, exportIds: g.exportIds.sort((a, b) => a - b) }));
}

/** Back to the queue, those still waiting (or failed for the wait) only: another worker may have got there first. */
async function release(db: Kysely<Database>, ids: number[], now: Date): Promise<number[]> {
  const rows = await db.updateTable('exports')
    .set({
      status: 'queued', wait_reason: null, waiting_for: null, waiting_since: null, next_attempt_at: iso(now), updated_at: iso(now),
      // Those that gave up waiting lose that failure, as requeueGaveUp does; a waiting row keeps what it had.
      last_error: sql`case when status = 'failed' then null else last_error end`,
      error_code: sql`case when status = 'failed' then null else error_code end`,
      error_class: sql`case when status = 'failed' then null else error_class end`,
      action_required: sql`case when status = 'failed' then null else action_required end`,
    })
    .where('id', 'in', ids)
    .where('status', 'in', ['waiting', 'failed'])
    .where((eb) => eb.or([eb('status', '=', 'waiting'), eb('error_code', '=', CONTACT_NEVER_RECEIVED)]))
    .where('waiting_for', 'is not', null)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/**
 * For every contact of `kind` that documents wait (or gave up waiting) for, that has no link but an
 * exported export with a Xero id: the link, from its latest such export. Returns `[tenant, sourceId]` keys.
 */
async function recordMissingLinks(db: Kysely<Database>, kind: 'customer' | 'supplier', now: Date): Promise<Set<string>> {
  const prefix = `${kind}:`;
  const rows = await db.insertInto('contact_links')
    .columns(['tenant_id', 'contact_kind', 'source_id', 'xero_contact_id', 'linked_by', 'archived', 'updated_at'])
    .expression((eb) => eb.selectFrom('exports as c')
      .select(['c.tenant_id', 'c.kind', 'c.source_id', sql<string>`c.xero_id`.as('xero_contact_id'), sql<string>`${'export'}`.as('linked_by'), sql<number>`0`.as('archived'), sql<string>`${iso(now)}`.as('updated_at')])
      // Driven by the waiting rows (few), each finding its contact's latest exported export by index.
      .where('c.id', 'in', (w) => w.selectFrom('exports as w')
        .select((s) => s.selectFrom('exports as c2').select((m) => m.fn.max('c2.id').as('id'))
          .whereRef('c2.tenant_id', '=', 'w.tenant_id').where('c2.kind', '=', kind)
          .where('c2.source_id', '=', sql<string>`substr(w.waiting_for, ${prefix.length + 1})`)
          .where('c2.status', '=', 'exported').where('c2.xero_id', 'is not', null).as('id'))
        .where('w.status', 'in', ['waiting', 'failed'])
        .where((x) => x.or([x('w.status', '=', 'waiting'), x('w.error_code', '=', CONTACT_NEVER_RECEIVED)]))
        .where(sql<boolean>`substr(w.waiting_for, 1, ${prefix.length}) = ${prefix}`))
      .where((x) => x.not(x.exists(x.selectFrom('contact_links as l').select(sql`1`.as('one'))
        .whereRef('l.tenant_id', '=', 'c.tenant_id').whereRef('l.contact_kind', '=', 'c.kind').whereRef('l.source_id', '=', 'c.source_id')))))
    .onConflict((oc) => oc.doNothing())
    .returning(['tenant_id', 'source_id'])
    .execute();
  return new Set(rows.map((r) => JSON.stringify([r.tenant_id, r.source_id])));
}
