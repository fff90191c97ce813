import { DateTime } from 'luxon';
import type * as A from '../../parser/ast.js';
import { D } from '../../parser/diagnostic-codes.js';
import type { IR } from '../../ir/schema.js';
import type { Checker } from './scopes.js';
import { MAX_DURATION_MS, parseDurationText } from '../../stdlib/durations.js';

/** Small checks every construct uses: durations, positive counts and `every …` calendars. */

export function duration(cx: Checker, d: A.Duration, what: string): number {
  // Missing (a syntax error) or not a duration (E0006): reported by the parser already.
  if (d.text === '' || parseDurationText(d.text) === undefined) return 1;
  if (!(d.ms > 0)) {
    cx.bag.report(D.E0303.zero(what, d.text), d.span);
    return 1;
  }
  if (d.ms > MAX_DURATION_MS) {
    cx.bag.report(D.E0303.overTenYears(what, d.text), d.span, 'durations use s, m, h, d and w; did you mean a smaller unit?');
    return MAX_DURATION_MS;
  }
  if (!Number.isInteger(d.ms)) return Math.round(d.ms);
  return d.ms;
}

export function positiveInt(cx: Checker, n: number, span: A.Span, what: string): number {
  if (!Number.isInteger(n) || n < 1) {
    cx.bag.report(D.E0604.notPositive(what), span);
    return 1;
  }
  return n;
}

/** `every …` of schedules, jobs and leaderboards. */
export function calendar(cx: Checker, c: A.Calendar): IR['jobs'][number]['calendar'] {
  if (c.between) {
    if (c.kind === 'weekly' && c.weekdays.length === 0) cx.bag.report(D.E0308.noWeekday(), c.span);
    const monthDays = [...new Set(c.monthDays)].filter((d) => d >= 1 && d <= 31).sort((a, b) => a - b);
    return { kind: c.kind, weekdays: c.weekdays, monthDays, times: [c.between.from], between: { from: c.between.from, to: c.between.to } };
  }
  if (c.times.length === 0) cx.bag.report(D.E0304.noTime(), c.span, 'write e.g. `every mon-fri 19:20` or `every day at 09:00`');
  if (c.kind === 'weekly' && c.weekdays.length === 0) cx.bag.report(D.E0308.noWeekday(), c.span);
  return {
    kind: c.kind,
    weekdays: c.weekdays,
    monthDays: [...new Set(c.monthDays)].filter((d) => d >= 1 && d <= 31).sort((a, b) => a - b),
    times: c.times.length ? [...new Set(c.times)].sort((a, b) => a - b) : [0],
  };
}

/** A `YYYY-MM-DD` that names a real day, or E0302. */
export function calendarDate(cx: Checker, d: { date: string; span: A.Span }): DateTime | undefined {
  const dt = DateTime.fromISO(d.date, { zone: 'UTC' });
  if (!dt.isValid) {
    cx.bag.report(D.E0302.notADate(d.date), d.span, dt.invalidExplanation ?? undefined);
    return undefined;
  }
  return dt;
}

/**
 * A local wall-clock time as minutes since 1970-01-01 00:00 on the wall, to order dates and
 * times of day without a zone: the playbook's zone maps them to instants in the same order,
 * except inside a repeated hour, which no check here depends on.
 */
export function wallMinutes(day: DateTime, minutes: number): number {
  return Math.round(day.toMillis() / 60_000) + minutes;
}
