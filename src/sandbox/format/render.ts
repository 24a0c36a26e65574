/** Records → Xero's JSON: PascalCase, MS-JSON dates, amounts as numbers. */
import { Dec, num, round2 } from '../money/decimal';
import type { AccountRec, ContactRec, CurrencyRec, Dict, DocRec, JournalRec, LineRec, OrgState, TaxRateRec, TrackingCategoryRec, TrackingRef } from '../state/types';
import { dayToMs, msDate } from './dates';

const dateFields = (name: string, day: string | undefined): Dict => (day ? { [name]: msDate(dayToMs(day)), [`${name}String`]: `${day}T00:00:00` } : {});

export function renderOrganisation(org: OrgState): Dict {
  const o = { ...org.organisation };
  for (const k of ['PeriodLockDate', 'EndOfYearLockDate'] as const) {
    const v = o[k];
    if (typeof v === 'string' && v) o[k] = msDate(dayToMs(v));
    else delete o[k];
  }
  if (typeof o.CreatedDateUTC === 'number') o.CreatedDateUTC = msDate(o.CreatedDateUTC);
  return o;
}

export function renderAccount(a: AccountRec): Dict {
  const { UpdatedDateUTC, ...rest } = a;
  return { ...rest, HasAttachments: false, AddToWatchlist: false, UpdatedDateUTC: msDate(UpdatedDateUTC) };
}

export function renderTaxRate(t: TaxRateRec): Dict {
  const { Rate, ...rest } = t;
  const r = num(Rate);
  return { ...rest, TaxComponents: [{ Name: rest.Name.replace(/ on .*/, '') || 'GST', Rate: r, IsCompound: false, IsNonRecoverable: false }], DisplayTaxRate: r, EffectiveRate: r };
}

export function renderTracking(c: TrackingCategoryRec, includeArchived = false): Dict {
  return {
    TrackingCategoryID: c.TrackingCategoryID,
    Name: c.Name,
    Status: c.Status,
    Options: c.Options.filter((o) => includeArchived || o.Status === 'ACTIVE').map((o) => ({
      ...o,
      HasValidationErrors: false,
      IsDeleted: false,
      IsArchived: o.Status === 'ARCHIVED',
      IsActive: o.Status === 'ACTIVE',
    })),
  };
}

export function renderCurrency(c: CurrencyRec): Dict {
  return { Code: c.Code, Description: c.Description };
}

export function renderContact(c: ContactRec): Dict {
  const { extra, UpdatedDateUTC, ...fields } = c;
  return {
    ...extra,
    ...fields,
    Addresses: extra.Addresses ?? [],
    Phones: extra.Phones ?? [],
    ContactGroups: [],
    ContactPersons: extra.ContactPersons ?? [],
    HasAttachments: false,
    HasValidationErrors: false,
    UpdatedDateUTC: msDate(UpdatedDateUTC),
  };
}

export function contactSummary(c: ContactRec | undefined, id: string): Dict {
  if (!c) return { ContactID: id };
  return {
    ContactID: c.ContactID,
    Name: c.Name,
    ContactStatus: c.ContactStatus,
    ...(c.ContactNumber ? { ContactNumber: c.ContactNumber } : {}),
    ...(c.AccountNumber ? { AccountNumber: c.AccountNumber } : {}),
    ...(c.EmailAddress ? { EmailAddress: c.EmailAddress } : {}),
    Addresses: [],
    Phones: [],
    ContactGroups: [],
    ContactPersons: [],
    HasValidationErrors: false,
  };
}

const renderTrackingRef = (t: TrackingRef): Dict => ({ ...t });

export function renderLine(l: LineRec, unitdp: 2 | 4): Dict {
  const unit = unitdp === 4 ? new Dec(l.UnitAmount) : round2(new Dec(l.UnitAmount));
  return {
    LineItemID: l.LineItemID,
    ...(l.Description !== undefined ? { Description: l.Description } : {}),
    Quantity: num(l.Quantity),
    UnitAmount: unit.toNumber(),
    ...(l.ItemCode ? { ItemCode: l.ItemCode } : {}),
    ...(l.AccountCode ? { AccountCode: l.AccountCode } : {}),
    ...(l.AccountID ? { AccountID: l.AccountID } : {}),
    ...(l.TaxType ? { TaxType: l.TaxType } : {}),
    TaxAmount: num(l.TaxAmount),
    LineAmount: num(l.LineAmount),
    ...(l.DiscountRate ? { DiscountRate: num(l.DiscountRate) } : {}),
    ...(l.DiscountAmount ? { DiscountAmount: num(l.DiscountAmount) } : {}),
    Tracking: l.Tracking.map(renderTrackingRef),
  };
}

function renderPayments(d: DocRec): Dict[] {
  return d.Payments.map((p) => ({
    PaymentID: p.PaymentID,
    Date: msDate(dayToMs(p.Date)),
    Amount: num(p.Amount),
    ...(p.Reference ? { Reference: p.Reference } : {}),
    CurrencyRate: num(d.CurrencyRate),
    HasAccount: true,
    HasValidationErrors: false,
  }));
}

function docCommon(org: OrgState, d: DocRec, unitdp: 2 | 4, summary: boolean): Dict {
  return {
    Type: d.Type,
    Contact: contactSummary(org.contacts.get(d.ContactID), d.ContactID),
    ...dateFields('Date', d.Date),
    ...dateFields('DueDate', d.DueDate),
    Status: d.Status,
    LineAmountTypes: d.LineAmountTypes,
    ...(summary ? {} : { LineItems: d.Lines.map((l) => renderLine(l, unitdp)) }),
    SubTotal: num(d.SubTotal),
    TotalTax: num(d.TotalTax),
    Total: num(d.Total),
    UpdatedDateUTC: msDate(d.UpdatedDateUTC),
    CurrencyCode: d.CurrencyCode,
    CurrencyRate: num(d.CurrencyRate),
    ...(d.Reference !== undefined ? { Reference: d.Reference } : {}),
    ...(d.BrandingThemeID ? { BrandingThemeID: d.BrandingThemeID } : {}),
    ...(d.FullyPaidOnDate ? { FullyPaidOnDate: msDate(dayToMs(d.FullyPaidOnDate)) } : {}),
    SentToContact: d.SentToContact,
    HasAttachments: false,
    HasErrors: false,
    Payments: renderPayments(d),
  };
}

export function amountDue(d: DocRec): Dec {
  if (d.Status === 'VOIDED' || d.Status === 'DELETED') return new Dec(0);
  return new Dec(d.Total).sub(d.AmountPaid).sub(d.AmountCredited);
}

export function renderInvoice(org: OrgState, d: DocRec, unitdp: 2 | 4 = 2, summary = false): Dict {
  return {
    InvoiceID: d.ID,
    ...(d.Number !== undefined ? { InvoiceNumber: d.Number } : {}),
    ...docCommon(org, d, unitdp, summary),
    ...(num(d.TotalDiscount) ? { TotalDiscount: num(d.TotalDiscount) } : {}),
    IsDiscounted: num(d.TotalDiscount) !== 0,
    AmountDue: amountDue(d).toNumber(),
    AmountPaid: num(d.AmountPaid),
    AmountCredited: num(d.AmountCredited),
    ...(d.ExpectedPaymentDate ? { ExpectedPaymentDate: msDate(dayToMs(d.ExpectedPaymentDate)) } : {}),
    ...(d.Url ? { Url: d.Url } : {}),
    CreditNotes: [],
    Prepayments: [],
    Overpayments: [],
  };
}

export function renderCreditNote(org: OrgState, d: DocRec, unitdp: 2 | 4 = 2, summary = false): Dict {
  return {
    CreditNoteID: d.ID,
    ...(d.Number !== undefined ? { CreditNoteNumber: d.Number } : {}),
    ...docCommon(org, d, unitdp, summary),
    RemainingCredit: amountDue(d).toNumber(),
    Allocations: [],
  };
}

export function renderJournal(j: JournalRec, summary = false): Dict {
  return {
    ManualJournalID: j.ManualJournalID,
    Narration: j.Narration,
    ...dateFields('Date', j.Date),
    Status: j.Status,
    LineAmountTypes: j.LineAmountTypes,
    ShowOnCashBasisReports: j.ShowOnCashBasisReports,
    HasAttachments: false,
    UpdatedDateUTC: msDate(j.UpdatedDateUTC),
    ...(j.Url ? { Url: j.Url } : {}),
    ...(summary
      ? {}
      : {
          JournalLines: j.Lines.map((l) => ({
            LineAmount: num(l.LineAmount),
            AccountCode: l.AccountCode,
            AccountID: l.AccountID,
            ...(l.Description !== undefined ? { Description: l.Description } : {}),
            ...(l.TaxType ? { TaxType: l.TaxType } : {}),
            TaxAmount: num(l.TaxAmount),
            Tracking: l.Tracking.map(renderTrackingRef),
            IsBlank: false,
          })),
        }),
  };
}
