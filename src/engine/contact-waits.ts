/**
 * A document waiting for a contact that xport never receives would wait forever: after a set time
 * (XPORT_CONTACT_WAIT_HOURS) it goes to Failed Exports with what to do. It keeps what it waits for,
 * so the contact arriving or being linked later puts it back in the queue by itself.
 */
import type { Store } from '../db/store';
import { prevalidationFailure } from '../domain/catalog';
import { exportFailed, type EventBus } from './events';

export async function failStaleContactWaits(store: Store, bus: EventBus, waitMs: number, now: Date): Promise<void> {
  const { exports } = store;
  const wait = duration(waitMs);
  for (const row of await exports.staleContactWaits(new Date(now.getTime() - waitMs))) {
    const [contactKind = 'contact', ...rest] = (row.waitingFor ?? '').split(':');
    const contact = rest.join(':');
    // Received but not (yet) in Xero: the contact's own row says what is wrong; this one waits on.
    if (await exports.latestForSource(row.tenantId, contactKind, contact)) {
      await exports.restartWait(row.id, now);
      continue;
    }
    const failure = prevalidationFailure('contact_never_received', { contact, contactKind, wait });
    const info = { message: failure.message, code: failure.code, errorClass: failure.class, action: failure.action };
    if (!(await exports.failContactWait(row.id, info, now))) continue;
    await bus.emit('export.failed', exportFailed(row.tenantId, row, row.sourceId, failure));
  }
}

/** "6 hours", "90 minutes", "2 seconds": the configured wait as a bookkeeper reads it. */
export function duration(ms: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return unit(ms / 3_600_000, 'hour');
  if (ms >= 60_000) return unit(Math.round(ms / 60_000), 'minute');
  return unit(Math.max(1, Math.round(ms / 1000)), 'second');
}
