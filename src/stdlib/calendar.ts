import { DateTime } from 'luxon';
import { drawInt } from './arithmetic.js';

/** When a calendar fires: the IR's `Calendar` (docs/runtime.md), declared here by shape. */
export interface Calendar {
  kind: 'daily' | 'weekly' | 'monthly';
  /** ISO weekdays, 1 = Monday. */
  weekdays: readonly number[];
  monthDays: readonly number[];
  /** Minutes after local midnight. */
  times: readonly number[];
  /** A daily window [from, to) in minutes: each matching day fires once, at a drawn minute. */
  between?: { from: number; to: number } | undefined;
}

/**
 * Calendar arithmetic in the playbook's time zone. Wall-clock times are resolved with luxon, so
 * "09:00 every Monday" is 09:00 local on both sides of a DST change. A wall time that does not
 * exist (skipped by a spring-forward) moves forward by the length of the gap (02:30 becomes
 * 03:30), and one that happens twice (fall back) is its first occurrence, as luxon resolves them
 * (docs/language.md, "Daylight-saving time").
 */

const DAY_MS = 86_400_000;

/**
 * The first occurrence of `cal` at or after `fromMs`. A calendar with a window (`between`) fires
 * at one minute of it per matching day, drawn from `salt` and the local date alone, so the same
 * day always gives the same minute, whenever and however often it is asked for (a resumed
 * snapshot, a split stream) (docs/language.md, "Random times").
 */
export function nextOccurrence(cal: Calendar, zone: string, fromMs: number, salt = ''): number {
  let day = DateTime.fromMillis(fromMs, { zone }).startOf('day');
  // A year of days always contains a match for any valid calendar (the 31st exists in some months).
  for (let i = 0; i < 400; i++) {
    if (dayMatches(cal, day)) {
      const times = cal.between ? [drawnMinute(cal.between, salt, day.toISODate() ?? '')] : cal.times;
      for (const minutes of times) {
        const at = day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 });
        const ms = at.toMillis();
        if (ms >= fromMs) return ms;
      }
    }
    day = day.plus({ days: 1 }).startOf('day');
  }
  return fromMs + 366 * DAY_MS;
}

/** The minute of a window drawn for one local date: from `from` (included) to `to` (excluded). */
export function drawnMinute(window: { from: number; to: number }, salt: string, isoDate: string): number {
  return drawInt(`${salt}|between|${isoDate}`, window.from, window.to - 1) ?? window.from;
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

/**
 * A local date and time of day (minutes after midnight) as an instant. A time skipped by a
 * spring-forward moves forward by the gap (02:30 becomes 03:30); a time that happens twice on a
 * fall-back day is its first occurrence, at the earlier offset.
 */
export function localInstant(date: string, minutes: number, zone: string): number {
  return DateTime.fromISO(date, { zone })
    .set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 })
    .toMillis();
}

/** Local midnight after an ISO date: a stage `to 2026-10-31` runs to the end of that day. */
export function endOfLocalDate(date: string, zone: string): number {
  return DateTime.fromISO(date, { zone }).plus({ days: 1 }).startOf('day').toMillis();
}

/**
 * UTC offset (minutes) of the zone at an instant. Offsets only change on quarter-hour
 * boundaries, so one luxon lookup per zone and 15-minute bucket serves every instant in it; this
 * keeps luxon's Intl formatting out of the per-event path.
 */
// Stryker disable next-line ArithmeticOperator: a bucket of any size gives the same offsets (offsets change on quarter hours); only the cache hits change
const BUCKET_MS = 15 * 60_000;
const offsetCache = new Map<string, Map<number, number>>();
// Stryker disable next-line ObjectLiteral,StringLiteral: the first call misses this one-entry cache whatever it starts with
const lastOffset = { zone: '', bucket: NaN, off: 0 };
export function zoneOffsetMinutes(ms: number, zone: string): number {
  // Stryker disable next-line ArithmeticOperator: a wrong bucket only misses the one-entry cache; the offset is looked up again, the same
  const bucketOfMs = Math.floor(ms / BUCKET_MS);
  if (bucketOfMs === lastOffset.bucket && zone === lastOffset.zone) return lastOffset.off;
  let byZone = offsetCache.get(zone);
  if (!byZone) offsetCache.set(zone, (byZone = new Map<number, number>()));
  const bucket = Math.floor(ms / BUCKET_MS);
  let off = byZone.get(bucket);
  if (off === undefined) {
    off = DateTime.fromMillis(bucket * BUCKET_MS, { zone }).offset;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: clearing the cache sooner, later or never changes no offset, only memory
    if (byZone.size > 200_000) byZone.clear();
    byZone.set(bucket, off);
  }
  lastOffset.zone = zone;
  lastOffset.bucket = bucket;
  lastOffset.off = off;
  return off;
}

/** The local wall-clock fields of an instant, read from a shifted UTC date. */
function local(ms: number, zone: string): Date {
  return new Date(ms + zoneOffsetMinutes(ms, zone) * 60_000);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A key naming the local calendar period that contains `ms` (caps reset when it changes). */
export function periodKey(ms: number, zone: string, per: 'day' | 'week' | 'month'): string {
  const d = local(ms, zone);
  switch (per) {
    case 'day':
      return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    case 'week': {
      // ISO week: the week (Mon..Sun) belongs to the year of its Thursday.
      const dayNum = Math.floor(d.getTime() / DAY_MS);
      const weekday = ((d.getUTCDay() + 6) % 7) + 1;
      const thursday = new Date((dayNum - weekday + 4) * DAY_MS);
      const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1) / DAY_MS;
      const week = Math.floor((dayNum - weekday + 4 - yearStart) / 7) + 1;
      return `${thursday.getUTCFullYear()}-W${week}`;
    }
    case 'month':
      return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
  }
}

/** Local day number (days since 1970-01-01 in the zone), for streaks and daily buckets. */
export function localDayNumber(ms: number, zone: string): number {
  // The arithmetic of local(), without its Date: every award of a capped points entry reads it.
  return Math.floor((ms + zoneOffsetMinutes(ms, zone) * 60_000) / DAY_MS);
}

/** ISO-8601 text of an instant with the zone's offset, e.g. 2026-03-02T10:00:00+08:00. */
export function isoInZone(ms: number, zone: string): string {
  // ISO-8601 offsets have whole minutes; a local-mean-time offset (some zones until the 1970s)
  // is rounded, and the local time shown with it, so the text still names exactly `ms`.
  const off = Math.round(zoneOffsetMinutes(ms, zone));
  const local = ms + off * 60_000;
  const day = Math.floor(local / DAY_MS);
  // Every action carries one of these; the date part and the offset change rarely, so they are
  // cached and the time of day is built from a table of two-digit strings.
  if (day !== lastIso.day || off !== lastIso.off || zone !== lastIso.zone) {
    const d = new Date(day * DAY_MS);
    const sign = off < 0 ? '-' : '+';
    const abs = Math.abs(off);
    lastIso.day = day;
    lastIso.off = off;
    lastIso.zone = zone;
    lastIso.date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T`;
    lastIso.suffix = off === 0 && (zone === 'UTC' || zone === 'Etc/UTC') ? 'Z' : `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  }
  let r = local - day * DAY_MS;
  const millis = r % 1000;
  r = (r - millis) / 1000;
  const sec = r % 60;
  r = (r - sec) / 60;
  const min = r % 60;
  const hour = (r - min) / 60;
  const frac = millis ? `.${THREE_DIGITS[millis]}` : '';
  return `${lastIso.date}${TWO_DIGITS[hour]}:${TWO_DIGITS[min]}:${TWO_DIGITS[sec]}${frac}${lastIso.suffix}`;
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
// Stryker disable next-line ObjectLiteral,StringLiteral: the first call misses this cache whatever it starts with, and sets date and suffix
const lastIso = { day: NaN, off: NaN, zone: '', date: '', suffix: '' };
