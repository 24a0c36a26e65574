/**
 * What Xero tells xport later about things it exported (webhooks): an exported invoice or credit
 * note voided or deleted in Xero is marked on its export row.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema';
import { iso } from '../clock';

export class XeroChangesRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Marks the exports of this Xero document; returns their references (empty when xport did not export it). */
  async markXeroStatus(tenantId: string, xeroId: string, status: string): Promise<Array<{ id: number; reference: string }>> {
    const rows = await this.db
      .updateTable('exports')
      .set({ xero_status: status, updated_at: iso() })
      .where('tenant_id', '=', tenantId)
      .where('xero_id', '=', xeroId)
      .where('status', '=', 'exported')
      .returning(['id', 'document_id'])
      .execute();
    const out: Array<{ id: number; reference: string }> = [];
    for (const r of rows) {
      const doc = await this.db.selectFrom('documents').select('reference').where('id', '=', r.document_id).executeTakeFirst();
      out.push({ id: r.id, reference: doc?.reference ?? String(r.id) });
    }
    return out;
  }

  async xeroStatusOf(tenantId: string, exportId: number): Promise<string | null> {
    const r = await this.db.selectFrom('exports').select('xero_status').where('tenant_id', '=', tenantId).where('id', '=', exportId).executeTakeFirst();
    return r?.xero_status ?? null;
  }
}
