/** Loose readers for request JSON: Xero accepts numbers as strings and ignores fields it does not know. */
import type { Dict } from '../state/types';

export function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function dicts(v: unknown): Dict[] {
  return Array.isArray(v) ? v.filter(isDict) : [];
}

/** The elements of a PUT/POST body: `{"Invoices":[…]}`, or a single bare object. */
export function elementsOf(body: unknown, collection: string): Dict[] | null {
  if (!isDict(body)) return null;
  const key = Object.keys(body).find((k) => k.toLowerCase() === collection.toLowerCase());
  if (key) return Array.isArray(body[key]) ? dicts(body[key]) : null;
  return [body];
}

/** For the journal: how many elements a PUT/POST body carried (the first array property). */
export function countElements(body: unknown): number | null {
  if (!isDict(body)) return null;
  for (const v of Object.values(body)) if (Array.isArray(v)) return v.length;
  return 1;
}
