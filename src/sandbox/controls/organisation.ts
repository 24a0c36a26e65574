/** PATCH /_sandbox/organisations/{tenantId}: set any Organisation field; lock dates as "YYYY-MM-DD" or null. */
import { parseRequestDay } from '../format/dates';
import { isDict } from '../http/input';
import type { OrgState } from '../state/types';
import type { ControlResult } from './records';

const FIXED = new Set(['OrganisationID']);
const DATE_FIELDS = new Set(['PeriodLockDate', 'EndOfYearLockDate']);

export function patchOrganisation(org: OrgState, body: unknown): ControlResult {
  if (!isDict(body)) return { status: 400, body: { error: 'expected a JSON object of Organisation fields' } };
  const next = { ...org.organisation };
  for (const [k, v] of Object.entries(body)) {
    if (FIXED.has(k)) return { status: 400, body: { error: `${k} cannot be changed` } };
    if (DATE_FIELDS.has(k)) {
      if (v === null || v === '') {
        next[k] = null;
        continue;
      }
      const day = parseRequestDay(v);
      if (!day) return { status: 400, body: { error: `${k} must be a date (YYYY-MM-DD) or null` } };
      next[k] = day;
      continue;
    }
    next[k] = v;
  }
  if (typeof next.BaseCurrency === 'string') next.BaseCurrency = next.BaseCurrency.toUpperCase();
  org.organisation = next;
  return { status: 200, body: { ...next } };
}
