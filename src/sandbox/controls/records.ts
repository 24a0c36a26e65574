/**
 * Controls that change records the way a Xero user would in Xero's own UI: archive a contact or an
 * account (documents: controls/documents.ts).
 */
import type { SandboxContext } from '../context';
import { renderContact, renderAccount } from '../format/render';
import { findContactById } from '../rules/contacts';
import type { OrgState } from '../state/types';

export type ControlResult = { status: number; body: unknown };
export const err = (status: number, error: string): ControlResult => ({ status, body: { error } });

export function archiveContact(ctx: SandboxContext, org: OrgState, id: string): ControlResult {
  const c = findContactById(org, id);
  if (!c) return err(404, 'no such contact');
  c.ContactStatus = 'ARCHIVED';
  c.UpdatedDateUTC = ctx.clock.now();
  ctx.webhooks.emit([{ category: 'CONTACT', type: 'UPDATE', resourceId: c.ContactID, resource: 'Contacts', tenantId: org.tenantId }]);
  return { status: 200, body: renderContact(c) };
}

export function archiveAccount(ctx: SandboxContext, org: OrgState, key: string): ControlResult {
  const a = org.accounts.find((x) => x.Code.toLowerCase() === key.toLowerCase() || x.AccountID === key.toLowerCase());
  if (!a) return err(404, 'no such account');
  a.Status = 'ARCHIVED';
  a.UpdatedDateUTC = ctx.clock.now();
  return { status: 200, body: renderAccount(a) };
}
