import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../schema';
import { iso } from '../clock';

/** How long an event's identity is remembered; Xero retries a delivery for a day at most. */
export const WEBHOOK_EVENT_MEMORY_MS = 30 * 86_400_000;

/**
 * The Xero webhook events xport has handled, by identity (organisation, category, type, resource and
 * the event's own time), so that a delivery replayed — by Xero's retries or by someone who recorded a
 * signed request — is processed once. The first process to record an event handles it.
 */
export class WebhookEventsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  static keyOf(e: { tenantId: string; eventCategory: string; eventType: string; resourceId: string; eventDateUtc?: string }): string {
    const identity = JSON.stringify([e.tenantId, e.eventCategory, e.eventType, e.resourceId.toLowerCase(), e.eventDateUtc ?? '']);
    return crypto.createHash('sha256').update(identity, 'utf8').digest('hex');
  }

  /** True the first time an event is seen; false for a replay. */
  async claim(key: string, now = new Date()): Promise<boolean> {
    const rows = await this.db
      .insertInto('xero_webhook_events')
      .values({ event_key: key, received_at: iso(now) })
      .onConflict((oc) => oc.column('event_key').doNothing())
      .returning('event_key')
      .execute();
    return rows.length > 0;
  }

  async prune(now = new Date()): Promise<number> {
    const res = await this.db
      .deleteFrom('xero_webhook_events')
      .where('received_at', '<', iso(new Date(now.getTime() - WEBHOOK_EVENT_MEMORY_MS)))
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
