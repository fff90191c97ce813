import { localDayNumber, periodKey, zoneOffsetMinutes } from './calendar.js';

/**
 * The local wall clock of an instant in the playbook's time zone, as the clock conditions read it
 * (docs/language.md, "Time of day, weekday and date"): the minute of the day, the ISO weekday and
 * the date. The wall clock is what a clock on the wall shows at that instant: in an hour skipped by
 * a spring-forward no instant reads, and an hour repeated in autumn reads twice.
 */

export const CLOCK_PARTS = ['minute', 'weekday', 'date'] as const;
export type ClockPart = (typeof CLOCK_PARTS)[number];

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;

/** Minutes after local midnight, 0..1439; seconds are dropped, so 09:00:59 is minute 540. */
export function localMinute(ms: number, zone: string): number {
  const local = Math.floor((ms + zoneOffsetMinutes(ms, zone) * MINUTE_MS) / MINUTE_MS);
  return ((local % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
}

/** ISO weekday of the local date, 1 (Monday) to 7 (Sunday). 1970-01-01 was a Thursday. */
export function localWeekday(ms: number, zone: string): number {
  return ((((localDayNumber(ms, zone) + 3) % 7) + 7) % 7) + 1;
}

/** The local date, `YYYY-MM-DD`: ISO dates compare in time order as text. */
export function localDate(ms: number, zone: string): string {
  return periodKey(ms, zone, 'day');
}

export function clockValue(part: ClockPart, ms: number, zone: string): number | string {
  switch (part) {
    case 'minute':
      return localMinute(ms, zone);
    case 'weekday':
      return localWeekday(ms, zone);
    case 'date':
      return localDate(ms, zone);
  }
}
