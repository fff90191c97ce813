import type * as A from '../../parser/ast.js';
import { D } from '../../parser/diagnostic-codes.js';
import { FUNCTION_ARITY, VALUE_FUNCTIONS, type ValueFunction } from '../../stdlib/arithmetic.js';
import { didYouMean } from '../../stdlib/suggest.js';
import { placeholders } from '../../stdlib/templates.js';
import { literalText } from '../../parser/strings.js';
import { reportRegex } from '../regex-check.js';
import type { Cond, CondValue, EventMatch } from '../../ir/schema.js';
import { duration } from './checks.js';
import { ageComparison, clockCond, CONDITION_MEMBER_ATTRS } from './clock.js';
import { counted, filterPath, refusedInFilter, sameFieldWarning } from './counts.js';
import { eventRef, noMember, type Checker, type Scope } from './scopes.js';

/**
 * Conditions (`where`, `when`, `unless`) and their operands: types, member and event scope,
 * `count(…)` counters, attendance; lowered to the IR's `Cond`. Also `on EVENT where …`.
 */

export function eventMatch(cx: Checker, p: A.EventPattern, scope: Scope): EventMatch {
  const ev = eventRef(cx, p.event);
  const inner: Scope = { ...scope, events: ev ? [ev] : [] };
  const m: EventMatch = { event: p.event.name };
  if (p.where) m.where = cond(cx, p.where, inner);
  return m;
}

const MEMBER_TESTS = {
  hasRole: '`member has role`',
  hasTag: '`member has tag`',
  hasPosted: '`member has posted`',
  inSegment: '`member in segment`',
  inStage: '`in stage`',
} as const;

export function cond(cx: Checker, c: A.Condition, scope: Scope): Cond {
  if (c.kind in MEMBER_TESTS && refusedInFilter(cx, MEMBER_TESTS[c.kind as keyof typeof MEMBER_TESTS], c.span, scope)) return { all: [] };
  switch (c.kind) {
    case 'and':
      return { all: c.items.map((i) => cond(cx, i, scope)) };
    case 'or':
      return { any: c.items.map((i) => cond(cx, i, scope)) };
    case 'not':
      return { not: cond(cx, c.item, scope) };
    case 'hasRole':
      if (!scope.member) noMember(cx, c.span, scope);
      if (!cx.roles.has(c.role.name)) {
        cx.bag.report(D.E0202.unknownRole(c.role.name), c.role.span, didYouMean(c.role.name, cx.roles) ?? 'declare it with `roles admin, kol, …`');
      }
      return { op: 'hasRole', role: c.role.name };
    case 'hasTag':
      if (!scope.member) noMember(cx, c.span, scope);
      return { op: 'hasTag', tag: literalTag(cx, c.tag) };
    case 'hasPosted':
      if (!scope.member) noMember(cx, c.span, scope);
      return c.never ? { not: { op: 'hasPosted' } } : { op: 'hasPosted' };
    case 'inSegment':
      if (!scope.member) noMember(cx, c.span, scope);
      if (!cx.segments.has(c.segment.name)) {
        cx.bag.report(
          D.E0203.unknownSegment(c.segment.name),
          c.segment.span,
          didYouMean(c.segment.name, cx.segments) ?? 'declare it with `segment NAME where …`',
        );
      }
      return { op: 'inSegment', segment: c.segment.name };
    case 'inStage': {
      const stages = cx.campaigns.get(c.campaign.name);
      if (!stages) cx.bag.report(D.E0204.unknownCampaign(c.campaign.name), c.campaign.span, didYouMean(c.campaign.name, cx.campaigns.keys()));
      else if (c.stage && !stages.has(c.stage.name))
        cx.bag.report(D.E0205.unknownStage(c.campaign.name, c.stage.name), c.stage.span, didYouMean(c.stage.name, stages));
      return c.stage ? { op: 'inStage', campaign: c.campaign.name, stage: c.stage.name } : { op: 'inStage', campaign: c.campaign.name };
    }
    case 'truth': {
      const v = value(cx, c.subject, scope);
      if (v.type !== 'boolean' && v.type !== 'unknown') {
        cx.bag.report(D.E0405.notACondition(describeOperand(c.subject), v.type), c.span, 'compare it, e.g. `amount >= 5`');
      }
      return { op: 'truthy', left: v.ir };
    }
    case 'compare': {
      sameFieldWarning(cx, c, scope);
      const l = value(cx, c.left, scope);
      const r = value(cx, c.right, scope);
      const ordered = c.op !== '==' && c.op !== '!=';
      if (l.type === 'duration' || r.type === 'duration') ageComparison(cx, c, [l.type, r.type]);
      else if (l.type !== 'unknown' && r.type !== 'unknown' && l.type !== r.type) {
        cx.bag.report(D.E0404.compare(l.type, describeOperand(c.left), r.type, describeOperand(c.right)), c.span);
      } else if (ordered && (l.type === 'boolean' || l.type === 'string[]')) {
        cx.bag.report(D.E0404.order(c.op, describeOperand(c.left), l.type), c.span);
      }
      if ('member' in l.ir && l.ir.member === 'level' && ordered) {
        cx.bag.report(D.E0404.orderLevels(c.op), c.span, 'compare points instead, e.g. `member.points >= 50`, or test one level with `member.level == "活跃"`');
      } else if ('member' in l.ir && l.ir.member === 'level' && c.right.kind === 'string' && !cx.levels.has(c.right.value)) {
        cx.bag.report(D.E0206.unknownLevel(c.right.value), c.right.span, didYouMean(c.right.value, cx.levels));
      }
      const op = ({ '==': 'eq', '!=': 'ne', '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' } as const)[c.op];
      return { op, left: l.ir, right: r.ir };
    }
    case 'matches': {
      const v = value(cx, c.subject, scope);
      if (v.type !== 'string' && v.type !== 'unknown' && v.type !== 'string[]') {
        cx.bag.report(D.E0404.matchesNeedsText(describeOperand(c.subject), v.type), c.subject.span);
      }
      if (c.patterns.length === 0) cx.bag.report(D.E0406.noPatterns(), c.span);
      const patterns = c.patterns.map((p) => {
        if (p.kind === 'text') {
          if (p.value === '') cx.bag.report(D.E0406.emptyPattern(), p.span);
          return { text: literalText(p.value) };
        }
        reportRegex(cx.bag, p);
        return { regex: p.source, flags: p.flags };
      });
      return { op: 'matches', left: v.ir, patterns };
    }
    case 'clockTime':
    case 'weekday':
    case 'clockDate':
    case 'chance':
      return clockCond(cx, c);
    case 'contains': {
      const v = value(cx, c.subject, scope);
      if (v.type !== 'string' && v.type !== 'string[]' && v.type !== 'unknown') {
        cx.bag.report(D.E0404.containsNeedsText(describeOperand(c.subject), v.type), c.subject.span);
      }
      return { op: 'contains', left: v.ir, value: literalText(c.value.value) };
    }
  }
}

/**
 * A tag a condition tests is compared as written; a `{placeholder}` there would silently never
 * match the filled-in tags of `tag member "来源:{source}"`, so it is an error. Returns the tag as
 * it is compared: escaped braces (`\\{`) are plain ones, as in the tags that `tag member` sets.
 */
export function literalTag(cx: Checker, tag: A.StringLit): string {
  for (const p of placeholders(tag.value)) {
    cx.bag.report(D.E0212.notFilledInConditions(p.name), tag.span, 'test for a tag without placeholders, or write a literal brace as `\\{`');
  }
  return literalText(tag.value);
}

/** A computed amount (`award amount / 10 points`): any value, as long as it is a number. */
export function amountValue(cx: Checker, o: A.Operand, scope: Scope): CondValue {
  const v = value(cx, o, scope);
  if (v.type !== 'number' && v.type !== 'unknown') {
    const hint = v.type === 'duration' ? 'write a number of points; a duration divided by a duration is a number (`member.age / 1d`)' : undefined;
    cx.bag.report(D.E0404.amountNeedsNumber(describeOperand(o), v.type), o.span, hint);
  }
  return v.ir;
}

/** A value of any type, as a webhook's body takes (platform-actions.ts). */
export function anyValue(cx: Checker, o: A.Operand, scope: Scope): CondValue {
  return value(cx, o, scope).ir;
}

function value(cx: Checker, o: A.Operand, scope: Scope): { ir: CondValue; type: string } {
  switch (o.kind) {
    case 'number':
      return { ir: { const: o.value }, type: 'number' };
    case 'string':
      return { ir: { const: literalText(o.value) }, type: 'string' };
    case 'boolean':
      return { ir: { const: o.value }, type: 'boolean' };
    case 'duration':
      // Milliseconds at run time; typed apart from numbers so `10m + 5` and `award 10m points` are refused.
      return { ir: { const: o.ms }, type: 'duration' };
    case 'count':
    case 'sum':
      if (refusedInFilter(cx, `${o.kind}(…)`, o.span, scope)) return { ir: { const: 0 }, type: 'unknown' };
      return counted(cx, o, scope, cond);
    case 'absences':
    case 'attended': {
      if (refusedInFilter(cx, `${o.kind}(…)`, o.span, scope)) return { ir: { const: 0 }, type: 'unknown' };
      if (!cx.schedules.has(o.schedule.name)) {
        cx.bag.report(
          D.E0207.unknownSchedule(o.schedule.name),
          o.schedule.span,
          didYouMean(o.schedule.name, cx.schedules) ?? 'declare it with `schedule NAME every …`',
        );
      }
      if (!scope.member) noMember(cx, o.span, scope);
      const withinMs = o.within ? duration(cx, o.within, 'window') : 30 * 86_400_000;
      return { ir: { attendance: { schedule: o.schedule.name, kind: o.kind, withinMs } }, type: 'number' };
    }
    case 'path':
      return path(cx, o, scope);
    case 'arith': {
      const l = value(cx, o.left, scope);
      const r = value(cx, o.right, scope);
      if (o.op === '/' && 'const' in r.ir && r.ir.const === 0)
        cx.bag.report(D.E0221.divideByZero(), o.right.span, 'a division by zero has no value, so nothing compares true with it');
      return { ir: { arith: o.op, left: l.ir, right: r.ir }, type: arithType(cx, o, l.type, r.type) };
    }
    case 'call':
      return call(cx, o, scope);
  }
}

/**
 * What arithmetic yields (docs/language.md, "Arithmetic"): numbers with numbers; a duration
 * scaled by a number (`10m * warnings`, `1h / 2`), durations added or subtracted, and a duration
 * divided by a duration is a number. Anything else is reported once, at the operator.
 */
function arithType(cx: Checker, o: Extract<A.Operand, { kind: 'arith' }>, l: string, r: string): string {
  for (const [side, type] of [
    [o.left, l],
    [o.right, r],
  ] as const) {
    if (type !== 'number' && type !== 'duration' && type !== 'unknown') {
      cx.bag.report(D.E0404.arithNeedsNumbers(o.op, describeOperand(side), type), side.span);
      return 'unknown';
    }
  }
  if (l === 'unknown' || r === 'unknown') return l === 'duration' || r === 'duration' ? 'duration' : 'unknown';
  if (l === 'number' && r === 'number') return 'number';
  const scaled = (o.op === '*' && (l === 'number' || r === 'number')) || (o.op === '/' && r === 'number');
  if (scaled) return 'duration';
  if (l === 'duration' && r === 'duration') {
    if (o.op === '+' || o.op === '-') return 'duration';
    if (o.op === '/') return 'number';
  }
  const hint =
    l === 'number' || r === 'number'
      ? 'give the number a unit (`5m`), or multiply: `10m * warnings`'
      : 'a duration can be multiplied or divided by a number, and added to another duration';
  cx.bag.report(D.E0404.durationArith(o.op, describeOperand(o.left), l, describeOperand(o.right), r), o.span, hint);
  return 'unknown';
}

/** A mute's computed length (`mute member 10m * warnings`): a duration, never a bare number. */
export function muteValue(cx: Checker, o: A.Operand, scope: Scope): CondValue {
  const v = value(cx, o, scope);
  if (v.type !== 'duration' && v.type !== 'unknown') {
    const hint = v.type === 'number' ? 'multiply a duration by it: `mute member 10m * …`' : 'write a duration such as `10m`, or `10m * …`';
    cx.bag.report(D.E0404.muteNeedsDuration(describeOperand(o), v.type), o.span, hint);
  }
  return v.ir;
}

function call(cx: Checker, o: Extract<A.Operand, { kind: 'call' }>, scope: Scope): { ir: CondValue; type: string } {
  const name = o.fn.name;
  const args = o.args.map((a) => ({ a, v: value(cx, a, scope) }));
  if (!(VALUE_FUNCTIONS as readonly string[]).includes(name)) {
    cx.bag.report(D.E0220.unknownFunction(name), o.fn.span, didYouMean(name, VALUE_FUNCTIONS) ?? `the functions are ${VALUE_FUNCTIONS.join(', ')}`);
    return { ir: { const: 0 }, type: 'unknown' };
  }
  const fn = name as ValueFunction;
  if (fn === 'random' && refusedInFilter(cx, '`random(…)`', o.span, scope)) return { ir: { const: 0 }, type: 'unknown' };
  const [least, most] = FUNCTION_ARITY[fn];
  if (args.length < least || args.length > most) {
    const wanted = least === most ? String(least) : `${least} or more`;
    cx.bag.report(D.E0220.arity(fn, wanted, args.length), o.span);
  }
  // `min(10m * warnings, 1d)`: min and max also pick among durations, all of them durations.
  const ofDurations = (fn === 'min' || fn === 'max') && args.some((x) => x.v.type === 'duration');
  const wanted = fn === 'length' ? 'a text or a list' : ofDurations ? 'durations only, once one is a duration' : 'a number';
  for (const { a, v } of args) {
    const ok =
      v.type === 'unknown' || (fn === 'length' ? v.type === 'string' || v.type === 'string[]' : ofDurations ? v.type === 'duration' : v.type === 'number');
    if (!ok) {
      const hint = ofDurations && a.kind === 'number' ? `give it a unit: \`${a.value}m\`, \`${a.value}h\` or \`${a.value}d\`` : undefined;
      cx.bag.report(D.E0404.functionArgument(fn, describeOperand(a), v.type, wanted), a.span, hint);
    }
  }
  const ir: CondValue = { fn, args: args.map((x) => x.v.ir) };
  // Each `random(…)` written in the playbook is a draw of its own: two lotteries on one event differ.
  if (fn === 'random') ir.draw = `random:${++cx.draws}`;
  return { ir, type: ofDurations ? 'duration' : 'number' };
}

function path(cx: Checker, o: Extract<A.Operand, { kind: 'path' }>, scope: Scope): { ir: CondValue; type: string } {
  const inFilter = filterPath(cx, o, scope);
  if (inFilter === 'refused') return { ir: { const: 0 }, type: 'unknown' };
  if (inFilter) {
    if (inFilter.events.length === 0) {
      cx.bag.report(D.E0209.noEventHere(`this.${inFilter.name}`, scope.filter!.outerWhat), o.span, 'compare with a constant, or count where there is an event');
      return { ir: inFilter.ir, type: 'unknown' };
    }
    return { ir: inFilter.ir, type: fieldOf(cx, inFilter.events, inFilter.name, o.path[1]!.span) };
  }
  const parts = o.path.map((p) => p.name);
  if (parts[0] === 'member' && parts.length === 2) {
    if (!scope.member) noMember(cx, o.span, scope);
    const attr = parts[1]!;
    if (!(CONDITION_MEMBER_ATTRS as readonly string[]).includes(attr)) {
      cx.bag.report(
        D.E0208.noMemberAttribute(attr),
        o.path[1]!.span,
        didYouMean(attr, CONDITION_MEMBER_ATTRS) ?? `member attributes are ${CONDITION_MEMBER_ATTRS.join(', ')}`,
      );
      return { ir: { member: 'id' }, type: 'unknown' };
    }
    const type = attr === 'points' || attr === 'joinedDays' ? 'number' : attr === 'age' ? 'duration' : 'string';
    return { ir: { member: attr as (typeof CONDITION_MEMBER_ATTRS)[number] }, type };
  }
  if (parts[0] === 'member' && parts.length === 1) {
    if (!scope.member) noMember(cx, o.span, scope);
    return { ir: { member: 'id' }, type: 'string' };
  }
  const fieldParts = parts[0] === 'event' && parts.length > 1 ? parts.slice(1) : parts;
  const name = fieldParts.join('.');
  const nameSpan = parts[0] === 'event' && parts.length > 1 ? o.path[1]!.span : o.span;
  if (scope.events.length === 0) {
    cx.bag.report(D.E0209.noEventHere(parts.join('.'), scope.what), nameSpan, 'member values are written `member.points`, `member.name`…');
    return { ir: { field: name }, type: 'unknown' };
  }
  return { ir: { field: name }, type: fieldOf(cx, scope.events, name, nameSpan) };
}

/** The type of field `name` in every one of `events` ('unknown' if they differ); E0210 if one lacks it. */
function fieldOf(cx: Checker, events: readonly string[], name: string, nameSpan: A.Span): string {
  let type: string | undefined;
  for (const ev of events) {
    const f = cx.events[ev]?.fields[name];
    if (!f) {
      const known = Object.keys(cx.events[ev]?.fields ?? {});
      cx.bag.report(
        D.E0210.noSuchField(ev, name),
        nameSpan,
        didYouMean(name, [...known, 'member.points', 'member.name']) ?? (known.length ? `its fields are ${known.join(', ')}` : 'it has no fields'),
      );
      return 'unknown';
    }
    if (type && type !== f.type) type = 'unknown';
    else type = f.type;
  }
  return type ?? 'unknown';
}

function describeOperand(o: A.Operand): string {
  switch (o.kind) {
    case 'number':
      return String(o.value);
    case 'string':
      return JSON.stringify(o.value);
    case 'boolean':
      return String(o.value);
    case 'duration':
      return o.text;
    case 'count':
      return `count(${o.distinct ? `distinct ${o.distinct.name} of ` : ''}${o.event.name}${o.byMember ? ' by member' : ''}${o.where ? ' where …' : ''}${o.within ? ` within ${o.within.text}` : ''})`;
    case 'sum':
      return `sum(${o.field.name} of ${o.event.name}${o.byMember ? ' by member' : ''}${o.where ? ' where …' : ''}${o.within ? ` within ${o.within.text}` : ''})`;
    case 'absences':
    case 'attended':
      return `${o.kind}(${o.schedule.name})`;
    case 'path':
      return o.path.map((p) => p.name).join('.');
    case 'arith':
      return o.parens ? `(${describeOperand(o.left)} ${o.op} ${describeOperand(o.right)})` : `${describeOperand(o.left)} ${o.op} ${describeOperand(o.right)}`;
    case 'call':
      return `${o.fn.name}(${o.args.map(describeOperand).join(', ')})`;
  }
}
