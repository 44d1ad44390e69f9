/**
 * HTTP dates (RFC 9110 §5.6.7). We always send IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`,
 * and accept the two obsolete forms as the RFC asks recipients to.
 */

/**
 * Formats a time (ms since the epoch) as an IMF-fixdate, the form every Date and Last-Modified
 * is sent in; `toUTCString` produces exactly that format, milliseconds dropped.
 */
export function formatHttpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

const IMF_FIXDATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const RFC850_DATE =
  /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ASCTIME_DATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Parses an HTTP date into ms since the epoch, or undefined when it is not a valid date in one
 * of the three forms: callers then ignore the field, as RFC 9110 §13.1.3 and §13.1.4 require.
 */
export function parseHttpDate(text: string): number | undefined {
  let m = IMF_FIXDATE.exec(text);
  if (m) return utc(m[4], m[3], m[2], m[5], m[6], m[7]);
  m = RFC850_DATE.exec(text);
  if (m) return utc(twoDigitYear(m[4]), m[3], m[2], m[5], m[6], m[7]);
  m = ASCTIME_DATE.exec(text);
  if (m) return utc(m[7], m[2], m[3], m[4], m[5], m[6]);
  return undefined;
}

/** RFC 9110 §5.6.7: a two-digit year more than 50 years in the future is in the past century. */
function twoDigitYear(yy: string | undefined): string {
  const n = Number(yy);
  const thisYear = new Date().getUTCFullYear();
  let year = Math.floor(thisYear / 100) * 100 + n;
  if (year > thisYear + 50) year -= 100;
  return String(year);
}

function utc(...parts: Array<string | undefined>): number | undefined {
  const [year, month, day, hour, minute, second] = parts;
  const monthIndex = MONTHS.indexOf(month ?? '');
  const fields = [year, day, hour, minute, second].map((p) => Number((p ?? '').trim()));
  const [y, d, h, mi, s] = fields as [number, number, number, number, number];
  if (d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(y, monthIndex, d); // not Date.UTC, which reads years 0-99 as 1900-1999
  date.setUTCHours(h, mi, Math.min(s, 59), 0);
  const ms = date.getTime();
  // setUTCFullYear rolls 31 Feb over into March; a date that does not round-trip is not a date.
  return new Date(ms).getUTCDate() === d ? ms : undefined;
}
