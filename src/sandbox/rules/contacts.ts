/**
 * Contact rules: unique active names, unique account and contact numbers (archived contacts keep
 * theirs), one valid e-mail address, and a tax number in the organisation country's format.
 *
 * Tax-number formats are the sandbox's own choice (Xero's rule and wording are unknown, docs/xero.md#what-is-not-known):
 * NZ GST number 8 or 9 digits; AU ABN 11 digits with the ATO check digit; UK VAT "GB" + 9 or 12 digits.
 */
import type { ContactRec, OrgState } from '../state/types';
import { MSG } from './messages';

const EMAIL_RE = /^[^\s@,;<>()[\]"]+@[^\s@,;<>()[\]"]+\.[A-Za-z]{2,}$/;

const ABN_WEIGHTS = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];

function validAbn(d: string): boolean {
  if (!/^\d{11}$/.test(d)) return false;
  const sum = [...d].reduce((s, ch, i) => s + (Number(ch) - (i === 0 ? 1 : 0)) * (ABN_WEIGHTS[i] ?? 0), 0);
  return sum % 89 === 0;
}

const TAX_FORMATS: Record<string, { label: string; format: string; valid: (compact: string) => boolean }> = {
  NZ: { label: 'NZ GST number', format: '8 or 9 digits, e.g. 123-456-789', valid: (c) => /^\d{8,9}$/.test(c.replace(/-/g, '')) },
  AU: { label: 'Australian ABN', format: '11 digits with a valid check digit, e.g. 51 824 753 556', valid: validAbn },
  GB: { label: 'UK VAT number', format: 'GB followed by 9 or 12 digits, e.g. GB123456789', valid: (c) => /^(GB)?(\d{9}|\d{12})$/i.test(c) },
};

export function taxNumberError(org: OrgState, taxNumber: string): string | null {
  const fmt = TAX_FORMATS[String(org.organisation.CountryCode).toUpperCase()];
  if (!fmt || fmt.valid(taxNumber.replace(/\s+/g, ''))) return null;
  return MSG.taxNumberInvalid(taxNumber, fmt.label, fmt.format);
}

export interface ContactFields {
  Name?: string;
  EmailAddress?: string;
  TaxNumber?: string;
  AccountNumber?: string;
  ContactNumber?: string;
  ContactStatus?: string;
}

const same = (a: string | undefined, b: string | undefined) => !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

/** Every rule a contact's final fields must pass; `self` is the contact being updated, if any. */
export function contactErrors(org: OrgState, f: ContactFields, self: ContactRec | null): string[] {
  const errors: string[] = [];
  const others = [...org.contacts.values()].filter((c) => c !== self);
  if (f.EmailAddress && !EMAIL_RE.test(f.EmailAddress)) errors.push(MSG.emailInvalid);
  if (f.TaxNumber) {
    const e = taxNumberError(org, f.TaxNumber);
    if (e) errors.push(e);
  }
  const active = (f.ContactStatus ?? self?.ContactStatus ?? 'ACTIVE') === 'ACTIVE';
  if (active && f.Name && others.some((c) => c.ContactStatus === 'ACTIVE' && same(c.Name, f.Name))) errors.push(MSG.contactNameTaken(f.Name));
  if (f.AccountNumber && others.some((c) => same(c.AccountNumber, f.AccountNumber))) errors.push(MSG.accountNumberTaken);
  if (f.ContactNumber && others.some((c) => same(c.ContactNumber, f.ContactNumber))) errors.push(MSG.contactNumberTaken(f.ContactNumber));
  return errors;
}

export function findContactById(org: OrgState, id: string): ContactRec | undefined {
  return org.contacts.get(id.toLowerCase()) ?? [...org.contacts.values()].find((c) => c.ContactID.toLowerCase() === id.toLowerCase());
}

export function findContactByNumber(org: OrgState, n: string): ContactRec | undefined {
  return [...org.contacts.values()].find((c) => same(c.ContactNumber, n));
}

export function findContactByName(org: OrgState, name: string): ContactRec[] {
  return [...org.contacts.values()].filter((c) => same(c.Name, name));
}
