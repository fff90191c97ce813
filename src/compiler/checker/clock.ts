import { DateTime } from 'luxon';
import type * as A from '../../parser/ast.js';
import { D } from '../../parser/diagnostic-codes.js';
import { WEEKDAY_GROUPS, WEEKDAYS } from '../../parser/weekdays.js';
import { didYouMean } from '../../stdlib/suggest.js';
import type { Cond } from '../../ir/schema.js';
import { MEMBER_ATTRS, type Checker } from './scopes.js';

/** Member values a condition can read: the template ones (scopes.ts) and `age`, a duration. */
export const CONDITION_MEMBER_ATTRS = [...MEMBER_ATTRS, 'age'] as const;

/**
 * `member.age` is a duration: compared with a duration (`member.age < 10m`), never with a bare
 * number, whose unit the checker cannot guess (E0235).
 */
export function ageComparison(cx: Checker, c: Extract<A.Condition, { kind: 'compare' }>, types: readonly [string, string]): void {
  const sides = [c.left, c.right] as const;
  sides.forEach((side, i) => {
    const type = types[i]!;
    if (type === 'duration' || type === 'unknown' || side.kind === 'duration') return;
    const hint =
      side.kind === 'number' ? `give it a unit: \`${side.value}m\`, \`${side.value}h\` or \`${side.value}d\`` : 'compare it with a duration such as `10m`';
    cx.bag.report(D.E0235.notADuration(c.op, side.kind === 'number' ? `the number ${side.value}` : `a ${type}`), side.span, hint);
  });
}

/**
 * The clock and chance conditions (docs/language.md, "Time of day, weekday and date" and
 * "Randomness"), lowered to comparisons of the IR's clock values and of a seeded draw, so both
 * engines evaluate them with the comparisons they already have:
 * - `time between A and B` is `A <= minute < B`, or `minute >= A or minute < B` when it crosses
 *   midnight; `time >= 09:00` compares the minute of the day;
 * - `weekday is sat` / `in [..]` tests the ISO weekday; `date is D` compares the local date;
 * - `chance P%` is `random(1, 1000000) <= P × 10000`, a draw like any `random(…)`.
 */

type ClockCondition = Extract<A.Condition, { kind: 'clockTime' | 'weekday' | 'clockDate' | 'chance' }>;

const OPS = { '==': 'eq', '!=': 'ne', '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' } as const;
/** `chance` draws one of a million: percentages to four decimals. */
const CHANCE_SCALE = 1_000_000;
const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const NEVER: Cond = { any: [] };

export function clockCond(cx: Checker, c: ClockCondition): Cond {
  switch (c.kind) {
    case 'clockTime': {
      const minutes = c.values.map((v) => timeOfDay(cx, v));
      if (minutes.some((m) => m === undefined)) return NEVER;
      const [a, b] = minutes as [number, number | undefined];
      const minute = { clock: 'minute' } as const;
      if (c.op !== 'between') return { op: OPS[c.op], left: minute, right: { const: a } };
      const from: Cond = { op: 'gte', left: minute, right: { const: a } };
      const to: Cond = { op: 'lt', left: minute, right: { const: b! } };
      if (a === b) {
        cx.bag.report(D.W0210.emptyBetween(c.values[0]!.text), c.span, 'for the whole day leave the condition out; for one minute write `time == HH:MM`');
        return NEVER;
      }
      return a < b! ? { all: [from, to] } : { any: [from, to] };
    }
    case 'weekday': {
      const days = weekdays(cx, c.days);
      if (days.length === 7) cx.bag.report(D.W0210.allWeek(), c.span, 'leave the condition out');
      const tests: Cond[] = days.map((d) => ({ op: 'eq', left: { clock: 'weekday' }, right: { const: d } }));
      return tests.length === 1 ? tests[0]! : { any: tests };
    }
    case 'clockDate': {
      const d = localDate(cx, c.date);
      return d === undefined ? NEVER : { op: OPS[c.op], left: { clock: 'date' }, right: { const: d } };
    }
    case 'chance': {
      const threshold = chance(cx, c);
      if (threshold === undefined) return NEVER;
      // A draw of its own, numbered with the `random(…)` draws: two chances on one event differ.
      return { op: 'lte', left: { fn: 'random', args: [{ const: 1 }, { const: CHANCE_SCALE }], draw: `chance:${++cx.draws}` }, right: { const: threshold } };
    }
  }
}

/** Minutes after midnight of `HH:MM`, or a report of what was written instead. */
function timeOfDay(cx: Checker, v: A.ClockOperand): number | undefined {
  if (v.text === '') return undefined; // inserted by recovery: the syntax error is reported
  switch (v.kind) {
    case 'time': {
      const [h, m, s] = v.text.split(':').map(Number) as [number, number, number | undefined];
      if (s !== undefined) {
        cx.bag.report(D.E0230.withSeconds(v.text), v.span, `write \`${hhmm(h, m)}\``);
        return undefined;
      }
      if (h > 23 || m > 59) {
        cx.bag.report(D.E0230.outOfRange(v.text), v.span, h === 24 && m === 0 ? 'midnight is `00:00`' : 'write HH:MM, e.g. `23:00`');
        return undefined;
      }
      return h * 60 + m;
    }
    case 'number': {
      const [h, m = ''] = v.text.split('.');
      const hour = Number(h);
      const minute = m === '' ? 0 : Number(m.padEnd(2, '0'));
      const hint = hour <= 23 && minute <= 59 && m.length <= 2 ? `did you mean \`${hhmm(hour, minute)}\`?` : 'a time of day is HH:MM, e.g. `09:00`';
      cx.bag.report(D.E0230.number(v.text), v.span, hint);
      return undefined;
    }
    case 'duration': {
      const amPm = /^(\d{1,2})(am|pm)$/i.exec(v.text);
      if (amPm) {
        const h = (Number(amPm[1]) % 12) + (amPm[2]!.toLowerCase() === 'pm' ? 12 : 0);
        cx.bag.report(D.E0230.amPm(v.text), v.span, Number(amPm[1]) <= 12 ? `write \`${hhmm(h, 0)}\`` : 'write HH:MM, e.g. `21:00`');
        return undefined;
      }
      cx.bag.report(D.E0231.duration(v.text), v.span, 'write a time of day such as `09:00`; to test how long ago a member joined, compare `member.age < 10m`');
      return undefined;
    }
    case 'date':
      cx.bag.report(D.E0230.date(v.text), v.span, `to test the day, write \`date is ${v.text}\``);
      return undefined;
  }
}

const hhmm = (h: number, m: number) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;

/** ISO weekdays named by the items, sorted; the calendar's words (`mon`, `周六`, `weekend`, `mon-fri`). */
function weekdays(cx: Checker, items: readonly A.WeekdayItem[]): number[] {
  const out = new Set<number>();
  const known = [...Object.keys(WEEKDAYS), ...Object.keys(WEEKDAY_GROUPS)];
  const day = (w: A.Ident): number | undefined => {
    const d = WEEKDAYS[w.name.toLowerCase()];
    if (d !== undefined) return d;
    if (WEEKDAY_GROUPS[w.name] !== undefined) cx.bag.report(D.E0232.groupInRange(w.name), w.span, 'a range goes from one day to another, e.g. `mon-fri`');
    else
      cx.bag.report(
        D.E0232.unknownWeekday(w.name),
        w.span,
        didYouMean(w.name, known) ?? `weekdays are ${DAY_NAMES.join(', ')}, 周一 … 周日, or weekdays, weekend, 工作日, 周末`,
      );
    return undefined;
  };
  for (const item of items) {
    if (item.from.name === '') continue; // inserted by recovery
    const group = item.to ? undefined : WEEKDAY_GROUPS[item.from.name];
    if (group) {
      group.forEach((d) => out.add(d));
      continue;
    }
    const from = day(item.from);
    const to = item.to ? day(item.to) : from;
    if (from === undefined || to === undefined) continue;
    // `fri-mon` wraps over the weekend, as in calendars.
    for (let d = from; ; d = (d % 7) + 1) {
      out.add(d);
      if (d === to) break;
    }
  }
  return [...out].sort((x, y) => x - y);
}

function localDate(cx: Checker, v: A.ClockOperand): string | undefined {
  if (v.text === '') return undefined;
  if (v.kind !== 'date') {
    cx.bag.report(D.E0233.notADate(v.text), v.span, 'write the date as YYYY-MM-DD, e.g. `date is 2026-11-11`');
    return undefined;
  }
  const dt = DateTime.fromISO(v.text, { zone: 'UTC' });
  if (!dt.isValid) {
    cx.bag.report(D.E0233.notADate(v.text), v.span, dt.invalidExplanation ?? 'write the date as YYYY-MM-DD');
    return undefined;
  }
  return v.text;
}

/** The draw's threshold out of CHANCE_SCALE. */
function chance(cx: Checker, c: Extract<A.Condition, { kind: 'chance' }>): number | undefined {
  const v = c.percent;
  if (v.text === '') return undefined;
  if (v.kind === 'duration' || v.kind === 'time' || v.kind === 'date') {
    cx.bag.report(D.E0234.duration(v.text), v.span, 'write a percentage, e.g. `chance 10%`');
    return undefined;
  }
  const p = Number(v.text);
  if (!c.hasPercentSign) {
    cx.bag.report(
      D.E0234.noPercent(v.text),
      v.span,
      p < 1 && p > 0 ? `write \`chance ${v.text}%\`, or \`chance ${+(p * 100).toFixed(4)}%\` for ${v.text} as a share` : `write \`chance ${v.text}%\``,
    );
    return undefined;
  }
  if (p > 100) {
    cx.bag.report(D.E0234.outOfRange(v.text), v.span, 'write a percentage from 0% to 100%, e.g. `chance 10%`');
    return undefined;
  }
  const threshold = Math.round((p * CHANCE_SCALE) / 100);
  if (Math.abs(threshold - (p * CHANCE_SCALE) / 100) > 1e-6) {
    cx.bag.report(D.E0234.tooFine(v.text), v.span, 'round it to four decimals, e.g. `chance 0.0001%`');
    return undefined;
  }
  if (threshold === 0) cx.bag.report(D.W0210.impossibleChance(v.text), c.span, 'leave the rule out, or give a chance above 0%');
  if (threshold === CHANCE_SCALE) cx.bag.report(D.W0210.certainChance(v.text), c.span, 'leave the condition out');
  return threshold;
}
