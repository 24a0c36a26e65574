/**
 * Core types of xport's export domain.
 *
 * Glossary
 * - **document**: a source document posted by the inventory system (customer, supplier, sales invoice,
 *   sales credit, purchase bill, supplier credit, journal), identified by `kind` + `sourceId` + `revision`.
 * - **export**: the job of carrying one document revision into Xero; it has a status (see `ExportStatus`)
 *   and ends exported, failed (with an error and an *Action Required*) or skipped.
 * - **attempt**: one try of an export, i.e. one Xero call it took part in, with its own idempotency key.
 * - **batch**: up to 50 exports of one tenant and one endpoint sent in a single Xero call
 *   (`summarizeErrors=false`, under 3.5 MB), each element's outcome applied on its own.
 * - **tenant**: one connected Xero organisation; it has its own queue, limits, settings and reference data.
 * - **mapping**: a setting that turns a source value into a Xero one: account role → account code,
 *   source tax code → Xero TaxType (per direction), source contact → Xero ContactID, tracking category.
 * - **catalog entry**: one row of the error catalog: a stable code, a class, how to recognise the failure
 *   (HTTP status, message pattern, header), its cause and the action a bookkeeper takes.
 * - **reference data**: the tenant's Xero data cached by xport: accounts, tax rates, organisation (lock
 *   dates, country, base currency), tracking categories, currencies.
 * - **pre-validation**: checks against settings and reference data before a document is sent, so known-bad
 *   documents fail fast without spending an API call.
 * - **pause**: a tenant-wide stop of exporting (rate limit, outage, lost connection) that ends by itself
 *   at a known time or when the connection is restored; paused exports stay queued, never failed.
 * - **waiting**: an export that cannot go yet: its contact is not exported, a lock date holds it, or its
 *   tenant is paused. The reason says which.
 */

export type DocumentKind = 'customer' | 'supplier' | 'sales_invoice' | 'sales_credit' | 'purchase_bill' | 'supplier_credit' | 'journal';

export type JournalType = 'shipment_cogs' | 'stock_adjustment_in' | 'stock_adjustment_out' | 'recost' | 'assembly';

/** Tax direction: which side of the tax mapping a document uses. */
export type Direction = 'sales' | 'purchases';

/** How a failure is handled: retried, paused on, or shown to the user. */
export type ErrorClass = 'transient' | 'rate_limited' | 'auth' | 'validation' | 'conflict';

export type ExportStatus = 'queued' | 'waiting' | 'exporting' | 'exported' | 'failed' | 'skipped';

export type XeroEndpoint = 'Contacts' | 'Invoices' | 'CreditNotes' | 'ManualJournals';

export type AccountClass = 'ASSET' | 'EQUITY' | 'EXPENSE' | 'LIABILITY' | 'REVENUE';

export interface XeroAccount {
  AccountID: string;
  Code: string;
  Name: string;
  /** REVENUE, SALES, DIRECTCOSTS, CURRENT, INVENTORY, EXPENSE, … */
  Type: string;
  Status: 'ACTIVE' | 'ARCHIVED';
  TaxType: string;
  Class: AccountClass;
  /** e.g. ROUNDING, DEBTORS, CREDITORS. */
  SystemAccount?: string;
}

export interface XeroTaxRate {
  TaxType: string;
  Name: string;
  Status: 'ACTIVE' | 'DELETED' | 'ARCHIVED' | 'PENDING';
  /** Percent, e.g. 15 or "15.0000". */
  EffectiveRate: number | string;
  DisplayTaxRate?: number | string;
  CanApplyToRevenue: boolean;
  CanApplyToExpenses: boolean;
  CanApplyToLiabilities: boolean;
  CanApplyToAssets: boolean;
  CanApplyToEquity: boolean;
}

export interface XeroOrganisation {
  Name: string;
  /** ISO 3166 alpha-2, e.g. NZ, AU, GB. */
  CountryCode: string;
  BaseCurrency: string;
  /** What Xero's deep links select the organisation by (e.g. "!xkcD"); src/domain/xero-links.ts. */
  ShortCode?: string;
  /** YYYY-MM-DD */
  PeriodLockDate?: string;
  /** YYYY-MM-DD */
  EndOfYearLockDate?: string;
}

export interface XeroTrackingOption {
  TrackingOptionID: string;
  Name: string;
  Status: 'ACTIVE' | 'ARCHIVED';
}

export interface XeroTrackingCategory {
  TrackingCategoryID: string;
  Name: string;
  Status: 'ACTIVE' | 'ARCHIVED';
  Options: XeroTrackingOption[];
}

export interface XeroCurrency {
  Code: string;
  Description?: string;
}

/** The tenant's cached Xero reference data (see glossary). */
export interface ReferenceData {
  accounts: XeroAccount[];
  taxRates: XeroTaxRate[];
  organisation: XeroOrganisation;
  trackingCategories: XeroTrackingCategory[];
  currencies: XeroCurrency[];
  /** ISO timestamp of the fetch. */
  fetchedAt?: string;
}
