/**
 * Puts the demo organisation into the state the seed's failures need, through Xero's own API and
 * the sandbox's controls: a period lock date, a contact whose name is taken, a contact whose
 * account number is taken, and a way to archive a contact after xport has linked it.
 */
import type { Runtime } from '../app/runtime';
import type { Sandbox } from '../sandbox/index';
import { parseJson } from '../xero/client';

export interface PreparedSandbox {
  lockDate: string;
  takenName: string;
  takenAccountNumber: string;
  archiveContact(name: string): Promise<void>;
}

export async function prepareSandboxForDemo(rt: Runtime, sandbox: Sandbox, tenantId: string): Promise<PreparedSandbox> {
  const lockDate = `${new Date().getUTCFullYear() - 1}-12-31`;
  const res = await fetch(`${sandbox.url}/_sandbox/organisations/${tenantId}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ PeriodLockDate: lockDate }),
  });
  if (!res.ok) throw new Error(`sandbox refused the lock date: ${res.status} ${await res.text()}`);
  const takenName = 'Ridgeway University';
  const takenAccountNumber = 'CUST-050';
  await rt.xero.call({
    method: 'PUT',
    path: '/Contacts',
    tenantId,
    body: {
      Contacts: [
        { Name: takenName, EmailAddress: 'ap@ridgeway.test' },
        { Name: 'Harbourview Trust', AccountNumber: takenAccountNumber },
      ],
    },
  });
  await rt.reference.refresh(tenantId);
  return {
    lockDate,
    takenName,
    takenAccountNumber,
    async archiveContact(name: string) {
      const found = await rt.xero.call({ method: 'GET', path: '/Contacts', tenantId, query: { where: `Name=="${name}"` } });
      if (found.kind !== 'response') return;
      const contact = ((parseJson(found.bodyText) as { Contacts?: Array<{ ContactID: string }> } | null)?.Contacts ?? [])[0];
      if (contact) await rt.xero.call({ method: 'POST', path: `/Contacts/${contact.ContactID}`, tenantId, body: { Contacts: [{ ContactID: contact.ContactID, ContactStatus: 'ARCHIVED' }] } });
    },
  };
}
