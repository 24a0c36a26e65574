/** Rows of the Failed Xero Exports grid with their actions, shared by the page and the htmx actions. */
import type { CatalogCode } from '../../domain/catalog';
import type { Export } from '../../engine/service';
import { kindLabel, urlWith } from './format';
import { html, type Html } from './html';

export type FailedRow = Export & { reference: string };

export const FAILED_COLUMNS = ['Failed Export', 'Exported Item', 'Export Error', 'Action Required', 'Export', 'Delete', 'Skip'];

function actionButton(row: FailedRow, action: 'retry' | 'delete' | 'skip', label: string, csrf: string, extra: Html | string = ''): Html {
  return html`<form method="post" action="/queue/exports/${row.id}/${action}" hx-post="/queue/exports/${row.id}/${action}" hx-target="closest tr" hx-swap="outerHTML" ${extra}>
<input type="hidden" name="_csrf" value="${csrf}"><button class="btn btn-small ${action === 'retry' ? 'btn-primary' : action === 'delete' ? 'btn-danger' : ''}" aria-label="${label} ${row.reference}">${label}</button></form>`;
}

/** Failures fixed by linking the contact to the right Xero contact (a duplicate name, a merged contact). */
export const LINK_CODES: ReadonlySet<string> = new Set<CatalogCode>(['contact_name_exists', 'name_not_unique', 'contact_archived']);

/** Grid options; `contacts` holds, for failed documents, the contact their payload names (export id → code). */
export interface GridOptions {
  csrf: string;
  canEdit: boolean;
  contacts?: Map<number, string>;
}

function actionLink(row: FailedRow, contacts?: Map<number, string>): Html {
  const contact = contacts?.get(row.id);
  if (row.errorCode && LINK_CODES.has(row.errorCode) && contact) {
    const kind = row.kind === 'purchase_bill' || row.kind === 'supplier_credit' ? 'supplier' : 'customer';
    return html` <a class="fix-link" href="${urlWith('/settings/contacts/pick', { kind, sourceId: contact })}">Choose the Xero contact for ${contact} →</a>`;
  }
  if (row.errorCode === ('line_account_code_invalid' satisfies CatalogCode)) {
    const code = /account code '([^']*)'/i.exec(row.lastError ?? '')?.[1] ?? '';
    return html` <a class="fix-link" href="${urlWith('/settings', { linecode: code })}#line-codes">Map account code ${code} →</a>`;
  }
  if (!row.errorCode || !LINK_CODES.has(row.errorCode) || (row.kind !== 'customer' && row.kind !== 'supplier')) return html``;
  const href = urlWith('/settings/contacts/pick', { kind: row.kind, sourceId: row.sourceId, q: row.reference });
  return html` <a class="fix-link" href="${href}">Choose the Xero contact for ${row.sourceId} →</a>`;
}

export function failedRow(row: FailedRow, o: GridOptions): Html {
  const ref = row.reference;
  const actions = o.canEdit
    ? html`<td data-label="Export">${actionButton(row, 'retry', 'Export', o.csrf)}</td>
<td data-label="Delete">${actionButton(row, 'delete', 'Delete', o.csrf, html`hx-confirm="Delete ${ref} from the queue? It will not be exported."`)}</td>
<td data-label="Skip">${actionButton(row, 'skip', 'Skip', o.csrf)}</td>`
    : html`<td colspan="3" class="muted" data-label="Actions">View only</td>`;
  return html`<tr id="export-${row.id}" data-export-id="${row.id}">
<td data-label="Failed Export">${kindLabel(row.kind)}</td>
<td data-label="Exported Item"><a href="/documents/${row.documentId}">${ref}</a></td>
<td data-label="Export Error" class="error-text">${row.lastError ?? ''}${row.attempts > 1 ? html` <span class="muted">(${row.attempts} attempts)</span>` : ''}</td>
<td data-label="Action Required" class="action-text">${row.actionRequired ?? ''}${actionLink(row, o.contacts)}</td>
${actions}</tr>`;
}

/** What replaces a row once an action was taken on it. */
export function resultRow(id: number, reference: string, ok: boolean, text: string): Html {
  return html`<tr id="export-${id}" class="row-result ${ok ? 'row-ok' : 'row-error'}" data-export-id="${id}" data-result="${ok ? 'ok' : 'error'}">
<td colspan="7" role="status"><strong>${reference}</strong>: ${text}</td></tr>`;
}

export function failedTable(rows: FailedRow[], o: GridOptions): Html {
  return html`<div class="table-wrap"><table class="grid grid-failed" id="failed-grid">
<thead><tr>${FAILED_COLUMNS.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
<tbody>${rows.map((r) => failedRow(r, o))}</tbody></table></div>`;
}
