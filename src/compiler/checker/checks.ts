import type * as A from '../../parser/ast.js';
import { D } from '../../parser/diagnostic-codes.js';
import type { IR } from '../../ir/schema.js';
import type { Checker } from './scopes.js';
import { parseDurationText } from '../../stdlib/durations.js';

/** Small checks every construct uses: durations, positive counts and `every …` calendars. */

const MAX_DURATION_MS = 10 * 366 * 86_400_000;

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
  if (c.times.length === 0) cx.bag.report(D.E0304.noTime(), c.span, 'write e.g. `every mon-fri 19:20` or `every day at 09:00`');
  if (c.kind === 'weekly' && c.weekdays.length === 0) cx.bag.report(D.E0308.noWeekday(), c.span);
  return {
    kind: c.kind,
    weekdays: c.weekdays,
    monthDays: [...new Set(c.monthDays)].filter((d) => d >= 1 && d <= 31).sort((a, b) => a - b),
    times: c.times.length ? [...new Set(c.times)].sort((a, b) => a - b) : [0],
  };
}
