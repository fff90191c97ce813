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
  // Two digits at a time: a field with a character other than a digit is out of its range below.
  const year = two(s, 0) * 100 + two(s, 2);
  const month = two(s, 5);
  const day = two(s, 8);
  const hour = two(s, 11);
  const minute = two(s, 14);
  let i = 16;
  let second = 0;
  let millis = 0;
  if (s.charCodeAt(i) === 58) {
    second = two(s, i + 1);
    i += 3;
    if (s.charCodeAt(i) === 46) {
      const start = ++i;
      while (i < n && isDigit(s.charCodeAt(i))) i++;
      const len = i - start;
      if (len < 1 || len > 9) return NaN;
      millis = (s.charCodeAt(start) - 48) * 100 + (len > 1 ? (s.charCodeAt(start + 1) - 48) * 10 : 0) + (len > 2 ? s.charCodeAt(start + 2) - 48 : 0);
    }
  }
  if (year < FIRST_EVENT_YEAR || year > LAST_EVENT_YEAR || !realDate(year, month, day)) return NaN;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return NaN;
  const offset = offsetMinutes(s, i);
  if (Number.isNaN(offset)) return NaN;
  // Day arithmetic rather than Date.UTC, which costs more than the rest of this function: every event's `at` is read here.
  const ms = daysFromCivil(year, month, day) * DAY_MS + hour * 3_600_000 + minute * 60_000 + second * 1000 + millis - offset * 60_000;
  return ms >= EARLIEST_EVENT_MS && ms < END_OF_EVENT_RANGE_MS ? ms : NaN;
}

const DAY_MS = 86_400_000;

/**
 * Days from 1970-01-01 to a date of the proleptic Gregorian calendar (years from 1 on), as
 * `Date.UTC(year, month - 1, day) / DAY_MS` gives it for a real date: the year is counted from
 * March, so the leap day is the last of its year, in 400-year eras of 146,097 days.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
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
    oh = two(s, i + 1);
    om = two(s, i + 4);
  } else if (i + 5 === n) {
    oh = two(s, i + 1);
    om = two(s, i + 3);
  } else return NaN;
  if (oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
  return (c === 43 ? 1 : -1) * (oh * 60 + om);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The two-digit number at s[at], or -1e9 (never valid) if either character is not a digit. */
function two(s: string, at: number): number {
  const a = s.charCodeAt(at) - 48;
  const b = s.charCodeAt(at + 1) - 48;
  // Stryker disable next-line UnaryOperator: +1e9 is out of range for every field as -1e9 is (each has an upper bound check)
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1e9;
}
