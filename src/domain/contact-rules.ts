/**
 * Contact checks xport can make before Xero does: the email rule of the seed (one address, no commas or
 * spaces) and tax-number formats for the countries whose format is known.
 *
 * Tax number formats (checked against the Xero organisation's country, since Xero validates a
 * contact's tax number by the organisation's tax regime):
 * - NZ, GST number: 8 or 9 digits, dashes and spaces allowed (123-456-789). Format only: IRD's own
 *   check digit is not enforced, because old 8-digit numbers are padded differently by different tools.
 * - AU, ABN: 11 digits (spaces allowed) passing the ATO checksum (subtract 1 from the first digit,
 *   weights 10,1,3,5,…,19, sum divisible by 89).
 * - GB, VAT registration number: optional "GB" then 9 or 12 digits (spaces allowed).
 * - Any other country: not checked (Xero's rules there are unknown to us; docs/xero.md#what-is-not-known).
 */
import type { Empty, Result } from './result.ts';

export type RuleCheck = Result<Empty, { reason: string }>;

const EMAIL_RE = /^[^\s@,;<>()[\]"]+@[^\s@,;<>()[\]"]+\.[A-Za-z]{2,}$/;

export function checkEmail(email: string): RuleCheck {
  if (/[,;]/.test(email)) return { ok: false, reason: 'only one address is allowed (remove the comma or semicolon and anything after it)' };
  if (/\s/.test(email)) return { ok: false, reason: 'it contains a space' };
  if ((email.match(/@/g) ?? []).length !== 1) return { ok: false, reason: 'it must contain exactly one @' };
  if (!EMAIL_RE.test(email)) return { ok: false, reason: 'it is not in the form name@example.com' };
  return { ok: true };
}

export interface TaxNumberFormat {
  label: string;
  format: string;
  valid: (compact: string) => boolean;
}

const ABN_WEIGHTS = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];

export function isValidAbn(digits: string): boolean {
  if (!/^\d{11}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 11; i++) {
    const d = Number(digits[i]) - (i === 0 ? 1 : 0);
    sum += d * (ABN_WEIGHTS[i] ?? 0);
  }
  return sum % 89 === 0;
}

export const TAX_NUMBER_FORMATS: Readonly<Record<string, TaxNumberFormat>> = {
  NZ: { label: 'NZ GST number', format: '8 or 9 digits, e.g. 123-456-789', valid: (c) => /^\d{8,9}$/.test(c.replace(/-/g, '')) },
  AU: { label: 'Australian ABN', format: '11 digits with a valid check digit, e.g. 51 824 753 556', valid: (c) => isValidAbn(c) },
  GB: { label: 'UK VAT number', format: 'GB followed by 9 or 12 digits, e.g. GB123456789', valid: (c) => /^(GB)?(\d{9}|\d{12})$/i.test(c) },
};

/** Checks a tax number against the organisation country's format; unknown countries pass. */
export function checkTaxNumber(taxNumber: string, countryCode: string): Result<Empty, { label: string; format: string }> {
  const fmt = TAX_NUMBER_FORMATS[countryCode.toUpperCase()];
  if (!fmt) return { ok: true };
  const compact = taxNumber.replace(/\s+/g, '');
  return fmt.valid(compact) ? { ok: true } : { ok: false, label: fmt.label, format: fmt.format };
}
