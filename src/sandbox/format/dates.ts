/**
 * Xero's date formats: MS-JSON ("/Date(1552262400000+0000)/") in responses, "YYYY-MM-DD" (or ISO
 * date-times, or MS-JSON again) in requests, "30-Nov-2018" inside validation messages.
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function msDate(ms: number): string {
  return `/Date(${ms}+0000)/`;
}

/** Envelope DateTimeUTC carries no offset in Xero's answers. */
export function msDateNoOffset(ms: number): string {
  return `/Date(${ms})/`;
}

export function dayToMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function msToDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** "2019-03-11", "2019-03-11T00:00:00", "/Date(1552262400000+0000)/" → "2019-03-11"; anything else → null. */
export function parseRequestDay(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : msToDay(value.getTime());
  if (typeof value !== 'string') return null;
  const ms = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(value);
  if (ms) return msToDay(Number(ms[1]));
  const iso = /^(\d{4}-\d{2}-\d{2})(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.exec(value);
  if (!iso || !iso[1] || Number.isNaN(dayToMs(iso[1]))) return null;
  return iso[1];
}

/** Any date or date-time a client may send (If-Modified-Since, where clauses) → epoch ms. */
export function parseInstant(value: string): number | null {
  const ms = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(value);
  if (ms) return Number(ms[1]);
  const t = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) || !value.includes('T') ? value : `${value}Z`);
  return Number.isNaN(t) ? null : t;
}

/** "2018-11-30" → "30-Nov-2018", the form Xero uses in lock-date messages. */
export function dayForMessage(day: string): string {
  const [y, m, d] = day.split('-');
  return `${d}-${MONTHS[Number(m) - 1] ?? m}-${y}`;
}

/** "04/29/2020 09:22:02", the form of Xero's TokenExpired detail. */
export function usDateTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** "2019-12-07T18:46:19.5165400": /connections' format, without a zone. */
export function connectionDate(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}0000`;
}
