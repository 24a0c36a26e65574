/** The words module: plurals, money to 2 places, times in a zone with words, event codes as phrases. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { calendarDate, clockTime, codeWords, eventWords, money, plural, relative, timeZoneOf, whenWords } from '../../src/domain/words';

test('plurals', () => {
  assert.equal(plural(0, 'export'), '0 exports');
  assert.equal(plural(1, 'export'), '1 export');
  assert.equal(plural(1234, 'entry', 'entries'), '1,234 entries');
});

test('money is always 2 places, half-up, with thousands', () => {
  assert.equal(money('68.2'), '68.20');
  assert.equal(money(68.2), '68.20');
  assert.equal(money('1234567.005'), '1,234,567.01');
  assert.equal(money('-0.004'), '0.00');
  assert.equal(money('-12.5'), '-12.50');
  assert.equal(money(null), '');
  assert.equal(money('not money'), 'not money');
  fc.assert(
    fc.property(fc.integer({ min: -10_000_000_00, max: 10_000_000_00 }), (cents) => {
      const text = money(new Decimal(cents).div(100).toString());
      assert.match(text, /^-?\d{1,3}(,\d{3})*\.\d{2}$/);
      assert.equal(new Decimal(text.replace(/,/g, '')).mul(100).toNumber(), cents);
    }),
  );
});

test("times in the organisation's zone, with words", () => {
  const now = new Date('2026-12-01T22:30:00Z');
  assert.equal(whenWords('2026-12-02T00:31:50.010Z', now, 'Pacific/Auckland'), '1:31 pm, in 2 hours');
  assert.equal(clockTime(new Date('2026-12-01T11:05:00Z'), 'Pacific/Auckland'), '12:05 am');
  assert.equal(calendarDate(new Date('2026-12-01T11:05:00Z'), 'Pacific/Auckland'), '2 Dec 2026');
  assert.equal(whenWords('2026-12-04T22:30:00Z', now, 'UTC'), '4 Dec 2026, 10:30 pm, in 3 days');
  assert.equal(relative(new Date(now.getTime() - 5 * 60_000), now), '5 minutes ago');
  assert.equal(relative(new Date(now.getTime() + 10_000), now), 'in a moment');
  assert.equal(relative(new Date(now.getTime() + 60_000), now), 'in 1 minute');
  assert.equal(whenWords('not a time', now, 'UTC'), 'not a time');
});

test("Xero's time-zone names map to IANA zones; unknown ones are UTC", () => {
  assert.equal(timeZoneOf('NEWZEALANDSTANDARDTIME'), 'Pacific/Auckland');
  assert.equal(timeZoneOf('AUSEASTERNSTANDARDTIME'), 'Australia/Sydney');
  assert.equal(timeZoneOf('Europe/London'), 'Europe/London');
  assert.equal(timeZoneOf('NO SUCH ZONE'), 'UTC');
  assert.equal(timeZoneOf(null), 'UTC');
});

test('event and error codes read as words, never wrapped codes', () => {
  assert.equal(eventWords('export.failed'), 'Export failed');
  assert.equal(eventWords('something.new_here'), 'Something new here');
  assert.equal(codeWords('account_code_invalid'), 'Account code invalid');
});
