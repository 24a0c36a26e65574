/**
 * The demo organisations every sandbox starts with (and returns to on POST /_sandbox/reset).
 * Tenant ids are fixed so that scripts and docs can name them.
 */
import { auTaxRates, chartOfAccounts, nzTaxRates, ukTaxRates, type AccountSeed } from './seed-charts';
import { stableId } from './ids';
import type { AccountRec, CurrencyRec, OrgState, TaxRateRec, TrackingCategoryRec } from './types';

export interface DemoOrgSpec {
  tenantId: string;
  name: string;
  country: 'NZ' | 'AU' | 'GB';
  version: 'NZ' | 'AU' | 'UK';
  currency: string;
  timezone: string;
  taxNumber: string;
  yearEndMonth: number;
  salesTax: string;
  purchaseTax: string;
  taxAccountName: string;
  taxRates: () => TaxRateRec[];
  currencies: CurrencyRec[];
}

const CURRENCY_NAMES: Record<string, string> = {
  NZD: 'New Zealand Dollar',
  AUD: 'Australian Dollar',
  USD: 'United States Dollar',
  GBP: 'British Pound',
  EUR: 'Euro',
};

const cur = (...codes: string[]): CurrencyRec[] => codes.map((Code) => ({ Code, Description: CURRENCY_NAMES[Code] ?? Code }));

export const DEMO_ORGS: readonly DemoOrgSpec[] = [
  {
    tenantId: '6c1d1a3e-2f4b-4c5d-9e8f-0a1b2c3d4e01',
    name: 'Demo Company (NZ)',
    country: 'NZ',
    version: 'NZ',
    currency: 'NZD',
    timezone: 'NEWZEALANDSTANDARDTIME',
    taxNumber: '101-112-113',
    yearEndMonth: 3,
    salesTax: 'OUTPUT2',
    purchaseTax: 'INPUT2',
    taxAccountName: 'GST',
    taxRates: nzTaxRates,
    currencies: cur('NZD', 'AUD', 'USD'),
  },
  {
    tenantId: '6c1d1a3e-2f4b-4c5d-9e8f-0a1b2c3d4e02',
    name: 'Demo Company (AU)',
    country: 'AU',
    version: 'AU',
    currency: 'AUD',
    timezone: 'AUSEASTERNSTANDARDTIME',
    taxNumber: '51 824 753 556',
    yearEndMonth: 6,
    salesTax: 'OUTPUT',
    purchaseTax: 'INPUT',
    taxAccountName: 'GST',
    taxRates: auTaxRates,
    currencies: cur('AUD', 'NZD', 'USD'),
  },
  {
    tenantId: '6c1d1a3e-2f4b-4c5d-9e8f-0a1b2c3d4e03',
    name: 'Demo Company (UK)',
    country: 'GB',
    version: 'UK',
    currency: 'GBP',
    timezone: 'GMTSTANDARDTIME',
    taxNumber: 'GB123456789',
    yearEndMonth: 3,
    salesTax: 'OUTPUT2',
    purchaseTax: 'INPUT2',
    taxAccountName: 'VAT',
    taxRates: ukTaxRates,
    currencies: cur('GBP', 'EUR', 'USD'),
  },
];

function account(tenantId: string, a: AccountSeed, at: number): AccountRec {
  return {
    AccountID: stableId(tenantId, 'account', a.code),
    Code: a.code,
    Name: a.name,
    Type: a.type,
    Class: a.cls,
    Status: a.status ?? 'ACTIVE',
    TaxType: a.tax,
    ...(a.system ? { SystemAccount: a.system } : {}),
    ...(a.bank ? { BankAccountNumber: a.bank, BankAccountType: 'BANK' } : {}),
    EnablePaymentsToAccount: false,
    ShowInExpenseClaims: a.cls === 'EXPENSE',
    UpdatedDateUTC: at,
  };
}

function tracking(tenantId: string): TrackingCategoryRec[] {
  const cat = (name: string, options: string[]): TrackingCategoryRec => ({
    TrackingCategoryID: stableId(tenantId, 'tracking', name),
    Name: name,
    Status: 'ACTIVE',
    Options: options.map((o) => ({ TrackingOptionID: stableId(tenantId, 'tracking', name, o), Name: o, Status: 'ACTIVE' })),
  });
  return [cat('Region', ['North', 'South', 'Central']), cat('Department', ['Sales', 'Operations'])];
}

function organisation(o: DemoOrgSpec, at: number): Record<string, unknown> {
  return {
    OrganisationID: o.tenantId,
    APIKey: '',
    Name: o.name,
    LegalName: o.name,
    PaysTax: true,
    Version: o.version,
    OrganisationType: 'COMPANY',
    BaseCurrency: o.currency,
    CountryCode: o.country,
    IsDemoCompany: true,
    OrganisationStatus: 'ACTIVE',
    TaxNumber: o.taxNumber,
    FinancialYearEndDay: o.yearEndMonth === 6 ? 30 : 31,
    FinancialYearEndMonth: o.yearEndMonth,
    SalesTaxBasis: 'ACCRUALS',
    SalesTaxPeriod: 'TWOMONTHS',
    DefaultSalesTax: 'Tax Exclusive',
    DefaultPurchasesTax: 'Tax Exclusive',
    PeriodLockDate: null,
    EndOfYearLockDate: null,
    CreatedDateUTC: at,
    Timezone: o.timezone,
    OrganisationEntityType: 'COMPANY',
    ShortCode: `!${o.country.toLowerCase()}dm0`,
    Class: 'DEMO',
    Edition: 'BUSINESS',
    LineOfBusiness: 'Wholesale trade',
    Addresses: [],
    Phones: [],
    ExternalLinks: [],
    PaymentTerms: {},
  };
}

/** A fresh copy of one demo organisation. `at` is the sandbox time used for UpdatedDateUTC. */
export function seedOrg(o: DemoOrgSpec, at: number): OrgState {
  return {
    tenantId: o.tenantId,
    organisation: organisation(o, at),
    accounts: chartOfAccounts(o.salesTax, o.purchaseTax, o.taxAccountName).map((a) => account(o.tenantId, a, at)),
    taxRates: o.taxRates(),
    tracking: tracking(o.tenantId),
    currencies: o.currencies.map((c) => ({ ...c })),
    contacts: new Map(),
    invoices: new Map(),
    creditNotes: new Map(),
    journals: new Map(),
    payments: new Map(),
    counters: { invoice: 0, creditNote: 0 },
    invoiceNumbers: new Map(),
  };
}
