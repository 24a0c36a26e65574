/**
 * Per-organisation settings (mappings and engine options), mapping health and contact linking:
 * used by the API, the settings page and the CLI alike.
 */
import type { Store } from '../db/store';
import { mappingHealth, type MappingProblem } from '../domain/mapping-health';
import { applySettingsPatch, orgSettingsSchema, type OrgSettings } from '../domain/settings';
import type { ReferenceService } from './reference';
import type { QueueService } from './service';

export class SettingsService {
  constructor(
    private readonly store: Store,
    private readonly reference: ReferenceService,
    private readonly queue: QueueService,
  ) {}

  async get(tenantId: string): Promise<OrgSettings> {
    const tenant = await this.store.tenants.get(tenantId);
    return orgSettingsSchema.parse(tenant?.settings ?? {});
  }

  /** Applies a partial patch; nothing is saved when any value is invalid. */
  async update(tenantId: string, patch: unknown): Promise<{ ok: true; settings: OrgSettings } | { ok: false; issues: Array<{ path: string; message: string }> }> {
    const res = applySettingsPatch(await this.get(tenantId), patch);
    if (res.ok) await this.store.tenants.setSettings(tenantId, res.settings);
    return res;
  }

  async health(tenantId: string): Promise<{ ok: true; problems: MappingProblem[]; fetchedAt: string | null } | { ok: false; reason: string }> {
    const ref = await this.reference.get(tenantId);
    if (!ref.ok) return ref;
    return { ok: true, problems: mappingHealth(await this.get(tenantId), ref.data), fetchedAt: ref.data.fetchedAt ?? null };
  }

  /**
   * Links a source contact to an existing Xero contact (a merged or renamed contact in Xero), then
   * re-queues the failed exports that involved it.
   */
  async linkContact(tenantId: string, p: { kind: 'customer' | 'supplier'; sourceId: string; xeroContactId: string; actor: string }): Promise<{ requeued: number }> {
    await this.store.contacts.set(tenantId, { contactKind: p.kind, sourceId: p.sourceId, xeroContactId: p.xeroContactId, linkedBy: 'user' });
    await this.store.log.append([{ tenantId, level: 'info', event: 'contact.linked', actor: p.actor, documentRef: p.sourceId, message: `${p.actor} linked ${p.kind} ${p.sourceId} to Xero contact ${p.xeroContactId}` }]);
    const contactExport = await this.store.exports.latestForSource(tenantId, p.kind, p.sourceId);
    const ids: number[] = [];
    if (contactExport && contactExport.status === 'failed') {
      // The contact itself now exists in Xero: its export is done, by the link.
      await this.store.exports.markExported(contactExport.id, { xeroId: p.xeroContactId, xeroNumber: null, xeroTotal: null });
    }
    await this.store.exports.releaseWaiting(tenantId, `${p.kind}:${p.sourceId}`);
    const failed = await this.store.exports.list({ tenantId, statuses: ['failed'], errorCode: 'contact_archived', limit: 500 });
    ids.push(...failed.map((f) => f.id));
    const requeued = ids.length ? await this.queue.retry(tenantId, ids, p.actor) : [];
    return { requeued: requeued.length };
  }

  /** Re-queues the failed exports whose error this mapping caused (after it was fixed). */
  async requeueFailuresOf(tenantId: string, errorCodes: string[], actor: string): Promise<number> {
    let total = 0;
    for (const errorCode of errorCodes) total += (await this.queue.retry(tenantId, 'all-failed', actor, { errorCode })).length;
    return total;
  }
}
