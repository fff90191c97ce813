/**
 * Event times: the one strict reader of `at` values (docs/cli.md, "Limits"). `Date.parse` is
 * lenient in ways that move a community's clock wrongly: it rolls `2026-02-30` over to 2 March
 * and takes years such as 1000 or 9999, where time-zone data gives local-mean-time offsets
 * with fractions of a minute or a deadline lands past any real use. So the shape, the calendar
 * and the range are all checked here, digit by digit, which is also faster than a regex.
 */

/** The first instant an event may carry: 1970-01-01T00:00:00Z. */
export const EARLIEST_EVENT_MS = Date.UTC(1970, 0, 1);
/** The first instant past the supported range: 3000-01-01T00:00:00Z (years 1970 to 2999). */
export const END_OF_EVENT_RANGE_MS = Date.UTC(3000, 0, 1);
export const FIRST_EVENT_YEAR = 1970;
export const LAST_EVENT_YEAR = 2999;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * `YYYY-MM-DDTHH:MM[:SS[.fraction]]` then `Z`, `±HH:MM` or `±HHMM`; a fraction of 1 to 9
 * digits is cut to milliseconds, as `Date.parse` does. NaN when the text is not such an instant,
 * names a day the calendar does not have, or lies outside years 1970 to 2999.
 */
export function parseInstant(s: string): number {
  const n = s.length;
  if (n < 17 || n > 40 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58) return NaN;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  let i = 16;
  let second = 0;
  let millis = 0;
  if (s.charCodeAt(i) === 58) {
    second = digits(s, i + 1, 2);
    i += 3;
    if (s.charCodeAt(i) === 46) {
      const start = ++i;
      while (i < n && isDigit(s.charCodeAt(i))) i++;
      const len = i - start;
      if (len < 1 || len > 9) return NaN;
      millis = digits(s, start, Math.min(len, 3)) * (len === 1 ? 100 : len === 2 ? 10 : 1);
    }
  }
  if (year < FIRST_EVENT_YEAR || year > LAST_EVENT_YEAR || !realDate(year, month, day)) return NaN;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || millis < 0) return NaN;
  const offset = offsetMinutes(s, i);
  if (Number.isNaN(offset)) return NaN;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset * 60_000;
  return ms >= EARLIEST_EVENT_MS && ms < END_OF_EVENT_RANGE_MS ? ms : NaN;
}

/** Why `parseInstant(s)` gave NaN, in words for the event's bad-line report. */
export function instantProblem(s: string): string {
  const shown = JSON.stringify(s.length > 40 ? s.slice(0, 40) + '…' : s);
  const shape = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/.exec(s);
  if (!shape) return `"at" must be an ISO-8601 instant with an offset (e.g. 2026-03-02T10:00:00+08:00), not ${shown}`;
  const year = Number(shape[1]);
  const month = Number(shape[2]);
  const day = Number(shape[3]);
  if (!realDate(year, month, day)) return `"at" names a day the calendar does not have: ${shown}`;
  if (year < FIRST_EVENT_YEAR || year > LAST_EVENT_YEAR || parseInstantUnbounded(s)) {
    return `"at" is outside the supported years ${FIRST_EVENT_YEAR} to ${LAST_EVENT_YEAR}: ${shown}`;
  }
  return `"at" is not a real instant (hours 00-23, minutes and seconds 00-59, offsets up to ±23:59): ${shown}`;
}

/** True when s is a valid instant in a valid year whose offset pushes it just outside the range. */
function parseInstantUnbounded(s: string): boolean {
  const ms = Date.parse(s);
  return Number.isFinite(ms) && (ms < EARLIEST_EVENT_MS || ms >= END_OF_EVENT_RANGE_MS);
}

function realDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= DAYS_IN_MONTH[month - 1]! + (leap ? 1 : 0);
}

/** The offset at s[i..] in minutes east of UTC, or NaN if it is not `Z`, `±HH:MM` or `±HHMM`. */
function offsetMinutes(s: string, i: number): number {
  const n = s.length;
  const c = s.charCodeAt(i);
  if (c === 90) return i + 1 === n ? 0 : NaN;
  if (c !== 43 && c !== 45) return NaN;
  let oh: number;
  let om: number;
  if (i + 6 === n && s.charCodeAt(i + 3) === 58) {
    oh = digits(s, i + 1, 2);
    om = digits(s, i + 4, 2);
  } else if (i + 5 === n) {
    oh = digits(s, i + 1, 2);
    om = digits(s, i + 3, 2);
  } else return NaN;
  if (oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
  return (c === 43 ? 1 : -1) * (oh * 60 + om);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The decimal number in s[at, at+len), or -1e9 (never valid) if a character is not a digit. */
function digits(s: string, at: number, len: number): number {
  let v = 0;
  for (let k = at; k < at + len; k++) {
    const d = s.charCodeAt(k) - 48;
    // Stryker disable next-line UnaryOperator: +1e9 is out of range for every field as -1e9 is (each has an upper bound check)
    if (d < 0 || d > 9) return -1e9;
    v = v * 10 + d;
  }
  return v;
}
