/** Tracking on lines: [{Name, Option}] or [{TrackingCategoryID, TrackingOptionID}], resolved to both. */
import { dicts, str } from '../http/input';
import type { OrgState, TrackingRef } from '../state/types';
import { MSG } from './messages';

export function resolveTracking(org: OrgState, raw: unknown, errors: string[]): TrackingRef[] {
  const out: TrackingRef[] = [];
  for (const t of dicts(raw)) {
    const catId = str(t.TrackingCategoryID)?.toLowerCase();
    const name = str(t.Name);
    const cat = org.tracking.find((c) => (catId ? c.TrackingCategoryID === catId : c.Name.toLowerCase() === name?.toLowerCase()));
    const optId = str(t.TrackingOptionID)?.toLowerCase();
    const optName = str(t.Option);
    const opt = cat?.Options.find((o) => (optId ? o.TrackingOptionID === optId : o.Name.toLowerCase() === optName?.toLowerCase()));
    if (!cat || !opt || cat.Status !== 'ACTIVE' || opt.Status !== 'ACTIVE') {
      errors.push(MSG.trackingUnknown(name ?? catId ?? '', optName ?? optId ?? ''));
      continue;
    }
    out.push({ TrackingCategoryID: cat.TrackingCategoryID, TrackingOptionID: opt.TrackingOptionID, Name: cat.Name, Option: opt.Name });
  }
  return out;
}
