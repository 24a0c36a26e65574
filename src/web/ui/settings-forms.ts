/** The sections of /settings as forms: account and tax mappings, contact links and engine options. */
import { accountSuits, rateSuits, type Direction } from '../../domain/choices';
import { ACCOUNT_ROLES, type AccountRole } from '../../domain/documents';
import type { OrgSettings } from '../../domain/settings';
import type { DocumentKind, XeroAccount, XeroTaxRate } from '../../domain/types';
import { KINDS, KINDS_WITH_STATUS, XERO_STATUS_WORDS } from '../../domain/registry';
import type { ContactLink } from '../../engine/settings-service';
import type { XeroContactSummary } from '../../engine/contact-directory';
import type { CachedReference } from './cached-reference';
import { contactName, pickerHref } from './contact-picker';
import type { PageContext } from './context';
import type { XeroWeb } from './format';
import { ROLE_LABELS } from './group-hints';
import { html, type Html } from './html';
import { csrfField } from './layout';

const BLANK_ROWS = 2;

function option(value: string, label: string, selected: boolean): Html {
  return html`<option value="${value}" ${selected ? html`selected` : ''}>${label}</option>`;
}

/** Only the accounts Xero accepts for the role (src/domain/choices.ts); a current value that is not one stays visible, marked. */
export function accountSelect(name: string, current: string, accounts: XeroAccount[], label: string, role: AccountRole, allowEmpty = false): Html {
  if (accounts.length === 0) return html`<input name="${name}" value="${current}" aria-label="${label}" placeholder="Account code" maxlength="10">`;
  const active = accounts.filter((a) => accountSuits(a, role));
  const known = active.some((a) => a.Code.toUpperCase() === current.toUpperCase());
  const classes = [...new Set(active.map((a) => a.Class))];
  const exists = accounts.find((a) => a.Code.toUpperCase() === current.toUpperCase() && a.Status === 'ACTIVE');
  return html`<select name="${name}" aria-label="${label}">${allowEmpty ? option('', '—', current === '') : ''}
${!known && current ? option(current, exists ? `${current} — ${exists.Name} (not a ${ROLE_LABELS[role].toLowerCase()} account)` : `${current} (not an active account in Xero)`, true) : ''}
${classes.map((c) => html`<optgroup label="${c}">${active.filter((a) => a.Class === c).map((a) => option(a.Code, `${a.Code} — ${a.Name}`, a.Code.toUpperCase() === current.toUpperCase()))}</optgroup>`)}</select>`;
}

/** Only the rates Xero lets apply in this direction (CanApplyToRevenue / CanApplyToExpenses). */
function taxSelect(name: string, current: string, rates: XeroTaxRate[], label: string, direction: Direction): Html {
  if (rates.length === 0) return html`<input name="${name}" value="${current}" aria-label="${label}" placeholder="Xero tax type">`;
  const active = rates.filter((r) => rateSuits(r, direction));
  const known = active.some((r) => r.TaxType === current);
  const exists = rates.some((r) => r.TaxType === current && r.Status === 'ACTIVE');
  return html`<select name="${name}" aria-label="${label}">${option('', '—', current === '')}
${!known && current ? option(current, exists ? `${current} (not a ${direction === 'sales' ? 'sales' : 'purchase'} rate)` : `${current} (not an active tax rate in Xero)`, true) : ''}
${active.map((r) => option(r.TaxType, `${r.Name} (${r.TaxType}, ${Number(r.EffectiveRate)}%)`, r.TaxType === current))}</select>`;
}

/** Rows of "source key → Xero value", with blank rows to add more; a blank key removes a row. */
function mapRows(prefix: string, keyLabel: string, entries: Array<[string, string]>, valueInput: (name: string, value: string, label: string) => Html): Html {
  const rows: Array<[string, string]> = [...entries, ...Array.from({ length: BLANK_ROWS }, (): [string, string] => ['', ''])];
  return html`<table class="grid map-table"><thead><tr><th scope="col">${keyLabel}</th><th scope="col">Xero</th></tr></thead><tbody>
${rows.map(
  ([k, v], i) => html`<tr><td data-label="${keyLabel}"><input name="${prefix}_key" value="${k}" aria-label="${keyLabel} ${i + 1}" maxlength="255"></td>
<td data-label="Xero">${valueInput(`${prefix}_value`, v, `Xero value for ${k || `new row ${i + 1}`}`)}</td></tr>`,
)}</tbody></table>`;
}

function section(ctx: PageContext, id: string, title: string, intro: Html | string, fields: Html): Html {
  return html`<section class="card" id="${id}" aria-labelledby="${id}-title"><h2 id="${id}-title">${title}</h2>${ctx.note?.section === id ? ctx.note.html : ''}<p class="muted">${intro}</p>
<form method="post" action="/settings/${id}">${csrfField(ctx)}<fieldset ${ctx.canEdit ? '' : html`disabled`}>${fields}
${ctx.canEdit ? html`<div class="form-actions"><button class="btn btn-primary">Save ${title.toLowerCase()}</button></div>` : html`<p class="muted">Only an admin can change settings.</p>`}</fieldset></form></section>`;
}

export function accountsSection(ctx: PageContext, s: OrgSettings, ref: CachedReference, lineCode = ''): Html {
  const lineCodes = Object.entries(s.lineAccountCodes);
  if (lineCode && !(lineCode in s.lineAccountCodes)) lineCodes.push([lineCode, '']);
  const roles = html`<div class="form-grid">${ACCOUNT_ROLES.map((r) => html`<label>${ROLE_LABELS[r]} ${accountSelect(`account_${r}`, s.accounts[r], ref.accounts, `${ROLE_LABELS[r]} account`, r)}</label>`)}</div>`;
  const acc = (name: string, value: string, label: string) => accountSelect(name, value, ref.accounts, label, 'sales', true);
  return section(
    ctx,
    'accounts',
    'Account mappings',
    'Each account role of the source system posts to this Xero account. Sales account precedence: line, then product group, then customer, then the default above.',
    html`${roles}<h3>Sales account by product group</h3>${mapRows('pg', 'Product group', Object.entries(s.productGroupSalesAccounts), acc)}
<h3>Sales account by customer</h3>${mapRows('cust', 'Customer code', Object.entries(s.customerSalesAccounts), acc)}
<h3 id="line-codes">Account codes named on lines</h3><p class="muted small">A source line may name an account code itself instead of a role; map such a code to the Xero account it stands for.</p>
${mapRows('linecode', 'Code on the line', lineCodes, (name, value, label) => accountSelect(name, value, ref.accounts, label, 'freight', true))}`,
  );
}

export function taxSection(ctx: PageContext, s: OrgSettings, ref: CachedReference): Html {
  const tax = (direction: Direction) => (name: string, value: string, label: string) => taxSelect(name, value, ref.taxRates, label, direction);
  return section(
    ctx,
    'tax',
    'Tax mappings',
    'Xero tax rates are either sales or purchase rates, so every source tax code is mapped once per direction; each list offers only the rates Xero accepts for it.',
    html`<div class="two-col"><div><h3>Sales</h3>${mapRows('sales', 'Source tax code', Object.entries(s.taxMappings.sales), tax('sales'))}</div>
<div><h3>Purchases</h3>${mapRows('purchases', 'Source tax code', Object.entries(s.taxMappings.purchases), tax('purchases'))}</div></div>`,
  );
}

type Names = Map<string, XeroContactSummary>;

export function contactsSection(ctx: PageContext, s: OrgSettings, linked: ContactLink[], names: Names, web: XeroWeb | null): Html {
  const idInput =
    (kind: 'customer' | 'supplier') =>
    (name: string, value: string, label: string) => html`<input name="${name}" value="${value}" aria-label="${label}" placeholder="Xero contact URL or ContactID" class="mono">
${value ? html`<span class="small contact-name">${contactName(web, kind, names.get(value.toLowerCase()), value)}</span>` : ''}`;
  const pick = (kind: 'customer' | 'supplier', entries: Array<[string, string]>) => html`${mapRows(kind, kind === 'customer' ? 'Customer code' : 'Supplier code', entries, idInput(kind))}
${entries.length ? html`<p class="small">${entries.slice(0, 20).map(([k]) => html`<a href="${pickerHref(kind, k)}">Choose the Xero contact for ${k}</a> `)}</p>` : ''}`;
  const found =
    linked.length === 0
      ? ''
      : html`<h3>Links made by exports</h3><div class="table-wrap"><table class="grid" id="export-links"><thead><tr><th scope="col">Kind</th><th scope="col">Code</th><th scope="col">Xero contact</th><th scope="col">State</th><th scope="col"><span class="sr-only">Action</span></th></tr></thead>
<tbody>${linked.slice(0, 200).map(
          (
            l,
          ) => html`<tr><td data-label="Kind">${l.contactKind === 'supplier' ? 'Supplier' : 'Customer'}</td><td data-label="Code">${l.sourceId}</td><td data-label="Xero contact">${contactName(web, l.contactKind, names.get(l.xeroContactId.toLowerCase()), l.xeroContactId)}</td>
<td data-label="State">${l.archived ? html`<span class="badge badge-failed">archived in Xero</span>` : 'linked'}</td><td data-label="">${ctx.canEdit ? html`<a class="btn btn-small" href="${pickerHref(l.contactKind, l.sourceId)}">Change</a>` : ''}</td></tr>`,
        )}</tbody></table></div>`;
  return section(
    ctx,
    'contacts',
    'Contact links',
    html`Link a source customer or supplier to an existing Xero contact (for example after contacts were merged in Xero): <a href="/settings/contacts/pick">search Xero's contacts by name, email or account number</a>, or paste the contact's URL from Xero below. A link here wins over the one found by exporting.`,
    html`<div class="two-col"><div><h3>Customers</h3>${pick('customer', Object.entries(s.contactLinks.customer))}</div>
<div><h3>Suppliers</h3>${pick('supplier', Object.entries(s.contactLinks.supplier))}</div></div>${found}`,
  );
}

function statusChoice(kind: DocumentKind, s: OrgSettings): Html {
  const { plural, xeroStatuses } = KINDS[kind];
  const current = (s.xeroStatus as Record<string, string>)[kind] ?? '';
  return html`<label>${plural} ${selectOf(
    `status_${kind}`,
    current,
    xeroStatuses.map((v): [string, string] => [v, XERO_STATUS_WORDS[v] ?? v]),
    plural,
  )}</label>`;
}

function selectOf(name: string, current: string, choices: Array<[string, string]>, label: string): Html {
  return html`<select name="${name}" aria-label="${label}">${choices.map(([v, l]) => option(v, l, v === current))}</select>`;
}

export function optionsSection(ctx: PageContext, s: OrgSettings, ref: CachedReference): Html {
  const cats = ref.trackingCategories.filter((c) => c.Status === 'ACTIVE');
  const tracking = [0, 1].map((i) => {
    const t = s.tracking[i];
    const xero = cats.length
      ? selectOf('tracking_value', t?.xeroCategory ?? '', [['', '—'], ...cats.map((c): [string, string] => [c.Name, c.Name])], `Xero tracking category ${i + 1}`)
      : html`<input name="tracking_value" value="${t?.xeroCategory ?? ''}" aria-label="Xero tracking category ${i + 1}">`;
    return html`<div class="form-grid"><label>Source category ${i + 1} <input name="tracking_key" value="${t?.sourceCategory ?? ''}"></label><label>Xero category ${i + 1} ${xero}</label></div>`;
  });
  return section(
    ctx,
    'options',
    'Export options',
    'How documents are created in Xero, and what happens with lock dates and tiny amounts.',
    html`
<label class="check"><input type="checkbox" name="sendCustomerCodeAsAccountNumber" value="1" ${s.sendCustomerCodeAsAccountNumber ? html`checked` : ''}> Send the customer code as the Xero account number
<span class="muted small">(turn off when Xero says "Account Number already exists")</span></label>
<h3>Status in Xero</h3><div class="form-grid">${KINDS_WITH_STATUS.map((k) => statusChoice(k, s))}</div>
<h3>Policies</h3><div class="form-grid">
<label>Document dated in a locked period ${selectOf(
      'lockDatePolicy',
      s.lockDatePolicy,
      [
        ['fail', 'Fail it and say why'],
        ['move_to_first_open_day', 'Move it to the first open day'],
        ['hold', 'Hold it until the lock date moves'],
      ],
      'Lock-date policy',
    )}</label>
<label>Lines under 0.005 ${selectOf(
      'roundingPolicy',
      s.roundingPolicy,
      [
        ['drop_zero_lines', 'Drop zero-value lines (logged)'],
        ['fail', 'Fail with a clear reason'],
      ],
      'Rounding policy',
    )}</label>
<label>Unit price decimals ${selectOf(
      'unitDecimalPlaces',
      String(s.unitDecimalPlaces),
      [
        ['4', '4'],
        ['2', '2'],
      ],
      'Unit price decimals',
    )}</label></div>
<h3>Tracking categories (up to two)</h3>${tracking}`,
  );
}
