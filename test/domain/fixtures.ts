/** Reference data of a small New Zealand demo organisation, and document builders, for domain tests. */
import { parseDocumentsRequest, type SourceDocument } from '../../src/domain/documents.ts';
import type { ReferenceData, XeroAccount, XeroTaxRate } from '../../src/domain/types.ts';

function account(Code: string, Name: string, Class: XeroAccount['Class'], Type: string, TaxType: string, extra: Partial<XeroAccount> = {}): XeroAccount {
  return { AccountID: `acc-${Code}`, Code, Name, Class, Type, TaxType, Status: 'ACTIVE', ...extra };
}

function rate(TaxType: string, Name: string, EffectiveRate: number, sales: boolean, purchases: boolean): XeroTaxRate {
  return {
    TaxType,
    Name,
    Status: 'ACTIVE',
    EffectiveRate,
    DisplayTaxRate: EffectiveRate,
    CanApplyToRevenue: sales,
    CanApplyToExpenses: purchases,
    CanApplyToAssets: true,
    CanApplyToLiabilities: true,
    CanApplyToEquity: true,
  };
}

export function demoReference(overrides: Partial<ReferenceData['organisation']> = {}): ReferenceData {
  return {
    accounts: [
      account('200', 'Sales', 'REVENUE', 'REVENUE', 'OUTPUT2'),
      account('201', 'Sales - Wholesale', 'REVENUE', 'REVENUE', 'OUTPUT2'),
      account('260', 'Other Revenue', 'REVENUE', 'REVENUE', 'OUTPUT2', { Status: 'ARCHIVED' }),
      account('300', 'Purchases', 'EXPENSE', 'DIRECTCOSTS', 'INPUT2'),
      account('310', 'Cost of Goods Sold', 'EXPENSE', 'DIRECTCOSTS', 'INPUT2'),
      account('425', 'Freight & Courier', 'EXPENSE', 'EXPENSE', 'INPUT2'),
      account('630', 'Inventory', 'ASSET', 'INVENTORY', 'NONE'),
      account('860', 'Rounding', 'EXPENSE', 'EXPENSE', 'NONE', { SystemAccount: 'ROUNDING' }),
    ],
    taxRates: [
      rate('OUTPUT2', 'GST on Income', 15, true, false),
      rate('INPUT2', 'GST on Expenses', 15, false, true),
      rate('NONE', 'No GST', 0, true, true),
      rate('ZERORATED', 'Zero Rated', 0, true, true),
      rate('EXEMPTOUTPUT', 'Exempt Sales', 0, true, false),
      rate('EXEMPTINPUT', 'Exempt Purchases', 0, false, true),
    ],
    organisation: { Name: 'Demo Company (NZ)', CountryCode: 'NZ', BaseCurrency: 'NZD', ...overrides },
    trackingCategories: [
      {
        TrackingCategoryID: 'tc-1',
        Name: 'Region',
        Status: 'ACTIVE',
        Options: [
          { TrackingOptionID: 'o1', Name: 'North', Status: 'ACTIVE' },
          { TrackingOptionID: 'o2', Name: 'South', Status: 'ACTIVE' },
        ],
      },
    ],
    currencies: [{ Code: 'NZD' }, { Code: 'AUD' }],
  };
}

/** Parses a document (input shape) or throws with its issues, so tests work with normalised documents. */
export function doc(input: Record<string, unknown>): SourceDocument {
  const r = parseDocumentsRequest(input);
  if (!r.ok) throw new Error(`fixture is invalid: ${r.issues.map((i) => i.message).join('; ')}`);
  const [d] = r.documents;
  if (!d) throw new Error('no document');
  return d;
}

export function salesInvoice(lines: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}): SourceDocument {
  return doc({ kind: 'sales_invoice', sourceId: 'SO-1', date: '2026-11-20', contact: 'CUST-001', lines, ...extra });
}

export function journal(lines: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}): SourceDocument {
  return doc({ kind: 'journal', sourceId: 'SA-1', journalType: 'stock_adjustment_in', date: '2026-11-20', lines, ...extra });
}
