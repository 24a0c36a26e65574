/**
 * The contact of an invoice or credit note: by ContactID, ContactNumber or Name. A name Xero does not
 * know creates a new contact, as Xero does; an archived contact is refused.
 */
import { isDict, str } from '../http/input';
import { newId } from '../state/ids';
import type { ContactRec, OrgState } from '../state/types';
import { contactErrors, findContactById, findContactByName, findContactByNumber } from './contacts';
import { MSG } from './messages';

export type DocContact = { ok: true; contact: ContactRec; created: boolean } | { ok: false; errors: string[] };

export function resolveDocContact(org: OrgState, raw: unknown, now: number): DocContact {
  if (!isDict(raw)) return { ok: false, errors: [MSG.noContact] };
  const id = str(raw.ContactID);
  const number = str(raw.ContactNumber);
  const name = str(raw.Name)?.trim();
  let found: ContactRec | undefined;
  if (id) {
    found = findContactById(org, id);
    if (!found) return { ok: false, errors: [MSG.contactNotFound(id)] };
  } else if (number) {
    found = findContactByNumber(org, number);
  }
  if (!found && name) {
    const byName = findContactByName(org, name);
    found = byName.find((c) => c.ContactStatus === 'ACTIVE') ?? byName[0];
  }
  if (found) return found.ContactStatus === 'ARCHIVED' ? { ok: false, errors: [MSG.contactArchived] } : { ok: true, contact: found, created: false };
  if (!name) return { ok: false, errors: [MSG.contactNotIdentifiable] };
  const fields = { Name: name, ...(number ? { ContactNumber: number } : {}), ...(str(raw.EmailAddress) ? { EmailAddress: str(raw.EmailAddress) } : {}) };
  const errors = contactErrors(org, fields, null);
  if (errors.length) return { ok: false, errors };
  const contact: ContactRec = { ContactID: newId(), ...fields, ContactStatus: 'ACTIVE', IsCustomer: false, IsSupplier: false, extra: {}, UpdatedDateUTC: now };
  return { ok: true, contact, created: true };
}
