/**
 * Per-organisation settings (mappings and engine options), mapping health and contact linking:
 * used by the API, the settings page and the CLI alike.
 */
import type { ContactLink } from '../db/repositories/contact-links';
import type { Store } from '../db/store';
import { mappingHealth, type MappingProblem } from '../domain/mapping-health';
import { applySettingsPatch, orgSettingsSchema, type OrgSettings, type SettingsResult } from '../domain/settings';
import { contactIdFrom, type ContactDirectory } from './contact-directory';
import type { EventBus } from './events';
import type { ReferenceService } from './reference';
import type { QueueService } from './service';

export type { ContactLink };

export class SettingsService {
  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly reference: ReferenceService,
    private readonly queue: QueueService,
    readonly directory: ContactDirectory,
  ) {}

  async get(tenantId: string): Promise<OrgSettings> {
    const tenant = await this.store.tenants.get(tenantId);
    return orgSettingsSchema.parse(tenant?.settings ?? {});
  }

  /**
   * Applies a partial patch; nothing is saved when any value is invalid. With an `actor`, the change
   * is recorded in the Connection Log with the fields the patch named.
   */
  async update(tenantId: string, patch: unknown, actor?: string): Promise<SettingsResult> {
    const before = await this.get(tenantId);
    const res = applySettingsPatch(before, patch);
    if (!res.ok) return res;
    const checked = await this.checkContactLinks(tenantId, before, res.settings);
    if (checked.ok) await this.store.tenants.setSettings(tenantId, checked.settings);
    if (checked.ok && actor) await this.bus.emit('settings.changed', { tenantId, actor, change: { fields: Object.keys((patch ?? {}) as object) } });
    return checked;
  }

  /** Saves settings already checked (a section of the Settings page) and records who saved which section. */
  async save(tenantId: string, settings: OrgSettings, actor: string, section: string): Promise<void> {
    await this.store.tenants.setSettings(tenantId, orgSettingsSchema.parse(settings));
    await this.bus.emit('settings.changed', { tenantId, actor, change: { section } });
  }

  /** Saves settings without an entry of their own (the contact picker: its link is the entry). */
  async replace(tenantId: string, settings: OrgSettings): Promise<void> {
    await this.store.tenants.setSettings(tenantId, settings);
  }

  contactLinks(tenantId: string): Promise<ContactLink[]> {
    return this.store.contacts.list(tenantId);
  }

  /**
   * Every contact link that changed must name a contact of this Xero organisation: a ContactID or the
   * contact's URL in Xero (kept as the id), checked with Xero through the call gate. Unchanged links
   * are not checked again.
   */
  async checkContactLinks(tenantId: string, before: OrgSettings, after: OrgSettings): Promise<SettingsResult> {
    const issues: Array<{ path: string; message: string }> = [];
    const links = { customer: { ...after.contactLinks.customer }, supplier: { ...after.contactLinks.supplier } };
    for (const kind of ['customer', 'supplier'] as const) {
      for (const [sourceId, value] of Object.entries(links[kind])) {
        if (before.contactLinks[kind][sourceId] === value) continue;
        const path = `contactLinks.${kind}.${sourceId}`;
        const id = contactIdFrom(value);
        if (!id) {
          issues.push({ path, message: `"${value.slice(0, 80)}" is not a Xero contact: choose one by name, or paste its ContactID or the URL of its page in Xero` });
          continue;
        }
        const found = await this.directory.lookup(tenantId, id);
        if (!found.ok) issues.push({ path, message: `contact ${id} could not be checked with Xero (${found.reason}); nothing was saved, try again` });
        else if (!found.contact) issues.push({ path, message: `${id} is not a contact in this Xero organisation` });
        else links[kind][sourceId] = found.contact.id;
      }
    }
    return issues.length ? { ok: false, issues } : { ok: true, settings: { ...after, contactLinks: links } };
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
    await this.bus.emit('contact.linked', { tenantId, actor: p.actor, kind: p.kind, sourceId: p.sourceId, xeroContactId: p.xeroContactId });
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
