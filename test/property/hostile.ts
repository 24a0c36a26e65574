/**
 * Strings as other systems produce them for numbers, names, references and narrations: the
 * characters that break naive quoting and list parameters, non-ASCII letters (including ones whose
 * case mapping changes length or depends on context), emoji, and the maximum length.
 */
import fc from 'fast-check';

export const FRAGMENTS = [
  ',',
  '"',
  "'",
  '\\',
  '==',
  ' OR ',
  ' AND ',
  '||',
  '&&',
  '(',
  ')',
  '%',
  '&',
  '+',
  '#',
  '?',
  '=',
  '/',
  ';',
  '*',
  'é',
  'Ж',
  '漢',
  '😀',
  'Σ',
  'ς',
  'ß',
  'İ',
  ' ',
  '  ',
  'PB-',
  'INV',
  '1',
  '7',
  '0',
  'a',
  'Z',
  '""',
  '\\"',
  '%2C',
  'null',
  'Guid(',
];

/** A trimmed, non-empty hostile string of at most `max` characters (code points). */
export function hostileText(max: number): fc.Arbitrary<string> {
  const built = fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 14 }).map((parts) => parts.join(''));
  const long = fc.constantFrom('é', '漢', '"', ',', 'a"b\\', '😀', 'ß').map((u) => u.repeat(max));
  return fc
    .oneof({ weight: 9, arbitrary: built }, { weight: 1, arbitrary: long })
    .map((s) => [...s.trim()].slice(0, max).join('').trim())
    .filter((s) => s !== '');
}
