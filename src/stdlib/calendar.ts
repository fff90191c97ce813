import { DateTime } from 'luxon';
import type { Calendar } from '../compiler/ir.js';

/**
 * Calendar arithmetic in the playbook's time zone. Wall-clock times are resolved with luxon, so
 * "09:00 every Monday" is 09:00 local on both sides of a DST change. A wall time that does not
 * exist (skipped by a spring-forward) moves to the first valid instant after it, as luxon does.
 */

const DAY_MS = 86_400_000;

/** The first occurrence of `cal` at or after `fromMs`. */
export function nextOccurrence(cal: Calendar, zone: string, fromMs: number): number {
  let day = DateTime.fromMillis(fromMs, { zone }).startOf('day');
  // A year of days always contains a match for any valid calendar (the 31st exists in some months).
  for (let i = 0; i < 400; i++) {
    if (dayMatches(cal, day)) {
      for (const minutes of cal.times) {
        const at = day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 });
        const ms = at.toMillis();
        if (ms >= fromMs) return ms;
      }
    }
    day = day.plus({ days: 1 }).startOf('day');
  }
  return fromMs + 366 * DAY_MS;
}

function dayMatches(cal: Calendar, day: DateTime): boolean {
  switch (cal.kind) {
    case 'daily':
      return true;
    case 'weekly':
      return cal.weekdays.includes(day.weekday);
    case 'monthly':
      return cal.monthDays.includes(day.day);
  }
}

/** Local midnight at the start of an ISO date (`2026-10-20`) in the zone. */
export function startOfLocalDate(date: string, zone: string): number {
  return DateTime.fromISO(date, { zone }).startOf('day').toMillis();
}

/** Local midnight after an ISO date: a stage `to 2026-10-31` runs to the end of that day. */
export function endOfLocalDate(date: string, zone: string): number {
  return DateTime.fromISO(date, { zone }).plus({ days: 1 }).startOf('day').toMillis();
}

/** A key naming the local calendar period that contains `ms` (caps reset when it changes). */
export function periodKey(ms: number, zone: string, per: 'day' | 'week' | 'month'): string {
  const dt = DateTime.fromMillis(ms, { zone });
  switch (per) {
    case 'day':
      return dt.toFormat('yyyy-LL-dd');
    case 'week':
      return `${dt.weekYear}-W${dt.weekNumber}`;
    case 'month':
      return dt.toFormat('yyyy-LL');
  }
}

/** Local day number (days since 1970-01-01 in the zone), for streaks and daily buckets. */
export function localDayNumber(ms: number, zone: string): number {
  const dt = DateTime.fromMillis(ms, { zone });
  return Math.round(DateTime.utc(dt.year, dt.month, dt.day).toMillis() / DAY_MS);
}

/** ISO-8601 text of an instant with the zone's offset, e.g. 2026-03-02T10:00:00.000+08:00. */
export function isoInZone(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }) ?? new Date(ms).toISOString();
}
