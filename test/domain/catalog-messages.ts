/** Messages Xero sends, with the catalog code each must get (shared by the catalog's tests). */
import type { CatalogCode } from '../../src/domain/catalog.ts';

// The seed's error table, row by row: its message → xport's code, class, and an action that names the fix.
export const SEED_ROWS: Array<[string, CatalogCode, string, RegExp]> = [
  ['The document date cannot be before the period lock date, currently set at 31-Oct-2026', 'period_lock_date', 'validation', /lock-date policy/],
  ['The document date cannot be before the end of year lock date, currently set at 31-Mar-2026', 'end_of_year_lock_date', 'validation', /lock-date policy/],
  ["Account code '999' is not a valid code for this document.", 'account_code_invalid', 'validation', /Settings → Account mappings/],
  ['Account code or ID must be specified', 'account_code_missing', 'validation', /Settings → Account mappings/],
  ['Account must be valid, Tax Rate must be valid', 'zero_value_line', 'validation', /rounding policy/],
  ['The Account Number already exists. Please enter a different Account Number.', 'contact_account_number_exists', 'conflict', /Send customer code as Xero account number/],
  [
    'Export of SO-1 to Xero Invoices API failed - Details: [TaxCode G.S.T.] is not mapped to an accounting tax.',
    'tax_code_unmapped',
    'validation',
    /Settings → Tax mappings in xport and map tax code G\.S\.T\./,
  ],
  ['Export of CUST-1 to Xero Contacts API failed - Details: Xero validation error:', 'contact_tax_number_invalid', 'validation', /GST\/VAT number/],
  [
    'The specified contact details matched an archived contact. Archived contacts cannot currently be edited via the API',
    'contact_archived',
    'conflict',
    /restore it in Xero.*link this customer or supplier/,
  ],
  ['API failed - Details: * Email address must be valid.', 'email_invalid', 'validation', /exactly one address, no commas, spaces/],
  [
    'The contact name Acme Ltd is already assigned to another contact. The contact name must be unique across all active contacts',
    'contact_name_exists',
    'conflict',
    /link this customer or supplier to the existing Xero contact "Acme Ltd"/,
  ],
];

// Xero's exact strings (docs/xero.md#validation-messages).
export const SECTION_2_5: Array<[string, CatalogCode]> = [
  ['The document date cannot be before the period lock date, currently set at 30-Nov-2018', 'period_lock_date'],
  ['The document date cannot be before the end of year lock date, currently set at 30-Nov-2018', 'end_of_year_lock_date'],
  ["Account code '999' is not a valid code for this document.", 'account_code_invalid'],
  ["Account code '200' has been archived, or has been deleted. Each line item must reference a valid account.", 'account_code_archived'],
  ["Account code '476' has been removed as it does not match a recognised account.", 'account_code_removed'],
  ['Account code or ID must be specified', 'account_code_missing'],
  ['Account must be valid.', 'zero_value_line'],
  ['Tax rate must be valid.', 'zero_value_line'],
  ["The TaxType code 'OUTPUT' cannot be used with account code '200'.", 'tax_type_not_allowed_for_account'],
  ['The TaxType code OUTPUT9 does not exist or cannot be used for this type of transaction.', 'tax_type_unknown'],
  ['TaxType field is mandatory', 'tax_type_missing'],
  ['The Account Number already exists. Please enter a different Account Number.', 'contact_account_number_exists'],
  ['The contact number C-9 is already assigned to another contact. The contact number must be unique across all contacts.', 'contact_number_exists'],
  ['Another contact has this contact number. Please enter a different contact number.', 'contact_number_exists'],
  ['The contact with the specified contact details has been archived. The contact must be un-archived before creating new invoices or credit notes.', 'contact_archived'],
  ['Email address must be valid.', 'email_invalid'],
  ['Email address must be valid', 'email_invalid'],
  ['The contact name Buzz Lightyear is already assigned to another contact. The contact name must be unique across all active contacts.', 'contact_name_exists'],
  ['The Contact must contain at least 1 of the following elements to identify the contact: Name, ContactID, ContactNumber', 'contact_not_identifiable'],
  ['Please enter a unique Name.', 'name_not_unique'],
  ['Invoice not of valid status for modification', 'document_not_modifiable'],
  ['Document not of valid status for modification', 'document_not_modifiable'],
  ['Invoice not of valid status for creation', 'invalid_status_for_creation'],
  ['This document cannot be edited as it has a payment or credit note allocated to it.', 'document_has_allocation'],
  ['Invoice # must be unique.', 'invoice_number_not_unique'],
  ['One or more line items must be specified', 'line_items_missing'],
  ['A Contact must be specified for this type of transaction', 'contact_missing'],
  ['The total debits (100.00) must equal total credits (-10.00)', 'journal_unbalanced'],
  ['Organisation is not subscribed to currency EUR', 'currency_not_enabled'],
  ["The quantity value '-2.0000' is invalid. Quantity must not be less than zero.", 'quantity_negative'],
  ['You have reached the limit of invoices you can approve', 'plan_invoice_limit'],
];
