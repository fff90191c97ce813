import { table } from '../stdlib/dict.js';

/** Weekday words and groups: looked up with words from the playbook, so tables (src/stdlib/dict.ts). */
export const WEEKDAYS = table<number>({
  mon: 1,
  monday: 1,
  tue: 2,
  tuesday: 2,
  wed: 3,
  wednesday: 3,
  thu: 4,
  thursday: 4,
  fri: 5,
  friday: 5,
  sat: 6,
  saturday: 6,
  sun: 7,
  sunday: 7,
  周一: 1,
  周二: 2,
  周三: 3,
  周四: 4,
  周五: 5,
  周六: 6,
  周日: 7,
  周天: 7,
});

export const WEEKDAY_GROUPS = table<readonly number[]>({
  weekday: [1, 2, 3, 4, 5],
  weekdays: [1, 2, 3, 4, 5],
  weekend: [6, 7],
  weekends: [6, 7],
  工作日: [1, 2, 3, 4, 5],
  周末: [6, 7],
});
