/**
 * The sandbox's in-memory model of a Xero organisation.
 *
 * Glossary:
 * - tenant: one Xero organisation; its id is the `xero-tenant-id` header value.
 * - document: an invoice (ACCREC sale / ACCPAY bill) or a credit note; both carry line items.
 * - record: what the sandbox stores; it is rendered to Xero's JSON (PascalCase, MS-JSON dates) on the way out.
 * Money is kept as decimal strings so that nothing is lost to binary floating point between requests.
 */
export type Dict = Record<string, unknown>;

export type AccountClass = 'ASSET' | 'EQUITY' | 'EXPENSE' | 'LIABILITY' | 'REVENUE';

export interface AccountRec {
  AccountID: string;
  Code: string;
  Name: string;
  Type: string;
  Class: AccountClass;
  Status: 'ACTIVE' | 'ARCHIVED' | 'DELETED';
  TaxType: string;
  Description?: string;
  SystemAccount?: string;
  BankAccountNumber?: string;
  BankAccountType?: string;
  CurrencyCode?: string;
  EnablePaymentsToAccount: boolean;
  ShowInExpenseClaims: boolean;
  ReportingCode?: string;
  UpdatedDateUTC: number;
}

export interface TaxRateRec {
  Name: string;
  TaxType: string;
  ReportTaxType: string;
  /** Percent, e.g. "15". */
  Rate: string;
  Status: 'ACTIVE' | 'DELETED' | 'ARCHIVED';
  CanApplyToAssets: boolean;
  CanApplyToEquity: boolean;
  CanApplyToExpenses: boolean;
  CanApplyToLiabilities: boolean;
  CanApplyToRevenue: boolean;
}

export interface TrackingOptionRec {
  TrackingOptionID: string;
  Name: string;
  Status: 'ACTIVE' | 'ARCHIVED';
}
export interface TrackingCategoryRec {
  TrackingCategoryID: string;
  Name: string;
  Status: 'ACTIVE' | 'ARCHIVED';
  Options: TrackingOptionRec[];
}
export interface TrackingRef {
  TrackingCategoryID: string;
  TrackingOptionID: string;
  Name: string;
  Option: string;
}

export interface ContactRec {
  ContactID: string;
  Name: string;
  ContactStatus: 'ACTIVE' | 'ARCHIVED';
  ContactNumber?: string;
  AccountNumber?: string;
  EmailAddress?: string;
  TaxNumber?: string;
  IsCustomer: boolean;
  IsSupplier: boolean;
  /** Everything else the client sent (FirstName, Addresses, Phones…), echoed back as given. */
  extra: Dict;
  UpdatedDateUTC: number;
}

export interface LineRec {
  LineItemID: string;
  Description?: string;
  Quantity: string;
  UnitAmount: string;
  ItemCode?: string;
  AccountCode?: string;
  AccountID?: string;
  TaxType?: string;
  TaxAmount: string;
  LineAmount: string;
  DiscountRate?: string;
  DiscountAmount?: string;
  Tracking: TrackingRef[];
}

export type DocKind = 'invoice' | 'creditnote';
export type DocStatus = 'DRAFT' | 'SUBMITTED' | 'AUTHORISED' | 'PAID' | 'VOIDED' | 'DELETED';
export type LineAmountTypes = 'Exclusive' | 'Inclusive' | 'NoTax';

/**
 * A payment against one invoice, bill or credit note. The document's `Payments` list holds the live
 * (AUTHORISED) ones; OrgState.payments keeps every payment, deleted ones included, for GET /Payments.
 */
export interface PaymentRec {
  PaymentID: string;
  Date: string;
  Amount: string;
  AccountCode: string;
  AccountID: string;
  Reference?: string;
  CurrencyRate: string;
  IsReconciled: boolean;
  Status: 'AUTHORISED' | 'DELETED';
  /** The paid document: its kind and id. */
  docKind: DocKind;
  docId: string;
  UpdatedDateUTC: number;
  createdBy: string;
}

export interface DocRec {
  kind: DocKind;
  ID: string;
  Type: string;
  Number?: string;
  Reference?: string;
  ContactID: string;
  Date: string;
  DueDate?: string;
  Status: DocStatus;
  LineAmountTypes: LineAmountTypes;
  Lines: LineRec[];
  SubTotal: string;
  TotalTax: string;
  Total: string;
  TotalDiscount: string;
  CurrencyCode: string;
  CurrencyRate: string;
  AmountPaid: string;
  AmountCredited: string;
  Payments: PaymentRec[];
  SentToContact: boolean;
  ExpectedPaymentDate?: string;
  BrandingThemeID?: string;
  Url?: string;
  FullyPaidOnDate?: string;
  UpdatedDateUTC: number;
  /** The app that created it (GET ?createdByMyApp=true). */
  createdBy: string;
}

export type JournalStatus = 'DRAFT' | 'POSTED' | 'DELETED' | 'VOIDED' | 'ARCHIVED';

export interface JournalLineRec {
  LineAmount: string;
  AccountCode: string;
  AccountID: string;
  Description?: string;
  TaxType?: string;
  TaxAmount: string;
  Tracking: TrackingRef[];
}

export interface JournalRec {
  ManualJournalID: string;
  Narration: string;
  Date: string;
  Status: JournalStatus;
  LineAmountTypes: LineAmountTypes;
  Lines: JournalLineRec[];
  ShowOnCashBasisReports: boolean;
  Url?: string;
  UpdatedDateUTC: number;
  createdBy: string;
}

export interface CurrencyRec {
  Code: string;
  Description: string;
}

export interface OrgState {
  tenantId: string;
  /** Organisation fields in Xero's PascalCase; lock dates are "YYYY-MM-DD" or null. PATCHable. */
  organisation: Dict;
  accounts: AccountRec[];
  taxRates: TaxRateRec[];
  tracking: TrackingCategoryRec[];
  currencies: CurrencyRec[];
  contacts: Map<string, ContactRec>;
  invoices: Map<string, DocRec>;
  creditNotes: Map<string, DocRec>;
  journals: Map<string, JournalRec>;
  payments: Map<string, PaymentRec>;
  counters: { invoice: number; creditNote: number };
  /** Lower-case invoice number → invoice ids: keeps number checks O(1) for large batches. */
  invoiceNumbers: Map<string, Set<string>>;
}
