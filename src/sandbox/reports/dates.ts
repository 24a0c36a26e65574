/** Dates in reports: "31 March 2026" titles, the financial year containing a day. */
import type { OrgState } from '../state/types';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const SHORT = MONTHS.map((m) => m.slice(0, 3));

export function reportDay(day: string): string {
  const [y, m, d] = day.split('-');
  return `${Number(d)} ${MONTHS[Number(m) - 1] ?? m} ${y}`;
}

/** "30 Apr 2019", the balance sheet's column heading. */
export function shortDay(day: string): string {
  const [y, m, d] = day.split('-');
  return `${Number(d)} ${SHORT[Number(m) - 1] ?? m} ${y}`;
}

export function previousDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/** The first day of the financial year that contains `day`, from the organisation's year-end month and day. */
export function financialYearStart(org: OrgState, day: string): string {
  const endMonth = Number(org.organisation.FinancialYearEndMonth ?? 12);
  const endDay = Number(org.organisation.FinancialYearEndDay ?? 31);
  const year = Number(day.slice(0, 4));
  const end = (y: number) => `${y}-${String(endMonth).padStart(2, '0')}-${String(endDay).padStart(2, '0')}`;
  const lastEnd = end(year) < day ? end(year) : end(year - 1);
  const next = new Date(Date.parse(`${lastEnd}T00:00:00Z`) + 86_400_000);
  return next.toISOString().slice(0, 10);
}
