/**
 * Charts of accounts and tax rates of the demo organisations, modelled on Xero's own demo companies.
 * Each organisation has an archived account '201' and '499' so that the archived-account rule can be tested.
 */
import type { AccountClass, TaxRateRec } from './types';

export interface AccountSeed {
  code: string;
  name: string;
  type: string;
  cls: AccountClass;
  tax: string;
  system?: string;
  status?: 'ARCHIVED';
  bank?: string;
}

export function chartOfAccounts(salesTax: string, purchaseTax: string, taxAccountName: string): AccountSeed[] {
  return [
    { code: '090', name: 'Business Bank Account', type: 'BANK', cls: 'ASSET', tax: 'NONE', bank: '12-3456-7890123-00' },
    { code: '091', name: 'Business Savings Account', type: 'BANK', cls: 'ASSET', tax: 'NONE', bank: '12-3456-7890123-01' },
    { code: '200', name: 'Sales', type: 'REVENUE', cls: 'REVENUE', tax: salesTax },
    { code: '201', name: 'Sales - Old Range', type: 'REVENUE', cls: 'REVENUE', tax: salesTax, status: 'ARCHIVED' },
    { code: '260', name: 'Other Revenue', type: 'REVENUE', cls: 'REVENUE', tax: salesTax },
    { code: '270', name: 'Interest Income', type: 'REVENUE', cls: 'REVENUE', tax: 'NONE' },
    { code: '300', name: 'Purchases', type: 'DIRECTCOSTS', cls: 'EXPENSE', tax: purchaseTax },
    { code: '310', name: 'Cost of Goods Sold', type: 'DIRECTCOSTS', cls: 'EXPENSE', tax: purchaseTax },
    { code: '400', name: 'Advertising', type: 'OVERHEADS', cls: 'EXPENSE', tax: purchaseTax },
    { code: '404', name: 'Bank Fees', type: 'OVERHEADS', cls: 'EXPENSE', tax: 'NONE' },
    { code: '425', name: 'Freight & Courier', type: 'OVERHEADS', cls: 'EXPENSE', tax: purchaseTax },
    { code: '429', name: 'General Expenses', type: 'OVERHEADS', cls: 'EXPENSE', tax: purchaseTax },
    { code: '499', name: 'Old Expenses', type: 'OVERHEADS', cls: 'EXPENSE', tax: purchaseTax, status: 'ARCHIVED' },
    { code: '610', name: 'Accounts Receivable', type: 'CURRENT', cls: 'ASSET', tax: 'NONE', system: 'DEBTORS' },
    { code: '620', name: 'Prepayments', type: 'CURRENT', cls: 'ASSET', tax: 'NONE' },
    { code: '630', name: 'Inventory', type: 'INVENTORY', cls: 'ASSET', tax: purchaseTax },
    { code: '710', name: 'Office Equipment', type: 'FIXED', cls: 'ASSET', tax: purchaseTax },
    { code: '800', name: 'Accounts Payable', type: 'CURRLIAB', cls: 'LIABILITY', tax: 'NONE', system: 'CREDITORS' },
    { code: '820', name: taxAccountName, type: 'CURRLIAB', cls: 'LIABILITY', tax: 'NONE', system: 'GST' },
    { code: '840', name: 'Historical Adjustment', type: 'CURRLIAB', cls: 'LIABILITY', tax: 'NONE', system: 'HISTORICAL' },
    { code: '850', name: 'Suspense', type: 'CURRLIAB', cls: 'LIABILITY', tax: 'NONE' },
    { code: '860', name: 'Rounding', type: 'CURRLIAB', cls: 'LIABILITY', tax: 'NONE', system: 'ROUNDING' },
    { code: '877', name: 'Tracking Transfers', type: 'CURRLIAB', cls: 'LIABILITY', tax: 'NONE', system: 'TRACKINGTRANSFERS' },
    { code: '960', name: 'Retained Earnings', type: 'EQUITY', cls: 'EQUITY', tax: 'NONE', system: 'RETAINEDEARNINGS' },
    { code: '970', name: 'Owner A Funds Introduced', type: 'EQUITY', cls: 'EQUITY', tax: 'NONE' },
  ];
}

type Flags = 'sales' | 'purchases' | 'both';

function rate(TaxType: string, Name: string, Rate: string, ReportTaxType: string, use: Flags): TaxRateRec {
  const sales = use !== 'purchases';
  const purchases = use !== 'sales';
  return {
    TaxType,
    Name,
    Rate,
    ReportTaxType,
    Status: 'ACTIVE',
    CanApplyToRevenue: sales,
    CanApplyToExpenses: purchases,
    CanApplyToAssets: true,
    CanApplyToLiabilities: true,
    CanApplyToEquity: true,
  };
}

export function nzTaxRates(): TaxRateRec[] {
  return [
    rate('OUTPUT2', 'GST on Income', '15', 'OUTPUT', 'sales'),
    rate('INPUT2', 'GST on Expenses', '15', 'INPUT', 'purchases'),
    rate('NONE', 'No GST', '0', 'NONE', 'both'),
    rate('ZERORATED', 'Zero Rated', '0', 'NONE', 'sales'),
    rate('EXEMPTOUTPUT', 'Exempt Income', '0', 'EXEMPTOUTPUT', 'sales'),
    rate('EXEMPTINPUT', 'Exempt Expenses', '0', 'EXEMPTINPUT', 'purchases'),
    rate('GSTONIMPORTS', 'GST on Imports', '0', 'GSTONIMPORTS', 'purchases'),
  ];
}

export function auTaxRates(): TaxRateRec[] {
  return [
    rate('OUTPUT', 'GST on Income', '10', 'OUTPUT', 'sales'),
    rate('INPUT', 'GST on Expenses', '10', 'INPUT', 'purchases'),
    rate('CAPEXINPUT', 'GST on Capital', '10', 'INPUT', 'purchases'),
    rate('EXEMPTOUTPUT', 'GST Free Income', '0', 'EXEMPTOUTPUT', 'sales'),
    rate('EXEMPTEXPENSES', 'GST Free Expenses', '0', 'EXEMPTEXPENSES', 'purchases'),
    rate('BASEXCLUDED', 'BAS Excluded', '0', 'BASEXCLUDED', 'both'),
    rate('INPUTTAXED', 'Input Taxed', '0', 'INPUTTAXED', 'both'),
    rate('GSTONIMPORTS', 'GST on Imports', '0', 'GSTONIMPORTS', 'purchases'),
  ];
}

export function ukTaxRates(): TaxRateRec[] {
  return [
    rate('OUTPUT2', '20% (VAT on Income)', '20', 'OUTPUT', 'sales'),
    rate('INPUT2', '20% (VAT on Expenses)', '20', 'INPUT', 'purchases'),
    rate('RROUTPUT', '5% (VAT on Income)', '5', 'OUTPUT', 'sales'),
    rate('RRINPUT', '5% (VAT on Expenses)', '5', 'INPUT', 'purchases'),
    rate('ZERORATEDOUTPUT', 'Zero Rated Income', '0', 'ZERORATEDOUTPUT', 'sales'),
    rate('ZERORATEDINPUT', 'Zero Rated Expenses', '0', 'ZERORATEDINPUT', 'purchases'),
    rate('EXEMPTOUTPUT', 'Exempt Income', '0', 'EXEMPTOUTPUT', 'sales'),
    rate('EXEMPTINPUT', 'Exempt Expenses', '0', 'EXEMPTINPUT', 'purchases'),
    rate('NONE', 'No VAT', '0', 'NONE', 'both'),
  ];
}
