/**
 * Xero lock dates: a document dated on or before the period lock date or the end-of-year lock date
 * is rejected. The lock-date policy decides what xport does about it before sending.
 */
import type { XeroOrganisation } from './types.ts';

export type LockKind = 'period' | 'end_of_year';

/** The day after `date` (YYYY-MM-DD), in UTC so that no time zone moves it. */
export function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * The lock that blocks `date`, if any. The end-of-year lock is reported first: it binds advisers too,
 * so it is the one that needs the most attention.
 */
export function blockingLock(date: string, org: XeroOrganisation): { kind: LockKind; lockDate: string } | null {
  if (org.EndOfYearLockDate && date <= org.EndOfYearLockDate) return { kind: 'end_of_year', lockDate: org.EndOfYearLockDate };
  if (org.PeriodLockDate && date <= org.PeriodLockDate) return { kind: 'period', lockDate: org.PeriodLockDate };
  return null;
}

/** The first day after every lock date. */
export function firstOpenDay(org: XeroOrganisation): string | null {
  const locks = [org.PeriodLockDate, org.EndOfYearLockDate].filter((d): d is string => d !== undefined && d !== '');
  if (locks.length === 0) return null;
  return nextDay(locks.sort().at(-1) as string);
}
