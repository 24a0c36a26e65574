/**
 * Connection Log entries for connection and webhook events. Built from known fields only: no
 * token, code or header ever reaches the log.
 */
import type { ConnectionLogRepository } from '../db/repositories/connection-log';
import type { EventBus } from '../engine/events';

export function attachConnectionEventsLog(bus: EventBus, log: ConnectionLogRepository): void {
  bus.on('connection.lost', (e) => log.append([{
    tenantId: e.tenantId, level: 'error', event: 'connection.lost', details: { code: e.code },
    message: `The connection to Xero for ${e.tenantName} is lost (${e.reason}); exports wait until it is reconnected in Settings`,
  }]));
  bus.on('connection.restored', (e) => log.append([{
    tenantId: e.tenantId, level: 'info', event: 'connection.connected', actor: e.actor, details: { released: e.released },
    message: `${e.actor} connected ${e.tenantName} to Xero${e.released > 0 ? `; ${e.released} held export(s) resume now` : ''}`,
  }]));
  bus.on('connection.removed', (e) => log.append([{
    tenantId: e.tenantId, level: 'info', event: 'connection.disconnected', actor: e.actor,
    message: `${e.actor} disconnected ${e.tenantName} from Xero; exports wait until it is reconnected`,
  }]));
  bus.on('xero.contact_archived', (e) => log.append([{
    tenantId: e.tenantId, level: 'error', event: 'xero.contact_archived', details: { xeroContactId: e.xeroContactId },
    message: `Xero reports contact ${e.xeroContactId} archived (linked to ${e.contacts.join(', ')}); documents for it are held until it is restored in Xero or linked to another contact`,
  }]));
  bus.on('xero.document_voided', (e) => log.append([{
    tenantId: e.tenantId, level: 'error', event: 'xero.document_voided', documentRef: e.references.length === 1 ? (e.references[0] ?? null) : null,
    details: { xeroId: e.xeroId, status: e.status },
    message: `${e.references.join(', ')} was ${e.status.toLowerCase()} in Xero after it was exported`,
  }]));
}
