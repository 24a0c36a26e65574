/** The webhook event of a changed document, the same whether the change came through the API or a sandbox control. */
import type { DocRec } from '../state/types';
import type { WebhookEventInput } from './hub';

/** INVOICE events carry nothing more; CREDITNOTE events carry `data: {Type, Status}` (xero-webhooks.yaml). */
export function documentEvent(doc: DocRec, tenantId: string, type: 'CREATE' | 'UPDATE' = 'UPDATE'): WebhookEventInput {
  const credit = doc.kind === 'creditnote';
  return {
    category: credit ? 'CREDITNOTE' : 'INVOICE',
    type,
    resourceId: doc.ID,
    resource: credit ? 'CreditNotes' : 'Invoices',
    tenantId,
    ...(credit ? { data: { Type: doc.Type, Status: doc.Status } } : {}),
  };
}
