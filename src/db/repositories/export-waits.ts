/**
 * Exports that wait: for their contact to be exported (or linked), or for a lock date to move. A
 * contact's export and an export starting to wait for it take one lock, so that one always sees the
 * other; a wait that lasts too long becomes a failed export that the contact's arrival still releases.
 */
import { sql } from 'kysely';
import { iso } from '../clock';
import { valuesList } from '../values-list';
import { precompiled, rowsOf } from '../precompiled';
import { ContactLinksRepository, type ContactKind } from './contact-links';
import type { CatalogCode } from '../../domain/catalog';
import type { Export } from '../../domain/export';
import type { DocumentKind } from '../../domain/types';
import { ExportReads } from './export-reads';

/** A failure as stored: `code` is a catalog code when written, but only a string when read back. */
export interface FailureInfo {
  message: string;
  code: string;
  errorClass: string;
  action: string;
}

/** The catalog code of an export that gave up waiting for its contact (it keeps waiting_for). */
export const CONTACT_NEVER_RECEIVED = 'contact_never_received' satisfies CatalogCode;

/**
 * The lock that a contact's export (link + release of its waiters) and an export starting to wait for
 * that contact both take, so that one always sees the other.
 */
export function contactWaitLockKey(tenantId: string, waitingFor: string): string {
  return `contact-wait:${tenantId}:${waitingFor}`;
}

/** A wait for a contact ("customer:C-1", "supplier:S-2"), not for a lock date. */
function isContactKey(waitingFor: string): boolean {
  return waitingFor.startsWith('customer:') || waitingFor.startsWith('supplier:');
}

export class ExportWaits extends ExportReads {
  /** Parks an export until something else happens (its contact is exported, a lock date moves). */
  async setWaiting(id: number, reason: string, waitingFor: string): Promise<void> {
    const row = await this.db.selectFrom('exports').select('tenant_id').where('id', '=', id).executeTakeFirst();
    if (row) await this.setManyWaiting(row.tenant_id, [{ id, reason, waitingFor }]);
  }

  /** setWaiting for many exports of one organisation (a claim's), in one transaction of a few statements. */
  async setManyWaiting(tenantId: string, waits: ReadonlyArray<{ id: number; reason: string; waitingFor: string }>): Promise<void> {
    if (waits.length === 0) return;
    // Another worker may export a contact (and release its waiters) between our look at the link and
    // this update. Both sides take the contact's lock (PostgreSQL, in sorted order; SQLite writes are
    // serialised anyway), and this side looks at the links again under it: no export waits for a
    // contact that is already in Xero.
    const contactKeys = [...new Set(waits.map((w) => w.waitingFor).filter(isContactKey))].sort();
    await this.db.transaction().execute(async (trx) => {
      await this.adapter.lockKeysInTransaction(
        trx,
        contactKeys.map((k) => contactWaitLockKey(tenantId, k)),
      );
      const values: [string, string, ...Array<string | number>] = [tenantId, iso(), ...waits.flatMap((w) => [w.id, w.reason, w.waitingFor])];
      await precompiled.run(trx, this.adapter.name, `setManyWaiting:${waits.length}`, values, ([tenant, at, ...cells]) => {
        const v = valuesList(rowsOf(cells, 3), ['integer', 'text', 'text']);
        return sql`with v (id, wait_reason, waiting_for) as (${v})
        update exports set status = 'waiting', wait_reason = v.wait_reason, waiting_for = v.waiting_for, waiting_since = ${at}, lease_owner = null, lease_until = null, updated_at = ${at}
        from v where exports.id = v.id and exports.tenant_id = ${tenant}`;
      });
      if (contactKeys.length === 0) return;
      // Keyed `kind:sourceId`, as the wait keys are.
      const linked = await new ContactLinksRepository(trx).getMany(
        tenantId,
        contactKeys.map((k) => ({ kind: k.slice(0, k.indexOf(':')) as ContactKind, sourceId: k.slice(k.indexOf(':') + 1) })),
      );
      await new ExportWaits(trx, this.adapter).releaseWaiting(
        tenantId,
        contactKeys.filter((k) => linked.has(k)),
      );
    });
  }

  /** Back to the queue: what `waitingFor` names (one key or many) is there now (also the exports that gave up waiting for it). */
  async releaseWaiting(tenantId: string, waitingFor: string | readonly string[]): Promise<number> {
    const keys = typeof waitingFor === 'string' ? [waitingFor] : waitingFor;
    if (keys.length === 0) return 0;
    const values: [string, string, ...string[]] = [tenantId, iso(), ...keys];
    const { rows } = await precompiled.run(this.db, this.adapter.name, `releaseWaiting:${keys.length}`, values, ([tenant, at, ...waitedFor]) =>
      this.db
        .updateTable('exports')
        .set({ status: 'queued', wait_reason: null, waiting_for: null, waiting_since: null, next_attempt_at: at, updated_at: at })
        .where('tenant_id', '=', tenant)
        .where('status', '=', 'waiting')
        .where('waiting_for', 'in', waitedFor)
        .returning('id'),
    );
    return rows.length + (await this.requeueGaveUp(tenantId, keys));
  }

  /** Exports failed for waiting too long for `waitingFor` (a contact, or many) back to the queue: it has arrived. */
  async requeueGaveUp(tenantId: string, waitingFor: string | readonly string[]): Promise<number> {
    const keys = typeof waitingFor === 'string' ? [waitingFor] : waitingFor;
    if (keys.length === 0) return 0;
    const values: [string, string, ...string[]] = [tenantId, iso(), ...keys];
    const { rows } = await precompiled.run(this.db, this.adapter.name, `requeueGaveUp:${keys.length}`, values, ([tenant, at, ...waitedFor]) =>
      this.db
        .updateTable('exports')
        .set({
          status: 'queued',
          wait_reason: null,
          waiting_for: null,
          waiting_since: null,
          next_attempt_at: at,
          updated_at: at,
          last_error: null,
          error_code: null,
          error_class: null,
          action_required: null,
        })
        .where('tenant_id', '=', tenant)
        .where('status', '=', 'failed')
        .where('error_code', '=', CONTACT_NEVER_RECEIVED)
        .where('waiting_for', 'in', waitedFor)
        .returning('id'),
    );
    return rows.length;
  }

  /** Exports that have waited for a contact since before `cutoff` (lock-date holds are not counted). */
  async staleContactWaits(cutoff: Date, limit = 500): Promise<Array<Pick<Export, 'id' | 'tenantId' | 'kind' | 'sourceId' | 'waitingFor'>>> {
    const rows = await this.db
      .selectFrom('exports')
      .select(['id', 'tenant_id', 'kind', 'source_id', 'waiting_for'])
      .where('status', '=', 'waiting')
      .where('waiting_since', '<', iso(cutoff))
      .where((eb) => eb.or([eb('waiting_for', 'like', 'customer:%'), eb('waiting_for', 'like', 'supplier:%')]))
      .orderBy('id')
      .limit(limit)
      .execute();
    // Only xport writes `kind`, from DocumentKind.
    return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, kind: r.kind as DocumentKind, sourceId: r.source_id, waitingFor: r.waiting_for }));
  }

  /** Starts an export's wait afresh (its contact was received after all, and is on its way). */
  async restartWait(id: number, now = new Date()): Promise<void> {
    await this.db
      .updateTable('exports')
      .set({ waiting_since: iso(now) })
      .where('id', '=', id)
      .where('status', '=', 'waiting')
      .execute();
  }

  /**
   * Fails an export that waited too long for its contact, keeping what it waits for: the contact
   * arriving (or being linked) later puts it back in the queue. Only if it is still waiting.
   */
  async failContactWait(id: number, f: FailureInfo, now = new Date()): Promise<boolean> {
    const rows = await this.db
      .updateTable('exports')
      .set({ status: 'failed', last_error: f.message, error_code: f.code, error_class: f.errorClass, action_required: f.action, wait_reason: null, updated_at: iso(now) })
      .where('id', '=', id)
      .where('status', '=', 'waiting')
      .returning('id')
      .execute();
    return rows.length > 0;
  }

  async updateWaitReason(tenantId: string, waitingFor: string, reason: string): Promise<void> {
    await this.db
      .updateTable('exports')
      .set({ wait_reason: reason, updated_at: iso() })
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'waiting')
      .where('waiting_for', '=', waitingFor)
      .execute();
  }
}
