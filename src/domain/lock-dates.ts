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

/**
 * The lock that sets the first open day: the later of the two (the end-of-year lock on a tie, as it
 * binds everyone). Null when no lock date is set.
 */
export function governingLock(org: XeroOrganisation): { kind: LockKind; lockDate: string } | null {
  const eoy = org.EndOfYearLockDate || undefined;
  const period = org.PeriodLockDate || undefined;
  if (eoy && (!period || eoy >= period)) return { kind: 'end_of_year', lockDate: eoy };
  return period ? { kind: 'period', lockDate: period } : null;
}

/** A document date the policy moved: from the source date to the first open day, because of `lock`. */
export interface MovedDate {
  from: string;
  to: string;
  lockKind: LockKind;
  lockDate: string;
}

/** "dated 2026-01-01 in Xero instead of 2025-06-01: the period lock date is 2025-12-31" */
export function describeMovedDate(m: MovedDate): string {
  return `dated ${m.to} in Xero instead of ${m.from}: the ${m.lockKind === 'period' ? 'period' : 'end-of-year'} lock date is ${m.lockDate}`;
}
