/**
 * Which entry recognises an answer must not depend on the order of the catalog files: an answer
 * that two entries of the same rank would both claim is an ambiguity to resolve in the catalog, not
 * by moving an entry up. These tests fail on any such overlap over the messages and answers xport knows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOG, elementMatches, statusMatches, type CatalogEntry, type CatalogCode } from '../../src/domain/catalog.ts';
import type { NetworkFailureKind } from '../../src/domain/catalog-types.ts';
import { SECTION_2_5, SEED_ROWS } from './catalog-messages.ts';

const codes = (hits: Array<{ entry: CatalogEntry<CatalogCode> }>) => hits.map((h) => h.entry.code);

/** Every message xport knows: Xero's exact strings, the seed's table, and each entry's own example. */
const KNOWN_MESSAGES = [...new Set([...SECTION_2_5.map(([m]) => m), ...SEED_ROWS.map(([m]) => m), ...CATALOG.filter((e) => e.match.messages).map((e) => e.match.trigger)])];

test('no known message is recognised by two specific entries, or by two generic ones', () => {
  for (const text of KNOWN_MESSAGES) {
    const { specific, generic } = elementMatches(text);
    assert.ok(specific.length <= 1, `"${text}" is claimed by ${codes(specific).join(' and ')}`);
    assert.ok(generic.length <= 1, `"${text}" is claimed by the generic ${codes(generic).join(' and ')}`);
  }
});

test('no two status-only entries share a status', () => {
  const byStatus = new Map<number, string[]>();
  for (const e of CATALOG) {
    if (!e.match.status || e.match.header || e.match.messages) continue;
    for (const s of e.match.status) byStatus.set(s, [...(byStatus.get(s) ?? []), e.code]);
  }
  for (const [status, owners] of byStatus) assert.equal(owners.length, 1, `HTTP ${status}: ${owners.join(', ')}`);
});

test('a whole response with a known header or message is claimed by one conditional entry', () => {
  const problems = ['day', 'Day', 'minute', 'concurrent', 'appminute', 'AppMinute'];
  for (const problem of problems) {
    const { conditional } = statusMatches(429, '', { 'x-rate-limit-problem': problem });
    assert.equal(conditional.length, 1, `429 ${problem}: ${codes(conditional).join(', ')}`);
  }
  for (const e of CATALOG.filter((x) => x.match.status && x.match.messages)) {
    for (const status of e.match.status ?? []) {
      for (const text of KNOWN_MESSAGES) {
        const { conditional } = statusMatches(status, text, {});
        assert.ok(conditional.length <= 1, `HTTP ${status} "${text}": ${codes(conditional).join(', ')}`);
      }
    }
  }
});

test('each network failure kind has exactly one entry', () => {
  const kinds: NetworkFailureKind[] = ['timeout', 'connection_reset', 'connection_refused', 'unknown'];
  for (const kind of kinds) {
    assert.deepEqual(CATALOG.filter((e) => e.match.network?.includes(kind)).length, 1, kind);
  }
});
