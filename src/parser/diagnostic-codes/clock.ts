/**
 * The checker's codes for the clock and chance conditions (`time between …`, `weekday is …`,
 * `date is …`, `member.age`, `chance 10%`; docs/language.md, "Time of day, weekday and date").
 */
import { error, q, warning } from './spec.js';

export const CLOCK_CODES = {
  E0230: error('not a time of day', {
    outOfRange: (text: string) => `${q(text)} is not a time of day: times are HH:MM from 00:00 to 23:59`,
    withSeconds: (text: string) => `${q(text)} has seconds: a time of day is compared to the minute`,
    number: (text: string) => `${q(text)} is a number, not a time of day`,
    date: (text: string) => `${q(text)} is a date, not a time of day`,
    amPm: (text: string) => `${q(text)} is not a time of day: times are written on the 24-hour clock`,
  }),
  E0231: error('time of day compared with a duration', {
    duration: (text: string) => `\`time\` is a time of day and ${q(text)} a duration: they cannot be compared`,
  }),
  E0232: error('unknown weekday', {
    unknownWeekday: (word: string) => `${q(word)} is not a weekday`,
    groupInRange: (word: string) => `${q(word)} is a group of days and cannot start or end a range`,
  }),
  E0233: error('not a date', {
    notADate: (text: string) => `${q(text)} is not a calendar date (YYYY-MM-DD)`,
  }),
  E0234: error('chance out of range', {
    outOfRange: (text: string) => `a chance of ${q(text + '%')} is impossible: a chance is from 0% to 100%`,
    tooFine: (text: string) => `a chance of ${q(text + '%')} is finer than 0.0001%`,
    noPercent: (text: string) => `a chance is a percentage: ${q(text)} needs its \`%\``,
    duration: (text: string) => `a chance is a percentage, not the duration ${q(text)}`,
  }),
  E0235: error('member age compared with a number', {
    notADuration: (op: string, what: string) => `\`member.age\` is a duration and cannot be compared (${op}) with ${what}`,
  }),
  W0210: warning('clock condition always or never true', {
    emptyBetween: (text: string) => `\`time between ${text} and ${text}\` is never true: the end is not included`,
    certainChance: (text: string) => `\`chance ${text}%\` is always true`,
    impossibleChance: (text: string) => `\`chance ${text}%\` is never true`,
    allWeek: () => 'this names every day of the week, so it is always true',
  }),
} as const;
