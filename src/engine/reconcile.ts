/**
 * Exactly once: when an earlier attempt's outcome is unknown (timeout, dropped connection, a
 * worker that died mid-call), look the document up in Xero by its natural key before sending it
 * again. Found: it is exported, with Xero's id. Not found: it is safe to send.
 */
import type { XeroEndpoint } from '../domain/types';
import { parseJson, type XeroClient } from '../xero/client';

export type LookupResult = { found: true; xeroId: string; number: string | null; total: string | null } | { found: false } | { error: string };

const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

function lookupQuery(endpoint: XeroEndpoint, p: Record<string, unknown>): Record<string, string> | null {
  const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  switch (endpoint) {
    case 'Contacts': {
      const name = str(p.Name);
      return name ? { where: `Name==${quote(name)}`, includeArchived: 'true' } : null;
    }
    case 'Invoices': {
      const n = str(p.InvoiceNumber);
      return n ? { InvoiceNumbers: n } : null;
    }
    case 'CreditNotes': {
      const n = str(p.CreditNoteNumber);
      return n ? { where: `CreditNoteNumber==${quote(n)}` } : null;
    }
    case 'ManualJournals': {
      const n = str(p.Narration);
      return n ? { where: `Narration==${quote(n)}` } : null;
    }
  }
}

const ID_FIELD: Record<XeroEndpoint, string> = { Contacts: 'ContactID', Invoices: 'InvoiceID', CreditNotes: 'CreditNoteID', ManualJournals: 'ManualJournalID' };
const NUMBER_FIELD: Record<XeroEndpoint, string | null> = { Contacts: null, Invoices: 'InvoiceNumber', CreditNotes: 'CreditNoteNumber', ManualJournals: null };

export async function findInXero(xero: XeroClient, tenantId: string, endpoint: XeroEndpoint, payload: Record<string, unknown>): Promise<LookupResult> {
  const query = lookupQuery(endpoint, payload);
  if (!query) return { found: false };
  const res = await xero.call({ method: 'GET', path: `/${endpoint}`, tenantId, query });
  if (res.kind !== 'response') return { error: res.kind === 'network' ? res.detail : res.reason };
  if (res.status !== 200) return { error: `lookup answered HTTP ${res.status}` };
  const body = parseJson(res.bodyText) as Record<string, unknown> | null;
  const list = (body?.[endpoint] ?? []) as Array<Record<string, unknown>>;
  const contactId = (payload.Contact as { ContactID?: string } | undefined)?.ContactID;
  const match = list.find((x) => {
    if (x.Status === 'DELETED') return false;
    // ACCPAY numbers are not unique in Xero: the contact must match as well.
    if (endpoint === 'Invoices' && x.Type !== payload.Type) return false;
    if (endpoint === 'Invoices' && contactId && (x.Contact as { ContactID?: string } | undefined)?.ContactID !== contactId) return false;
    return true;
  });
  if (!match) return { found: false };
  const numberField = NUMBER_FIELD[endpoint];
  return {
    found: true,
    xeroId: String(match[ID_FIELD[endpoint]]),
    number: numberField ? String(match[numberField] ?? '') || null : null,
    total: match.Total === undefined ? null : String(match.Total),
  };
}

export function xeroIdOf(endpoint: XeroEndpoint, element: Record<string, unknown>): { id: string | null; number: string | null; total: string | null } {
  const id = element[ID_FIELD[endpoint]];
  const numberField = NUMBER_FIELD[endpoint];
  const num = numberField ? element[numberField] : null;
  return {
    id: typeof id === 'string' && id !== '00000000-0000-0000-0000-000000000000' ? id : null,
    number: typeof num === 'string' ? num : null,
    total: element.Total === undefined || element.Total === null ? null : String(element.Total),
  };
}
