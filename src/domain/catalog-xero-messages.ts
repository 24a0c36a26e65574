/**
 * Catalog entries for Xero's validation messages (docs/xero.md#validation-messages) and the seed's error table. The regexes
 * use Xero's exact strings with the variable parts captured. Where xport can detect the same failure
 * before sending, the entry is also a pre-validation (`prevalidation: true`, with a `template`), so a
 * failure has one code whether xport or Xero found it.
 */
import type { CatalogEntry } from './catalog-types.ts';

const RETRY = 'then press Export on this row (or Export All)';

export const XERO_MESSAGE_ENTRIES = [
  {
    code: 'period_lock_date',
    class: 'validation',
    match: {
      messages: [/The document date cannot be before the period lock date, currently set at (?<lockDate>[^\s.,]+(?: [^\s.,]+)*?)(?:\.|,|\s+The document|$)/],
      prevalidation: true,
      trigger: 'The document date cannot be before the period lock date, currently set at 30-Nov-2018',
    },
    title: 'Document date is in a locked period',
    cause: 'The document is dated on or before the period lock date set in Xero ({lockDate}), so Xero will not accept it.',
    action: `Either ask your adviser to move the period lock date in Xero (Settings → Advanced → Financial settings), or in xport open Settings → Options and choose a lock-date policy of "Move to the first open day" or "Hold until the lock moves"; ${RETRY}.`,
    template: 'The document date {date} is on or before the period lock date {lockDate} set in Xero.',
  },
  {
    code: 'end_of_year_lock_date',
    class: 'validation',
    match: {
      messages: [/The document date cannot be before the end of year lock date, currently set at (?<lockDate>[^\s.,]+(?: [^\s.,]+)*?)(?:\.|,|\s+The document|$)/],
      prevalidation: true,
      trigger: 'The document date cannot be before the end of year lock date, currently set at 30-Nov-2018',
    },
    title: 'Document date is before the end-of-year lock date',
    cause: 'The document is dated on or before the end-of-year lock date set in Xero ({lockDate}); only an adviser can post into that period.',
    action: `Ask your adviser to move the end-of-year lock date in Xero (Settings → Advanced → Financial settings), or in xport open Settings → Options and choose a lock-date policy of "Move to the first open day" or "Hold until the lock moves"; ${RETRY}.`,
    template: 'The document date {date} is on or before the end of year lock date {lockDate} set in Xero.',
  },
  {
    code: 'account_code_invalid',
    class: 'validation',
    match: { messages: [/Account code '(?<code>[^']*)' is not a valid code for this document/i], prevalidation: true, trigger: "Account code '999' is not a valid code for this document." },
    title: 'Account code does not exist in Xero',
    cause: "Account code '{code}' is not in Xero's chart of accounts (it was deleted, or never existed), or cannot be used on this kind of document.",
    action: `Open Settings → Account mappings in xport and map the role that uses '{code}' to an active Xero account (or correct the account code on the source document and send a new revision); ${RETRY}. No support call needed.`,
    template: "Account code '{code}' ({source}) does not exist in Xero's chart of accounts.",
  },
  {
    code: 'line_account_code_invalid',
    class: 'validation',
    match: { messages: [], prevalidation: true, trigger: "a line names account code '999' itself, and Xero has no such account" },
    title: 'A line names an account code Xero does not have',
    cause: "The source document's {source} names account code '{code}' itself (not a role such as 'sales'), and Xero's chart of accounts has no active account '{code}'.",
    action: `Either map account code '{code}' to a Xero account in Settings → Account mappings → Account codes named on lines, or send a new revision of the document whose line names a valid account code (or a role such as 'sales'); ${RETRY}.`,
    template: "Account code '{code}' ({source}) is named on the line itself and does not exist in Xero's chart of accounts.",
  },
  {
    code: 'account_code_archived',
    class: 'validation',
    match: {
      messages: [/Account code '(?<code>[^']*)' has been archived, or has been deleted/i],
      prevalidation: true,
      trigger: "Account code '200' has been archived, or has been deleted. Each line item must reference a valid account.",
    },
    title: 'Account is archived in Xero',
    cause: "Account code '{code}' has been archived or deleted in Xero, so lines can no longer be posted to it.",
    action: `Restore the account in Xero (Accounting → Chart of accounts → Archive tab → Restore), or open Settings → Account mappings in xport and map the role that uses '{code}' to an active account; then press Refresh reference data and Export on this row.`,
    template: "Account code '{code}' ({source}) is archived in Xero.",
  },
  {
    code: 'account_code_removed',
    class: 'validation',
    match: {
      messages: [/Account code '(?<code>[^']*)' has been removed as it does not match a recognised account/i],
      trigger: "Account code '476' has been removed as it does not match a recognised account.",
    },
    title: 'Xero dropped an unknown account code',
    cause: "Xero removed account code '{code}' from a journal line because no account has that code.",
    action: `Open Settings → Account mappings in xport and map the role that uses '{code}' to an existing Xero account; ${RETRY}.`,
  },
  {
    code: 'account_code_missing',
    class: 'validation',
    match: { messages: [/(?:The )?account code or ID must be specified/i], trigger: 'Account code or ID must be specified' },
    title: 'A line has no account',
    cause: 'A line reached Xero without an account code, usually because an account mapping is empty or points at an account that no longer exists.',
    action: `Open Settings → Account mappings in xport and make sure every role (Sales, Cost of goods sold, Stock on hand, Purchases, Freight, Rounding) is mapped to an active account; ${RETRY}.`,
  },
  {
    code: 'zero_value_line',
    class: 'validation',
    generic: true,
    match: { messages: [/Account must be valid/i, /Tax rate must be valid/i], prevalidation: true, trigger: 'Account must be valid, Tax Rate must be valid' },
    title: 'Line or journal worth less than 0.005',
    cause:
      'A line, or a whole journal, is worth less than 0.005; Xero rounds it to 0.00 and rejects it as "Account must be valid, Tax Rate must be valid". Xero also sends this message when an account and a tax rate do not go together.',
    action: `Open Settings → Options in xport and set the rounding policy to "Drop zero-value lines" (xport then leaves such lines out and notes it in the Connection Log), or correct the value at the source; if no line is below 0.005, check the line's account and tax mapping in Settings. Then press Export on this row. A journal with nothing left to post can be skipped.`,
    template: '{what} is worth {value}, less than 0.005: Xero would round it to 0.00 and reject it ("Account must be valid, Tax Rate must be valid").',
  },
  {
    code: 'nothing_to_export',
    class: 'validation',
    match: { prevalidation: true, trigger: 'every line is worth less than 0.005' },
    title: 'Nothing left to export',
    cause: 'Every line of this document is worth less than 0.005, so after dropping zero-value lines nothing is left for Xero.',
    action: 'Press Skip on this row: the document has no accounting effect. If it should have a value, correct it at the source and send a new revision.',
    template: 'Every line of this document is worth less than 0.005; nothing is left to export.',
  },
  {
    code: 'tax_type_not_allowed_for_account',
    class: 'validation',
    match: {
      messages: [/The TaxType code '(?<taxType>[^']*)' cannot be used with account code '(?<code>[^']*)'/i],
      prevalidation: true,
      trigger: "The TaxType code 'OUTPUT' cannot be used with account code '200'.",
    },
    title: 'Tax rate not allowed on this account',
    cause: "Xero does not allow tax rate {taxType} on account '{code}' (for example a sales tax rate on an expense account).",
    action: `Open Settings → Tax mappings in xport and map the tax code to a rate that applies to this account, or map the account role to a different account in Settings → Account mappings; ${RETRY}.`,
    template: "Tax rate {taxType} cannot be used on account '{code}' ({accountClass} account) on {source}.",
  },
  {
    code: 'tax_type_unknown',
    class: 'validation',
    match: {
      messages: [/The TaxType code '?(?<taxType>[^'\s]+)'? does not exist or cannot be used for this type of transaction/i],
      prevalidation: true,
      trigger: 'The TaxType code <CODE> does not exist or cannot be used for this type of transaction.',
    },
    title: 'Tax rate does not exist in Xero',
    cause: 'Tax rate {taxType} does not exist in this Xero organisation, has been deleted, or is for the other direction (sales vs purchases).',
    action: `Open Settings → Tax mappings in xport and map the tax code to one of the organisation's active tax rates (refresh reference data first if you just created it in Xero); ${RETRY}.`,
    template: 'Tax rate {taxType} (mapped from tax code {taxCode}) is not an active tax rate in this Xero organisation.',
  },
  {
    code: 'tax_type_missing',
    class: 'validation',
    match: { messages: [/TaxType field is mandatory/i], trigger: 'TaxType field is mandatory' },
    title: 'A line has no tax rate',
    cause: 'A line reached Xero without a tax rate and its account has no default tax rate.',
    action: `Give the line a tax code at the source, or set a default tax rate on the account in Xero; check Settings → Tax mappings in xport; ${RETRY}.`,
  },
  {
    code: 'tax_code_unmapped',
    class: 'validation',
    match: { messages: [/\[TaxCode (?<taxCode>[^\]]+)\] is not mapped to an accounting tax/i], prevalidation: true, trigger: '[TaxCode XXX] is not mapped to an accounting tax.' },
    title: 'Tax code not mapped to a Xero tax rate',
    cause: 'Tax code {taxCode} of the source system has no Xero tax rate for {direction}. Xero tax rates are either sales or purchase rates, so each source tax code needs a mapping per direction.',
    action: `Open Settings → Tax mappings in xport and map tax code {taxCode} in the {direction} column to a Xero tax rate; ${RETRY}. No support call needed.`,
    template: 'Tax code {taxCode} is not mapped to a Xero tax rate for {direction}.',
  },
] as const satisfies readonly CatalogEntry[];
