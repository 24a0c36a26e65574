/**
 * Human words for machine values, shared by the pages and the CLI: counts with plural rules, money
 * always to 2 places, times in the organisation's time zone with words ("1:31 pm, in 2 hours"), and
 * event codes as phrases. Pure functions: every one takes its clock and time zone as arguments.
 */
import { Decimal } from 'decimal.js';

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** "1 export", "2 exports", "0 exports"; `many` for irregular plurals ("1 entry", "3 entries"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** "68.2" → "68.20"; thousands separated; a value that is not a number is returned as given. */
export function money(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  try {
    const d = new Decimal(value);
    if (!d.isFinite()) return String(value);
    const rounded = d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    const [int = '0', frac = '00'] = rounded.abs().toFixed(2).split('.');
    return `${rounded.isNegative() && !rounded.isZero() ? '-' : ''}${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
  } catch {
    return String(value);
  }
}

/** Xero's Windows time-zone names (Organisation.Timezone) for the countries Xero serves most. */
const XERO_ZONES: Record<string, string> = {
  NEWZEALANDSTANDARDTIME: 'Pacific/Auckland',
  AUSEASTERNSTANDARDTIME: 'Australia/Sydney',
  EAUSTRALIASTANDARDTIME: 'Australia/Brisbane',
  CENAUSTRALIASTANDARDTIME: 'Australia/Adelaide',
  AUSCENTRALSTANDARDTIME: 'Australia/Darwin',
  WAUSTRALIASTANDARDTIME: 'Australia/Perth',
  TASMANIASTANDARDTIME: 'Australia/Hobart',
  GMTSTANDARDTIME: 'Europe/London',
  GREENWICHSTANDARDTIME: 'Atlantic/Reykjavik',
  EASTERNSTANDARDTIME: 'America/New_York',
  CENTRALSTANDARDTIME: 'America/Chicago',
  MOUNTAINSTANDARDTIME: 'America/Denver',
  PACIFICSTANDARDTIME: 'America/Los_Angeles',
  SOUTHAFRICASTANDARDTIME: 'Africa/Johannesburg',
  SINGAPORESTANDARDTIME: 'Asia/Singapore',
  UTC: 'UTC',
};

/** An IANA zone for a Xero time-zone name or an IANA name; UTC when unknown. */
export function timeZoneOf(xeroOrIana: string | null | undefined): string {
  if (!xeroOrIana) return 'UTC';
  const mapped = XERO_ZONES[xeroOrIana.toUpperCase().replace(/[^A-Z]/g, '')];
  if (mapped) return mapped;
  try {
    new Intl.DateTimeFormat('en-NZ', { timeZone: xeroOrIana });
    return xeroOrIana;
  } catch {
    return 'UTC';
  }
}

function parts(d: Date, timeZone: string): Record<string, string> {
  const out: Record<string, string> = {};
  // en-GB for "2 Dec 2026", and the 12-hour clock that starts at 12 (not 0) after midnight.
  for (const p of new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', hourCycle: 'h12' }).formatToParts(d)) {
    out[p.type] = p.value;
  }
  return out;
}

/** "1:31 pm" in the zone. */
export function clockTime(d: Date, timeZone: string): string {
  const p = parts(d, timeZone);
  return `${p.hour ?? ''}:${p.minute ?? ''} ${(p.dayPeriod ?? '').toLowerCase()}`;
}

/** "2 Dec 2026" in the zone. */
export function calendarDate(d: Date, timeZone: string): string {
  const p = parts(d, timeZone);
  return `${p.day ?? ''} ${p.month ?? ''} ${p.year ?? ''}`;
}

/** "2 Dec 2026, 1:31 pm" in the zone. */
export function dateTime(d: Date, timeZone: string): string {
  return `${calendarDate(d, timeZone)}, ${clockTime(d, timeZone)}`;
}

/** "in 2 hours", "5 minutes ago", "in a moment", "yesterday"-free: always a count of a unit. */
export function relative(d: Date, now: Date): string {
  const ms = d.getTime() - now.getTime();
  const abs = Math.abs(ms);
  if (abs < 45_000) return ms >= 0 ? 'in a moment' : 'just now';
  const units: Array<[number, string]> = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  const [size, unit] = units.find(([u]) => abs >= u * 0.95) ?? [60_000, 'minute'];
  const n = Math.max(1, Math.round(abs / size));
  return ms >= 0 ? `in ${plural(n, unit)}` : `${plural(n, unit)} ago`;
}

/** "1:31 pm, in 2 hours" (same day) or "3 Dec 2026, 1:31 pm, in 2 days". */
export function whenWords(iso: string, now: Date, timeZone: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const sameDay = calendarDate(d, timeZone) === calendarDate(now, timeZone);
  return `${sameDay ? clockTime(d, timeZone) : dateTime(d, timeZone)}, ${relative(d, now)}`;
}

const EVENT_WORDS: Record<string, string> = {
  'export.exported': 'Exported',
  'export.failed': 'Export failed',
  'export.retry': 'Retry scheduled',
  'export.waiting': 'Waiting',
  'export.lines_dropped': 'Lines dropped',
  'export.retry_all': 'Export again',
  'export.skip': 'Skipped',
  'export.delete': 'Deleted',
  'tenant.paused': 'Paused',
  'tenant.resumed': 'Resumed',
  'xero.call': 'Xero call',
  'documents.ingested': 'Documents received',
  'reference.refreshed': 'Reference data read',
  'reference.failed': 'Reference data failed',
  'settings.changed': 'Settings changed',
  'contact.linked': 'Contact linked',
  'connection.lost': 'Connection lost',
  'connection.restored': 'Connected',
  'connection.removed': 'Disconnected',
  'connection.disconnected': 'Disconnected',
  'connection.synced': 'Connections refreshed',
};

/** "export.failed" → "Export failed"; an unknown code becomes words from its parts. */
export function eventWords(code: string): string {
  const known = EVENT_WORDS[code];
  if (known) return known;
  const words = code.replace(/[._]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "account_code_invalid" → "Account code invalid". */
export function codeWords(code: string): string {
  return eventWords(code.replace(/_/g, ' '));
}
