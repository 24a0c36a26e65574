/**
 * Xero's validation messages, verbatim (docs/xero.md#validation-messages). Messages marked "sandbox's own" have no known
 * Xero wording; docs/sandbox.md lists them.
 */
import { dayForMessage } from '../format/dates';

export const MSG = {
  periodLock: (day: string) => `The document date cannot be before the period lock date, currently set at ${dayForMessage(day)}`,
  endOfYearLock: (day: string) => `The document date cannot be before the end of year lock date, currently set at ${dayForMessage(day)}`,
  accountUnknown: (code: string) => `Account code '${code}' is not a valid code for this document.`,
  /** A warning, not an error: a draft manual journal keeps the line without its unknown account (spec example). */
  accountRemoved: (code: string) => `Account code '${code}' has been removed as it does not match a recognised account.`,
  accountArchived: (code: string) => `Account code '${code}' has been archived, or has been deleted. Each line item must reference a valid account.`,
  accountMissing: 'Account code or ID must be specified',
  accountInvalid: 'Account must be valid.',
  taxRateInvalid: 'Tax rate must be valid.',
  taxNotForAccount: (tax: string, code: string) => `The TaxType code '${tax}' cannot be used with account code '${code}'.`,
  taxUnknown: (tax: string) => `The TaxType code ${tax} does not exist or cannot be used for this type of transaction.`,
  accountNumberTaken: 'The Account Number already exists. Please enter a different Account Number.',
  contactNumberTaken: (n: string) => `The contact number ${n} is already assigned to another contact. The contact number must be unique across all contacts.`,
  contactArchived: 'The contact with the specified contact details has been archived. The contact must be un-archived before creating new invoices or credit notes.',
  archivedContactEdit: 'The specified contact details matched an archived contact. Archived contacts cannot currently be edited via the API',
  emailInvalid: 'Email address must be valid.',
  contactNameTaken: (name: string) => `The contact name ${name} is already assigned to another contact. The contact name must be unique across all active contacts.`,
  contactNotIdentifiable: 'The Contact must contain at least 1 of the following elements to identify the contact: Name, ContactID, ContactNumber',
  uniqueName: 'Please enter a unique Name.',
  invoiceNotModifiable: 'Invoice not of valid status for modification',
  documentNotModifiable: 'Document not of valid status for modification',
  invoiceNotCreatable: 'Invoice not of valid status for creation',
  hasPayments: 'This document cannot be edited as it has a payment or credit note allocated to it.',
  invoiceNumberTaken: 'Invoice # must be unique.',
  noLines: 'One or more line items must be specified',
  noContact: 'A Contact must be specified for this type of transaction',
  journalUnbalanced: (debits: string, credits: string) => `The total debits (${debits}) must equal total credits (${credits})`,
  currencyNotSubscribed: (code: string) => `Organisation is not subscribed to currency ${code}`,
  negativeQuantity: (q: string) => `The quantity value '${q}' is invalid. Quantity must not be less than zero.`,
  idempotencyMismatch: (key: string) => `Idempotency Key: ${key} is used with a different request.`,
  // The sandbox's own wording (no Xero text is known):
  taxNumberInvalid: (n: string, label: string, format: string) => `Tax number '${n}' is not a valid ${label} (expected ${format}).`,
  contactNotFound: (id: string) => `The contact with ContactID ${id} could not be found.`,
  idempotencyTooLong: 'Idempotency Key must be 128 characters or fewer.',
  journalNarration: 'Narration is required.',
  journalLines: 'Journal must have at least two journal lines.',
  documentType: (t: string) => `The document type '${t}' is not valid.`,
  dateInvalid: 'The date is not valid.',
  numberInvalid: (field: string, v: string) => `The value '${v}' of ${field} is not a valid number.`,
  accountCodeTaken: 'Please enter a unique Code.',
  trackingUnknown: (name: string, option: string) => `Tracking option '${option}' of category '${name}' does not exist.`,
} as const;
