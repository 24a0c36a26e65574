/**
 * Connection Log entries for what people did (users, API tokens, settings, contact links), for the
 * Xero connection's life and for Xero's webhook events. Part of the log's one writer
 * (src/engine/connection-log-writer.ts), which passes its awaited `record`: each entry is on record
 * before the action that caused it answers. Built from known fields only: no token, code or header
 * ever reaches the log.
 */
import type { LogEntryInput } from '../db/repositories/connection-log';
import { plural } from '../domain/words';
import type { EventBus } from './events';

type Record = (entries: LogEntryInput[]) => Promise<void>;

export function attachActionEntries(bus: EventBus, record: Record): void {
  attachPeople(bus, record);
  attachConnection(bus, record);
  attachWebhooks(bus, record);
}

function attachPeople(bus: EventBus, record: Record): void {
  bus.on('user.added', (e) => record([{ tenantId: null, level: 'info', event: 'user.added', actor: e.actor, message: `${e.actor} added the ${e.role} ${e.username}` }]));
  bus.on('user.role_changed', (e) => record([{ tenantId: null, level: 'info', event: 'user.role', actor: e.actor, message: `${e.actor} made user ${e.userId} ${e.role}` }]));
  bus.on('user.removed', (e) => record([{ tenantId: null, level: 'info', event: 'user.removed', actor: e.actor, message: `${e.actor} removed user ${e.userId}` }]));
  bus.on('api_token.created', (e) =>
    record([
      {
        tenantId: e.tenantId,
        level: 'info',
        event: 'api_token.created',
        actor: e.actor,
        message: `${e.actor} created the ${e.role} API token "${e.name}" (${e.tokenPrefix}…)`,
      },
    ]),
  );
  bus.on('api_token.revoked', (e) => record([{ tenantId: null, level: 'info', event: 'api_token.revoked', actor: e.actor, message: `${e.actor} revoked API token ${e.tokenId}` }]));
  bus.on('settings.changed', (e) =>
    record([
      {
        tenantId: e.tenantId,
        level: 'info',
        event: 'settings.changed',
        actor: e.actor,
        message: 'section' in e.change ? `${e.actor} saved the ${e.change.section} settings` : `${e.actor} changed the settings (${e.change.fields.join(', ')})`,
      },
    ]),
  );
  bus.on('contact.linked', (e) =>
    record([
      {
        tenantId: e.tenantId,
        level: 'info',
        event: 'contact.linked',
        actor: e.actor,
        documentRef: e.sourceId,
        message: `${e.actor} linked ${e.kind} ${e.sourceId} to Xero contact ${e.xeroContactId}`,
      },
    ]),
  );
}

function attachConnection(bus: EventBus, record: Record): void {
  bus.on('connection.lost', (e) =>
    record([
      {
        tenantId: e.tenantId,
        level: 'error',
        event: 'connection.lost',
        details: { code: e.code },
        message: `The connection to Xero for ${e.tenantName} is lost (${e.reason}); exports wait until it is reconnected in Settings`,
      },
    ]),
  );
  bus.on('connection.restored', (e) =>
    record([
      {
        tenantId: e.tenantId,
        level: 'info',
        event: 'connection.connected',
        actor: e.actor,
        details: { released: e.released },
        message: `${e.actor} connected ${e.tenantName} to Xero${e.released > 0 ? `; ${e.released} held export(s) resume now` : ''}`,
      },
    ]),
  );
  bus.on('connection.removed', (e) =>
    record([
      {
        tenantId: e.tenantId,
        level: 'info',
        event: 'connection.disconnected',
        actor: e.actor,
        message: `${e.actor} disconnected ${e.tenantName} from Xero; exports wait until it is reconnected`,
      },
    ]),
  );
  bus.on('connection.disconnected', (e) =>
    record([
      {
        tenantId: e.tenantId,
        level: 'info',
        event: 'connection.disconnected',
        actor: e.actor,
        message: `${e.actor} disconnected xport from this organisation; exports wait until it is reconnected`,
      },
    ]),
  );
  bus.on('connection.synced', (e) =>
    record([
      {
        tenantId: e.tenantId,
        level: 'info',
        event: 'connection.synced',
        actor: e.actor,
        message: `${e.actor} reconnected: ${plural(e.organisations, 'organisation')} available`,
      },
    ]),
  );
}

function attachWebhooks(bus: EventBus, record: Record): void {
  bus.on('xero.contact_archived', (e) =>
    record([
      {
        tenantId: e.tenantId,
        level: 'error',
        event: 'xero.contact_archived',
        details: { xeroContactId: e.xeroContactId },
        message: `Xero reports contact ${e.xeroContactId} archived (linked to ${e.contacts.join(', ')}); documents for it are held until it is restored in Xero or linked to another contact`,
      },
    ]),
  );
  bus.on('xero.contact_restored', (e) =>
    record([
      {
        tenantId: e.tenantId,
        level: 'info',
        event: 'xero.contact_restored',
        message: `Xero reports contact ${e.xeroContactId} active again (${e.sourceIds.join(', ')}); its documents can be exported again`,
      },
    ]),
  );
  bus.on('xero.document_voided', (e) =>
    record([
      {
        tenantId: e.tenantId,
        level: 'error',
        event: 'xero.document_voided',
        documentRef: e.references.length === 1 ? (e.references[0] ?? null) : null,
        details: { xeroId: e.xeroId, status: e.status },
        message: `${e.references.join(', ')} was ${e.status.toLowerCase()} in Xero after it was exported`,
      },
    ]),
  );
}
