import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockingLock, describeMovedDate, firstOpenDay, governingLock } from '../../src/domain/lock-dates.ts';

const org = (PeriodLockDate?: string, EndOfYearLockDate?: string) => ({ Name: 'Org', CountryCode: 'NZ', BaseCurrency: 'NZD', PeriodLockDate, EndOfYearLockDate });

test('the later lock sets the first open day and is the one named; on a tie, the end-of-year lock', () => {
  assert.deepEqual(governingLock(org('2025-12-31', '2025-06-30')), { kind: 'period', lockDate: '2025-12-31' });
  assert.deepEqual(governingLock(org('2025-06-30', '2025-12-31')), { kind: 'end_of_year', lockDate: '2025-12-31' });
  assert.deepEqual(governingLock(org('2025-12-31', '2025-12-31')), { kind: 'end_of_year', lockDate: '2025-12-31' });
  assert.deepEqual(governingLock(org(undefined, undefined)), null);
  assert.equal(firstOpenDay(org('2025-12-31', '2025-06-30')), '2026-01-01');
  // Blocked by the end-of-year lock, moved past the later period lock: the period lock is named.
  assert.equal(blockingLock('2025-03-01', org('2025-12-31', '2025-06-30'))?.kind, 'end_of_year');
});

test('a moved date is said in one sentence', () => {
  assert.equal(
    describeMovedDate({ from: '2025-06-01', to: '2026-01-01', lockKind: 'period', lockDate: '2025-12-31' }),
    'dated 2026-01-01 in Xero instead of 2025-06-01: the period lock date is 2025-12-31',
  );
  assert.equal(
    describeMovedDate({ from: '2025-06-01', to: '2026-01-01', lockKind: 'end_of_year', lockDate: '2025-12-31' }),
    'dated 2026-01-01 in Xero instead of 2025-06-01: the end-of-year lock date is 2025-12-31',
  );
});
