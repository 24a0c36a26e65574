/**
 * Lock dates (Organisation PeriodLockDate / EndOfYearLockDate). Xero locks the lock date itself and
 * everything before it; the end-of-year lock, which binds every user, is reported first.
 */
import type { OrgState } from '../state/types';
import { MSG } from './messages';

export function lockDateError(org: OrgState, day: string): string | null {
  const eoy = org.organisation.EndOfYearLockDate;
  if (typeof eoy === 'string' && eoy && day <= eoy) return MSG.endOfYearLock(eoy);
  const period = org.organisation.PeriodLockDate;
  if (typeof period === 'string' && period && day <= period) return MSG.periodLock(period);
  return null;
}

export function currencyError(org: OrgState, code: string): string | null {
  const base = String(org.organisation.BaseCurrency);
  if (code.toUpperCase() === base || org.currencies.some((c) => c.Code === code.toUpperCase())) return null;
  return MSG.currencyNotSubscribed(code.toUpperCase());
}
