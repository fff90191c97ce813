import type { BoardWindow } from '../../ir/schema.js';

const DAY = 86_400_000;

/**
 * The local days a calendar window covers, first and last included, for a board posted on local
 * day `today` (days numbered from 1970-01-01, src/stdlib/calendar.ts `localDayNumber`). Weeks
 * begin on Monday; months are calendar months (docs/language.md, "Leaderboards").
 */
export function windowDays(window: Exclude<BoardWindow, 'sinceLastPost' | 'allTime'>, today: number): [number, number] {
  switch (window) {
    case 'today':
      return [today, today];
    case 'yesterday':
      return [today - 1, today - 1];
    case 'thisWeek':
      return [monday(today), today];
    case 'lastWeek':
      return [monday(today) - 7, monday(today) - 1];
    case 'thisMonth':
      return [firstOfMonth(today, 0), today];
    case 'lastMonth':
      return [firstOfMonth(today, -1), firstOfMonth(today, 0) - 1];
  }
}

/** The Monday on or before `day`: day 0 (1970-01-01) was a Thursday, so `day + 3` is 0 modulo 7 on Mondays. */
function monday(day: number): number {
  return day - ((((day + 3) % 7) + 7) % 7);
}

/** The first day of the month `shift` months from the one holding `day`. */
function firstOfMonth(day: number, shift: number): number {
  const d = new Date(day * DAY);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + shift, 1) / DAY;
}
