/**
 * What an operator probably meant by a duration the language does not read (`10 minutes`, `5days`,
 * `P1M`): the hints of E0006 and of the syntax error for a number without its unit. Imports only
 * the stdlib.
 */

const UNIT_WORDS: readonly (readonly [unit: string, words: readonly string[]])[] = [
  ['ms', ['msec', 'msecs', 'millisecond', 'milliseconds', '毫秒']],
  ['s', ['sec', 'secs', 'second', 'seconds', '秒', '秒钟']],
  ['m', ['min', 'mins', 'minute', 'minutes', '分', '分钟']],
  ['h', ['hr', 'hrs', 'hour', 'hours', '小时', '时', '个小时']],
  ['d', ['day', 'days', '天', '日']],
  ['w', ['wk', 'wks', 'week', 'weeks', '周', '星期', '个星期']],
];
/** Words of calendar units with no fixed length, and the days the hint offers for one of them. */
const LONG_UNITS: readonly (readonly [days: number, words: readonly string[]])[] = [
  [30, ['mo', 'mos', 'mon', 'month', 'months', '月', '个月']],
  [365, ['y', 'yr', 'yrs', 'year', 'years', '年']],
];

const UNITS_LIST = 'the units are `ms`, `s`, `m`, `h`, `d` and `w`, glued to the number';

/** The unit a word stands for (`minutes` → `m`), the days of a month or year word, or undefined. */
export function unitOfWord(word: string): { unit: string } | { days: number } | undefined {
  const w = word.toLowerCase();
  for (const [unit, words] of UNIT_WORDS) if (words.includes(w) || unit === w) return { unit };
  for (const [days, words] of LONG_UNITS) if (words.includes(w)) return { days };
  return undefined;
}

function suggestion(amount: string, word: string): string | undefined {
  const u = unitOfWord(word);
  if (!u) return undefined;
  if ('unit' in u) return `did you mean \`${amount}${u.unit}\`?`;
  const days = Math.round(Number(amount) * u.days);
  return `a ${u.days === 30 ? 'month' : 'year'} has no fixed length, so there is no such unit: did you mean \`${days}d\`?`;
}

/** The hint for a token read as a duration that is not one (`10x`, `5days`, `P1M`). */
export function badDurationHint(text: string): string {
  if (text.startsWith('P')) {
    return 'ISO-8601 durations are read with weeks, days, hours, minutes and seconds (`PT5M`, `P1D`, `PT1H30M`); months and years have no fixed length: write days, e.g. `30d`';
  }
  const m = /^(\d+(?:\.\d+)?)(.*)$/su.exec(text);
  const fix = m ? suggestion(m[1]!, m[2]!) : undefined;
  return fix ?? `${UNITS_LIST}, e.g. \`10m\`, \`24h\`, \`1h30m\``;
}

/** The hint for a number written where a duration is expected, followed by `next` (`10 minutes`). */
export function numberWithoutUnitHint(amount: string, next: string | undefined): string {
  const fix = next === undefined ? undefined : suggestion(amount, next);
  return fix ?? `a duration needs its unit: ${UNITS_LIST}, e.g. \`${amount}m\``;
}
