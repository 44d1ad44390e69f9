/**
 * HTTP dates (RFC 9110 §5.6.7): we send IMF-fixdate and accept the two obsolete forms.
 * The reference instant is the RFC's own example, Sun, 06 Nov 1994 08:49:37 GMT.
 */
import { formatHttpDate, parseHttpDate } from '../../../src/http/dates';

const EXAMPLE = Date.UTC(1994, 10, 6, 8, 49, 37);

describe('parseHttpDate', () => {
  it.each([
    ['IMF-fixdate', 'Sun, 06 Nov 1994 08:49:37 GMT', EXAMPLE],
    ['RFC 850, two-digit year', 'Sunday, 06-Nov-94 08:49:37 GMT', EXAMPLE],
    ['asctime, day padded with a space', 'Sun Nov  6 08:49:37 1994', EXAMPLE],
    ['asctime, two-digit day', 'Wed Nov 16 08:49:37 1994', Date.UTC(1994, 10, 16, 8, 49, 37)],
    ['a leap second is read as :59', 'Wed, 31 Dec 2008 23:59:60 GMT', Date.UTC(2008, 11, 31, 23, 59, 59)],
    ['29 February of a leap year', 'Thu, 29 Feb 1996 00:00:00 GMT', Date.UTC(1996, 1, 29)],
    ['29 February 2000 (divisible by 400)', 'Tue, 29 Feb 2000 00:00:00 GMT', Date.UTC(2000, 1, 29)],
    // Recipients are not asked to check the weekday (RFC 9110 §5.6.7 "be robust").
    ['a wrong weekday is not checked', 'Mon, 06 Nov 1994 08:49:37 GMT', EXAMPLE],
    [
      'a four-digit year below 100 is that year, not 19xx',
      'Sun, 06 Nov 0094 08:49:37 GMT',
      Date.parse('0094-11-06T08:49:37Z'),
    ],
  ])('%s: %s', (_name, text, ms) => {
    expect(parseHttpDate(text)).toBe(ms);
  });

  it('reads a two-digit year within 50 years from now as this century (RFC 9110 §5.6.7)', () => {
    const year = new Date().getUTCFullYear();
    const yy = String(year % 100).padStart(2, '0');
    expect(parseHttpDate(`Sunday, 01-Jan-${yy} 00:00:00 GMT`)).toBe(Date.UTC(year, 0, 1));
  });

  it.each([
    ['empty', ''],
    ['not a date', 'yesterday'],
    ['UTC instead of GMT', 'Sun, 06 Nov 1994 08:49:37 UTC'],
    ['a one-digit day in IMF-fixdate', 'Sun, 6 Nov 1994 08:49:37 GMT'],
    ['a lower-case weekday (the names are case-sensitive)', 'sun, 06 Nov 1994 08:49:37 GMT'],
    ['a lower-case month', 'Sun, 06 nov 1994 08:49:37 GMT'],
    ['a leading space', ' Sun, 06 Nov 1994 08:49:37 GMT'],
    ['a trailing space', 'Sun, 06 Nov 1994 08:49:37 GMT '],
    ['hour 24', 'Sun, 06 Nov 1994 24:00:00 GMT'],
    ['minute 60', 'Sun, 06 Nov 1994 08:60:00 GMT'],
    ['second 61', 'Sun, 06 Nov 1994 08:49:61 GMT'],
    ['day 0', 'Sun, 00 Nov 1994 08:49:37 GMT'],
    ['day 32', 'Sun, 32 Nov 1994 08:49:37 GMT'],
    ['30 February', 'Sun, 30 Feb 1994 08:49:37 GMT'],
    ['31 April', 'Sun, 31 Apr 1994 08:49:37 GMT'],
    ['29 February of a common year', 'Wed, 29 Feb 1995 00:00:00 GMT'],
    ['29 February 1900 (divisible by 100, not 400)', 'Thu, 29 Feb 1900 00:00:00 GMT'],
    ['an abbreviated weekday in RFC 850', 'Sun, 06-Nov-94 08:49:37 GMT'],
    ['an ISO 8601 date', '1994-11-06T08:49:37Z'],
  ])('%s is no date: %j', (_name, text) => {
    expect(parseHttpDate(text)).toBeUndefined();
  });
});

describe('formatHttpDate: IMF-fixdate, always', () => {
  it.each([
    [EXAMPLE, 'Sun, 06 Nov 1994 08:49:37 GMT'],
    [EXAMPLE + 999, 'Sun, 06 Nov 1994 08:49:37 GMT'], // ms are dropped, not rounded
    [0, 'Thu, 01 Jan 1970 00:00:00 GMT'],
    [Date.UTC(2024, 1, 29, 23, 5, 9), 'Thu, 29 Feb 2024 23:05:09 GMT'],
  ])('%d → %s', (ms, text) => {
    expect(formatHttpDate(ms)).toBe(text);
  });

  it('parses back to the same whole second', () => {
    expect(parseHttpDate(formatHttpDate(EXAMPLE + 999))).toBe(EXAMPLE);
  });
});
