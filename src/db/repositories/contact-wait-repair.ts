/**
 * Documents left waiting for a contact that is already in Xero. Exporting a contact, linking it and
 * releasing the documents waiting for it happen in one transaction now, but a database written by an
 * earlier version (a crash between those steps) may still hold such rows: they would wait for good.
 * Set-based, per contact kind: one query finds the stuck wait keys (`kind:sourceId`, contactWaitKey),
 * and only when there are some, one INSERT of the missing links and one UPDATE per 500 keys release them.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema';
import { iso } from '../clock';
import { CONTACT_NEVER_RECEIVED } from './exports';

const KINDS = ['customer', 'supplier'] as const;
type ContactKind = (typeof KINDS)[number];

export interface ReleasedWait {
  tenantId: string;
  contactKind: ContactKind;
  sourceId: string;
  exportIds: number[];
  /** The contact link was missing and has been recorded from the contact's exported export. */
  linkRecorded: boolean;
}

interface StuckKey {
  tenant_id: string;
  waiting_for: string;
  source_id: string;
  linked: boolean;
  xero_id: string | null;
}

/** Run inside a transaction: the links recorded and the documents released commit together. */
export async function releaseStuckContactWaits(db: Kysely<Database>, now: Date): Promise<ReleasedWait[]> {
  const out: ReleasedWait[] = [];
  for (const kind of KINDS) {
    const stuck = await stuckKeys(db, kind);
    if (stuck.length === 0) continue;
    const missing = stuck.filter((k) => !k.linked && k.xero_id !== null);
    for (let i = 0; i < missing.length; i += 500) {
      await db
        .insertInto('contact_links')
        .values(
          missing
            .slice(i, i + 500)
            .map((k) => ({ tenant_id: k.tenant_id, contact_kind: kind, source_id: k.source_id, xero_contact_id: k.xero_id ?? '', linked_by: 'export', archived: 0, updated_at: iso(now) })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    const recorded = new Set(missing.map((k) => k.waiting_for + '\u0000' + k.tenant_id));
    for (const [tenantId, keys] of byTenant(stuck)) {
      for (let i = 0; i < keys.length; i += 500) {
        const rows = await release(
          db,
          tenantId,
          keys.slice(i, i + 500).map((k) => k.waiting_for),
          now,
        );
        out.push(...group(rows, tenantId, kind, recorded));
      }
    }
  }
  return out;
}

/**
 * The distinct wait keys of `kind` that documents wait (or gave up waiting) for, whose contact is linked
 * or has an exported export with a Xero id (the latest one's, for the link). Driven by the waiting rows,
 * read per organisation from the partial index of waits (0014); each key probes its link and its
 * contact's exports by primary key and (tenant, kind, source id).
 */
async function stuckKeys(db: Kysely<Database>, kind: ContactKind): Promise<StuckKey[]> {
  const prefix = `${kind}:`;
  const isKind = sql<boolean>`substr(waiting_for, 1, ${prefix.length}) = ${prefix}`;
  const tenants = db.selectFrom('tenants').select('tenants.id');
  // "is not null" lets both planners use the partial index exports_contact_waits (migration 0014).
  const waits = (status: string) =>
    db.selectFrom('exports').select(['tenant_id', 'waiting_for']).where('tenant_id', 'in', tenants).where('status', '=', status).where('waiting_for', 'is not', null).where(isKind);
  const waiting = waits('waiting');
  const gaveUp = waits('failed').where('error_code', '=', CONTACT_NEVER_RECEIVED);
  const sourceId = sql<string>`substr(k.waiting_for, ${prefix.length + 1})`;
  const rows = await db
    .selectFrom(waiting.union(gaveUp).as('k'))
    .select((eb) => [
      'k.tenant_id',
      'k.waiting_for',
      sourceId.as('source_id'),
      eb
        .exists(
          eb
            .selectFrom('contact_links as l')
            .select(sql`1`.as('one'))
            .whereRef('l.tenant_id', '=', 'k.tenant_id')
            .where('l.contact_kind', '=', kind)
            .where('l.source_id', '=', sourceId),
        )
        .as('linked'),
      eb
        .selectFrom('exports as c')
        .select('c.xero_id')
        .whereRef('c.tenant_id', '=', 'k.tenant_id')
        .where('c.kind', '=', kind)
        .where('c.source_id', '=', sourceId)
        .where('c.status', '=', 'exported')
        .where('c.xero_id', 'is not', null)
        .orderBy('c.id', 'desc')
        .limit(1)
        .as('xero_id'),
    ])
    // One order for every worker: two repairs at once on PostgreSQL take the link rows' locks alike, never crosswise.
    .orderBy('k.tenant_id')
    .orderBy('k.waiting_for')
    .execute();
  // SQLite answers EXISTS with 0/1, PostgreSQL with a boolean.
  return rows.flatMap((r) =>
    r.waiting_for !== null && (Boolean(r.linked) || r.xero_id !== null)
      ? [{ tenant_id: r.tenant_id, waiting_for: r.waiting_for, source_id: r.source_id, linked: Boolean(r.linked), xero_id: r.xero_id }]
      : [],
  );
}

/** Back to the queue: what still waits (or gave up waiting) for these keys. */
async function release(db: Kysely<Database>, tenantId: string, keys: string[], now: Date): Promise<Array<{ id: number; waiting_for: string }>> {
  // RETURNING sees the new row (waiting_for cleared), so the key of each released row is read first.
  const rows = await db.selectFrom('exports').select(['id', 'waiting_for']).where('tenant_id', '=', tenantId).where('waiting_for', 'in', keys).where('status', 'in', ['waiting', 'failed']).execute();
  const ids = await db
    .updateTable('exports')
    .set({
      status: 'queued',
      wait_reason: null,
      waiting_for: null,
      waiting_since: null,
      next_attempt_at: iso(now),
      updated_at: iso(now),
      // Those that gave up waiting lose that failure, as requeueGaveUp does; a waiting row keeps what it had.
      last_error: sql`case when status = 'failed' then null else last_error end`,
      error_code: sql`case when status = 'failed' then null else error_code end`,
      error_class: sql`case when status = 'failed' then null else error_class end`,
      action_required: sql`case when status = 'failed' then null else action_required end`,
    })
    .where('tenant_id', '=', tenantId)
    .where('waiting_for', 'in', keys)
    .where((eb) => eb.or([eb('status', '=', 'waiting'), eb.and([eb('status', '=', 'failed'), eb('error_code', '=', CONTACT_NEVER_RECEIVED)])]))
    .returning('id')
    .execute();
  const released = new Set(ids.map((r) => r.id));
  return rows.filter((r) => released.has(r.id)).map((r) => ({ id: r.id, waiting_for: r.waiting_for ?? '' }));
}

function byTenant(keys: StuckKey[]): Map<string, StuckKey[]> {
  const m = new Map<string, StuckKey[]>();
  for (const k of keys) m.set(k.tenant_id, [...(m.get(k.tenant_id) ?? []), k]);
  return m;
}

function group(rows: Array<{ id: number; waiting_for: string }>, tenantId: string, kind: ContactKind, recorded: Set<string>): ReleasedWait[] {
  const groups = new Map<string, ReleasedWait>();
  for (const r of rows.sort((a, b) => a.id - b.id)) {
    const g = groups.get(r.waiting_for) ?? {
      tenantId,
      contactKind: kind,
      sourceId: r.waiting_for.slice(kind.length + 1),
      exportIds: [],
      linkRecorded: recorded.has(r.waiting_for + '\u0000' + tenantId),
    };
    g.exportIds.push(r.id);
    groups.set(r.waiting_for, g);
  }
  return [...groups.values()];
}
