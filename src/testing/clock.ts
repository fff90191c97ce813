import { DateTime } from 'luxon';

/**
 * Instants in a test. Dates and times without an offset are read in the playbook's time zone,
 * because that is the clock operators think in ("the 19:20 session").
 */

/** The default start of every test: a Monday morning, local time in the playbook's zone. */
export const DEFAULT_START = '2026-03-02T10:00';

/**
 * An instant from `2026-03-02`, `2026-03-02T10:00`, `2026-03-02 10:00` (a space for the `T`, as
 * people write it), `2026-11-01T03:30Z` or `2026-03-02T10:00:00+08:00`; undefined if not a real one.
 */
export function parseInstant(text: string, zone: string): number | undefined {
  const dt = DateTime.fromISO(text.replace(' ', 'T'), { zone });
  return dt.isValid ? dt.toMillis() : undefined;
}

/** The forms of an instant a test file accepts, for hints. */
export const INSTANT_FORMS = "2026-11-01 11:30 or 2026-11-01T11:30 (in the playbook's time zone), 2026-11-01T03:30Z (UTC) or 2026-11-01T11:30+08:00";

/** What to write instead of a text that looks like a date and time but is not one of the forms. */
export function instantHint(text: string): string {
  if (/^\d{4}[/.]/.test(text)) return `write the date with dashes, year first: ${INSTANT_FORMS}`;
  if (!/^\d{4}-\d{2}-\d{2}(?![\d])/.test(text)) return `write the month and the day with two digits each (2026-03-02): ${INSTANT_FORMS}`;
  if (/^.{10}[T ]\d(?!\d)/.test(text)) return `write the hour with two digits (09:30): ${INSTANT_FORMS}`;
  if (/[+-]\d(?:$|\D)|[+-]\d{3}/.test(text.slice(11))) return 'write the UTC offset with two-digit hours and minutes: +08:00, -05:00, or Z for UTC';
  return `write ${INSTANT_FORMS}`;
}

/** The first instant at or after `from` at which the local clock shows hour:minute:second. */
export function nextClockTime(from: number, hour: number, minute: number, second: number, zone: string): number {
  let day = DateTime.fromMillis(from, { zone }).startOf('day');
  for (let i = 0; i < 3; i++) {
    const at = day.set({ hour, minute, second, millisecond: 0 }).toMillis();
    if (at >= from) return at;
    day = day.plus({ days: 1 });
  }
  return from;
}

/** `+1d2h` style offset of `ms` from the test's start, for explanations. */
export function formatOffset(ms: number): string {
  if (ms <= 0) return '+0s';
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  let rest = ms;
  let out = '+';
  for (const [u, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${u}`;
      rest -= n * size;
    }
  }
  return out === '+' ? `+${ms}ms` : out;
}
