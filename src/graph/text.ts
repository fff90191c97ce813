import { LITERAL_CLOSE_BRACE, LITERAL_OPEN_BRACE } from '../parser/strings.js';
import type { Action, Audience, Calendar, Cond, CondValue, Counter, EventMatch, MemberFilter, TextPattern } from '../ir/schema.js';

/**
 * Plain-text summaries of IR pieces for diagram labels, written close to playbook syntax so an
 * operator recognises their own lines. The output is unescaped text; each diagram format escapes
 * it for itself. Quoted messages are shortened, because a diagram is a map, not the source.
 */

/** Longest message text shown inside quotes before it is cut with `…`. */
export const MAX_MESSAGE_CHARS = 40;
/** Longest condition shown before it is cut with `…`. */
export const MAX_CONDITION_CHARS = 120;

/** Cut to at most `max` code points (never inside a surrogate pair), marking the cut with `…`. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, Math.max(1, max - 1)).join('') + '…';
}

/** A string as the playbook source would write it: quotes, backslashes and control characters escaped. */
export function quote(text: string, max = MAX_MESSAGE_CHARS): string {
  const escaped = truncate(text, max)
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\t/g, '\\t')
    // The parser keeps `\{` and `\}` as private-use characters so they are not placeholders.
    .replaceAll(LITERAL_OPEN_BRACE, '\\{')
    .replaceAll(LITERAL_CLOSE_BRACE, '\\}')
    // Other control characters would be invisible or break a label line; show them as codes.
    // eslint-disable-next-line no-control-regex -- control characters are what this shows as codes
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
  return `"${escaped}"`;
}

const DAY = 86_400_000;
const UNITS: [string, number][] = [
  ['d', DAY],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
  ['ms', 1],
];

/**
 * `1209600000` -> `14d`, `86400000` -> `24h`: days from two days up and hours below, the way
 * operators write `30d`, `14d` and `24h`; `stdlib/durations.formatDuration` would say `2w`, `1d`.
 */
export function durationText(ms: number): string {
  if (ms <= 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of UNITS) {
    if (unit === 'd' && ms < 2 * DAY) continue;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

export function clockText(minutes: number): string {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** `[1,2,3,4,5]` -> `mon-fri`; runs of three or more days become ranges. */
export function weekdaysText(days: number[]): string {
  const sorted = [...new Set(days)].filter((d) => d >= 1 && d <= 7).sort((a, b) => a - b);
  if (sorted.length === 7) return 'day';
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    const first = WEEKDAYS[sorted[i]! - 1]!;
    const last = WEEKDAYS[sorted[j]! - 1]!;
    if (j - i >= 2) parts.push(`${first}-${last}`);
    else for (let k = i; k <= j; k++) parts.push(WEEKDAYS[sorted[k]! - 1]!);
    i = j + 1;
  }
  return parts.join(', ');
}

/** A calendar as the `every …` clause that would produce it. */
export function calendarText(cal: Calendar, durationMs?: number): string {
  const times = cal.times.map(clockText).join(', ');
  let text: string;
  if (cal.kind === 'monthly') text = `every month on ${cal.monthDays.join(', ')} at ${times}`;
  else if (cal.kind === 'daily' || cal.weekdays.length === 7) text = `every day at ${times}`;
  else text = `every ${weekdaysText(cal.weekdays)} at ${times}`;
  if (durationMs !== undefined && cal.times.length === 1) text += ` until ${clockText(cal.times[0]! + Math.round(durationMs / 60_000))}`;
  return text;
}

/** Looks up windowed counters by id, so `{counter: "n1"}` prints as the `count(…)` it came from. */
export type CounterTable = ReadonlyMap<string, Counter>;

export function counterTable(counters: readonly Counter[]): CounterTable {
  return new Map(counters.map((c) => [c.id, c]));
}

function constText(v: number | string | boolean): string {
  return typeof v === 'string' ? quote(v) : String(v);
}

export function valueText(v: CondValue, counters: CounterTable): string {
  if ('const' in v) return constText(v.const);
  if ('field' in v) return v.field;
  if ('member' in v) return `member.${v.member}`;
  if ('this' in v) return `this.${v.this}`;
  if ('clock' in v) return { minute: 'time', weekday: 'weekday', date: 'date' }[v.clock];
  if ('attendance' in v) return `${v.attendance.kind}(${v.attendance.schedule}, ${durationText(v.attendance.withinMs)})`;
  if ('arith' in v) return `(${valueText(v.left, counters)} ${v.arith} ${valueText(v.right, counters)})`;
  if ('fn' in v) return `${v.fn}(${v.args.map((a) => valueText(a, counters)).join(', ')})`;
  const c = counters.get(v.counter);
  if (!c) return `count(${v.counter})`;
  let inner = c.event;
  if (c.sum !== undefined) inner = `${c.sum} of ${inner}`;
  else if (c.distinct) inner = `distinct ${'member' in c.distinct ? 'member' : c.distinct.field} of ${inner}`;
  if (c.scope === 'member') inner += ' by member';
  if (c.scope === 'network') inner += ' across groups';
  if (c.where) inner += ` where ${condInner(c.where, counters, 'top')}`;
  if (c.withinMs !== undefined) inner += ` within ${durationText(c.withinMs)}`;
  return `${c.sum !== undefined ? 'sum' : 'count'}(${inner})`;
}

export function patternText(p: TextPattern): string {
  if ('text' in p) return quote(p.text);
  return `/${truncate(p.regex, MAX_MESSAGE_CHARS)}/${p.flags}`;
}

const COMPARE: Record<string, string> = { eq: '==', ne: '!=', gt: '>', gte: '>=', lt: '<', lte: '<=' };

function condInner(c: Cond, counters: CounterTable, parent: 'all' | 'any' | 'not' | 'top'): string {
  if ('all' in c) {
    const text = c.all.map((x) => condInner(x, counters, 'all')).join(' and ');
    return parent === 'not' && c.all.length > 1 ? `(${text})` : text;
  }
  if ('any' in c) {
    const text = c.any.map((x) => condInner(x, counters, 'any')).join(' or ');
    return (parent === 'all' || parent === 'not') && c.any.length > 1 ? `(${text})` : text;
  }
  if ('not' in c) return `not ${condInner(c.not, counters, 'not')}`;
  switch (c.op) {
    case 'matches':
      return c.patterns.length === 1
        ? `${valueText(c.left, counters)} matches ${patternText(c.patterns[0]!)}`
        : `${valueText(c.left, counters)} matches any [${c.patterns.map(patternText).join(', ')}]`;
    case 'contains':
      return `${valueText(c.left, counters)} contains ${quote(c.value)}`;
    case 'truthy':
      return valueText(c.left, counters);
    case 'hasRole':
      return `member has role ${c.role}`;
    case 'hasTag':
      return `member has tag ${quote(c.tag)}`;
    case 'hasPosted':
      return 'member has posted';
    case 'inSegment':
      return `member in segment ${c.segment}`;
    case 'inStage':
      return `in stage ${c.campaign}${c.stage ? `.${c.stage}` : ''}`;
    default:
      return clockComparisonText(c) ?? `${valueText(c.left, counters)} ${COMPARE[c.op]} ${valueText(c.right, counters)}`;
  }
}

/** `chance P%` is lowered to a draw of one in a million (compiler/checker/clock.ts). */
const CHANCE_SCALE = 1_000_000;

/**
 * Comparisons the checker lowered from the clock, chance and age conditions, written back the way
 * a playbook says them (`time >= 23:00`, `weekday == sat`, `chance 10%`, `member.age < 10m`)
 * rather than as the minutes, day numbers and draws the IR holds.
 */
function clockComparisonText(c: Extract<Cond, { op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' }>): string | undefined {
  const op = COMPARE[c.op];
  const right = 'const' in c.right ? c.right.const : undefined;
  if ('clock' in c.left && right !== undefined) {
    if (c.left.clock === 'minute' && typeof right === 'number') return `time ${op} ${clockText(right)}`;
    if (c.left.clock === 'weekday' && typeof right === 'number') return `weekday ${op} ${WEEKDAYS[right - 1] ?? right}`;
    if (c.left.clock === 'date') return `date ${op} ${String(right)}`;
  }
  if ('fn' in c.left && c.left.fn === 'random' && c.left.draw?.startsWith('chance:') && c.op === 'lte' && typeof right === 'number') {
    return `chance ${right / (CHANCE_SCALE / 100)}%`;
  }
  if ('member' in c.left && c.left.member === 'age' && typeof right === 'number') return `member.age ${op} ${durationText(right)}`;
  return undefined;
}

/** A condition in playbook syntax, parenthesised only where precedence needs it. */
export function condText(c: Cond, counters: CounterTable): string {
  return truncate(condInner(c, counters, 'top'), MAX_CONDITION_CHARS);
}

export function eventMatchText(m: EventMatch, counters: CounterTable): string {
  return m.where ? `${m.event} where ${condText(m.where, counters)}` : m.event;
}

export function filterText(f: MemberFilter, counters: CounterTable): string {
  let text = f.silent ? 'silent members' : 'members';
  if (f.tagged !== undefined) text += ` tagged ${quote(f.tagged)}`;
  if (f.segment !== undefined) text += ` in ${f.segment}`;
  if (f.where) text += ` where ${condText(f.where, counters)}`;
  if (f.unless) text += ` unless ${condText(f.unless, counters)}`;
  return text;
}

function audienceText(to: Audience, counters: CounterTable): string {
  switch (to.kind) {
    case 'group':
      return '';
    case 'member':
      return 'to member ';
    case 'admins':
      return 'to admins ';
    case 'channel':
      return `to channel ${quote(to.channel)} `;
    case 'members':
      return `to ${filterText(to.filter, counters)} `;
  }
}

const reasonText = (reason: string | undefined) => (reason === undefined ? '' : ` reason ${quote(reason)}`);

/** The member an action is aimed at, as written: `member`, or its target (`author`, `inviter`). */
function who(a: Action): string {
  const t = 'target' in a ? a.target : undefined;
  return t === undefined ? 'member' : 'field' in t ? t.field : 'inviter';
}

/** One action as the playbook statement that produces it. */
export function actionText(a: Action, counters: CounterTable): string {
  switch (a.do) {
    case 'say':
      return `say ${a.to.kind === 'member' && a.target ? `to ${who(a)} ` : audienceText(a.to, counters)}${quote(a.text)}`;
    case 'notify':
      return `notify admins ${quote(a.text)}`;
    case 'deleteMessage':
      return 'delete message';
    case 'warn':
      return `warn ${who(a)}${a.reason === undefined ? '' : ` ${quote(a.reason)}`} on ladder ${a.ladder}`;
    case 'mute':
      return `mute ${who(a)} ${a.value ? valueText(a.value, counters) : durationText(a.durationMs ?? 0)}${reasonText(a.reason)}`;
    case 'remove':
      return `remove ${who(a)}${reasonText(a.reason)}`;
    case 'removeMembers':
      return `remove ${filterText(a.filter, counters)}${reasonText(a.reason)}`;
    case 'tag':
    case 'untag':
      return `${a.do} ${who(a)} ${quote(a.tag)}`;
    case 'award':
      return `award ${a.value ? valueText(a.value, counters) : a.amount} points${a.target ? ` to ${who(a)}` : ''}${reasonText(a.reason)}${a.multiplied ? '' : ' unmultiplied'}`;
    case 'draw':
      return `draw … as ${a.lottery}`;
    case 'awardBadge':
      return `award badge ${a.badge}${a.target ? ` to ${who(a)}` : ''}`;
    case 'forgive':
      return `forgive ${who(a)} on ladder ${a.ladder}`;
    case 'tagMembers':
      return `${a.untag ? 'untag' : 'tag'} ${filterText(a.filter, counters)} ${quote(a.tag)}`;
    case 'role':
      return a.revoke ? `revoke role ${a.role} from ${who(a)}` : `grant role ${a.role} to ${who(a)}`;
    case 'unmute':
      return `unmute ${who(a)}`;
    case 'ban':
      return `ban ${who(a)}${a.durationMs === undefined ? '' : ` for ${durationText(a.durationMs)}`}${reasonText(a.reason)}`;
    case 'pin':
      return 'pin message';
    case 'reply':
      return `reply ${quote(a.text)}`;
    case 'join':
      return `${a.reject ? 'reject' : 'approve'} member${reasonText(a.reason)}`;
    case 'webhook':
      return `call ${a.endpoint}${a.body.length ? ` with ${a.body.map((e) => `${e.key}: ${valueText(e.value, counters)}`).join(', ')}` : ''}`;
  }
}
