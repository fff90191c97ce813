import { describe, expect, it } from 'vitest';
import type { Cond, CondValue } from '../../src/ir/schema.js';
import type { EvalContext } from '../../src/runtime/conditions/engine.js';
import { FastConditions } from '../../src/runtime/conditions/fast.js';
import type { CampaignState, CounterSlot, Session } from '../../src/runtime/state.js';
import { callFunction } from '../../src/stdlib/arithmetic.js';
import { dict } from '../../src/stdlib/dict.js';
import { community, ctx, DAY, event, F, ir, member, NOW, T } from './condition-fixtures.js';

/**
 * The fast condition engine (src/runtime/conditions/fast.ts) form by form, on hand-made contexts:
 * every combinator at each arity it special-cases, every value kind, and the cases where a value
 * is absent. test/differential.test.ts checks it against the reference engine on generated
 * conditions; this file pins the edges one by one for the mutation run (docs/testing.md).
 */

function holds(c: Cond, x: EvalContext = ctx()): boolean {
  return new FastConditions(ir).compile(c)(x);
}

function value(v: CondValue, x: EvalContext = ctx()): unknown {
  return new FastConditions(ir).compileValue(v)(x);
}

describe('combinators', () => {
  it('all: empty is true, one part is that part, two or more need every part', () => {
    expect(holds({ all: [] })).toBe(true);
    expect(holds({ all: [T] })).toBe(true);
    expect(holds({ all: [F] })).toBe(false);
    expect(holds({ all: [T, T] })).toBe(true);
    expect(holds({ all: [T, F] })).toBe(false);
    expect(holds({ all: [F, T] })).toBe(false);
    expect(holds({ all: [T, T, T] })).toBe(true);
    expect(holds({ all: [F, T, T] })).toBe(false);
    expect(holds({ all: [T, F, T] })).toBe(false);
    expect(holds({ all: [T, T, F] })).toBe(false);
  });

  it('any: empty is false, one part is that part, two or more need one part', () => {
    expect(holds({ any: [] })).toBe(false);
    expect(holds({ any: [T] })).toBe(true);
    expect(holds({ any: [F] })).toBe(false);
    expect(holds({ any: [F, F] })).toBe(false);
    expect(holds({ any: [F, T] })).toBe(true);
    expect(holds({ any: [T, F] })).toBe(true);
    expect(holds({ any: [F, F, F] })).toBe(false);
    expect(holds({ any: [F, F, T] })).toBe(true);
  });

  it('not negates', () => {
    expect(holds({ not: T })).toBe(false);
    expect(holds({ not: F })).toBe(true);
  });
});

describe('comparisons', () => {
  const pts = (n: number) => ctx({ member: member({ points: n }) });
  const cmp = (op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte', right: CondValue): Cond => ({ op, left: { member: 'points' }, right });

  it('against a constant, each operator on both sides of its boundary', () => {
    const k = { const: 10 };
    expect([9, 10, 11].map((n) => holds(cmp('eq', k), pts(n)))).toEqual([false, true, false]);
    expect([9, 10, 11].map((n) => holds(cmp('ne', k), pts(n)))).toEqual([true, false, true]);
    expect([9, 10, 11].map((n) => holds(cmp('gt', k), pts(n)))).toEqual([false, false, true]);
    expect([9, 10, 11].map((n) => holds(cmp('gte', k), pts(n)))).toEqual([false, true, true]);
    expect([9, 10, 11].map((n) => holds(cmp('lt', k), pts(n)))).toEqual([true, false, false]);
    expect([9, 10, 11].map((n) => holds(cmp('lte', k), pts(n)))).toEqual([true, true, false]);
  });

  it('against another value, each operator on both sides of its boundary', () => {
    const r: CondValue = { field: 'n' };
    const at = (n: number) => ctx({ member: member({ points: n }), event: event({ n: 10 }) });
    expect([9, 10, 11].map((n) => holds(cmp('eq', r), at(n)))).toEqual([false, true, false]);
    expect([9, 10, 11].map((n) => holds(cmp('ne', r), at(n)))).toEqual([true, false, true]);
    expect([9, 10, 11].map((n) => holds(cmp('gt', r), at(n)))).toEqual([false, false, true]);
    expect([9, 10, 11].map((n) => holds(cmp('lte', r), at(n)))).toEqual([true, true, false]);
  });

  it('equality with a constant is strict: the text "10" is not the number 10', () => {
    const x = ctx({ event: event({ n: '10' }) });
    expect(holds({ op: 'eq', left: { field: 'n' }, right: { const: 10 } }, x)).toBe(false);
    expect(holds({ op: 'ne', left: { field: 'n' }, right: { const: 10 } }, x)).toBe(true);
    expect(holds({ op: 'eq', left: { field: 'n' }, right: { const: '10' } }, x)).toBe(true);
  });
});

describe('text tests', () => {
  const matches: Cond = { op: 'matches', left: { field: 'v' }, patterns: [{ regex: '^sp[a4]m$', flags: '' }] };
  const contains: Cond = { op: 'contains', left: { field: 'v' }, value: 'Spam' };
  const on = (v: unknown) => ctx({ event: event({ v }) });

  it('matches a string, any string of a list, and nothing else', () => {
    expect(holds(matches, on('sp4m'))).toBe(true);
    expect(holds(matches, on('spam!'))).toBe(false);
    expect(holds(matches, on([1, 'no', 'spam']))).toBe(true);
    expect(holds(matches, on([1, 'no']))).toBe(false);
    expect(holds(matches, on(5))).toBe(false);
    expect(holds(matches, ctx())).toBe(false);
  });

  it('contains: in a text ignoring case, in a list as an exact item', () => {
    expect(holds(contains, on('buy SPAM now'))).toBe(true);
    expect(holds(contains, on('buy spam now'))).toBe(true);
    expect(holds(contains, on('buy spa'))).toBe(false);
    expect(holds(contains, on(['Spam']))).toBe(true);
    expect(holds(contains, on(['spam']))).toBe(false);
    expect(holds(contains, on(42))).toBe(false);
    expect(holds(contains, ctx())).toBe(false);
  });

  it('truthy reads JavaScript truthiness of the value', () => {
    const t: Cond = { op: 'truthy', left: { field: 'v' } };
    expect([0, '', false, 1, 'x', true].map((v) => holds(t, on(v)))).toEqual([false, false, false, true, true, true]);
    expect(holds(t, ctx())).toBe(false);
  });
});

describe('member and community tests', () => {
  it('has role and has tag: false without a member or without the list', () => {
    const role: Cond = { op: 'hasRole', role: 'mod' };
    const tag: Cond = { op: 'hasTag', tag: 'vip' };
    expect(holds(role, ctx({ member: member({ roles: ['mod'] }) }))).toBe(true);
    expect(holds(role, ctx({ member: member({ roles: ['admin'] }) }))).toBe(false);
    expect(holds(role, ctx())).toBe(false);
    expect(holds(role, ctx({ member: undefined }))).toBe(false);
    expect(holds(tag, ctx({ member: member({ tags: ['vip'] }) }))).toBe(true);
    expect(holds(tag, ctx({ member: member({ tags: ['new'] }) }))).toBe(false);
    expect(holds(tag, ctx())).toBe(false);
    expect(holds(tag, ctx({ member: undefined }))).toBe(false);
  });

  it('in segment: the member against the segment, event fields absent inside it; no member, no segment', () => {
    const rich = ctx({ member: member({ points: 150 }) });
    const fc = new FastConditions(ir);
    const inRich = fc.compile({ op: 'inSegment', segment: 'rich' });
    expect(inRich(rich)).toBe(true);
    expect(inRich(ctx())).toBe(false);
    expect(inRich(rich)).toBe(true); // second use, resolved once
    expect(inRich(ctx({ member: undefined, event: event({}) }))).toBe(false);
    expect(fc.compile({ op: 'inSegment', segment: 'nested' })(rich)).toBe(true);
    expect(fc.compile({ op: 'inSegment', segment: 'nested' })(ctx())).toBe(false);
    expect(holds({ op: 'inSegment', segment: 'eventful' }, ctx({ event: event({ x: 1 }) }))).toBe(false);
    expect(holds({ op: 'inSegment', segment: 'missing' }, rich)).toBe(false);
    // A segment true of every member is still false without one.
    expect(holds({ op: 'inSegment', segment: 'poor' }, ctx())).toBe(true);
    expect(holds({ op: 'inSegment', segment: 'poor' }, ctx({ member: undefined }))).toBe(false);
  });

  it('in stage: a named stage, or any stage at all', () => {
    const inS: Cond = { op: 'inStage', campaign: 'launch', stage: 'week1' };
    const anyS: Cond = { op: 'inStage', campaign: 'launch' };
    const at = (stage: string | null | undefined) =>
      ctx({ community: community({ campaigns: stage === undefined ? dict() : Object.assign(dict<CampaignState>(), { launch: { stage, goals: [] } }) }) });
    expect(holds(inS, at('week1'))).toBe(true);
    expect(holds(inS, at('week2'))).toBe(false);
    expect(holds(inS, at(null))).toBe(false);
    expect(holds(inS, at(undefined))).toBe(false);
    expect(holds(anyS, at('week2'))).toBe(true);
    expect(holds(anyS, at(null))).toBe(false);
    expect(holds(anyS, at(undefined))).toBe(false);
  });
});

describe('values', () => {
  it('a constant is itself', () => {
    expect(value({ const: 'k' })).toBe('k');
  });

  it('an event field: own keys of the payload only; absent without an event', () => {
    expect(value({ field: 'n' }, ctx({ event: event({ n: 3 }) }))).toBe(3);
    expect(value({ field: 'n' }, ctx())).toBeUndefined();
    expect(value({ field: 'constructor' }, ctx({ event: event({}) }))).toBeUndefined();
    expect(value({ field: 'toString' }, ctx({ event: event({ toString: 'own' }) }))).toBe('own');
  });

  it("the member's id, name (or id), points, level, whole days since joining and age", () => {
    const m = member({ id: 'ann', points: 60 });
    expect(value({ member: 'id' }, ctx({ member: m }))).toBe('ann');
    expect(value({ member: 'name' }, ctx({ member: m }))).toBe('ann');
    expect(value({ member: 'name' }, ctx({ member: { ...m, name: 'Ann' } }))).toBe('Ann');
    expect(value({ member: 'id' }, ctx({ member: { ...m, name: 'Ann' } }))).toBe('ann');
    expect(value({ member: 'points' }, ctx({ member: m }))).toBe(60);
    expect(value({ member: 'level' }, ctx({ member: m }))).toBe('silver');
    expect(value({ member: 'level' }, ctx({ member: { ...m, points: 100 } }))).toBe('gold');
    expect(value({ member: 'level' }, ctx({ member: { ...m, points: 9 } }))).toBe('');
    expect(value({ member: 'joinedDays' }, ctx({ member: m }))).toBe(3);
    expect(value({ member: 'joinedDays' }, ctx({ member: { ...m, joinedAt: NOW - 3 * DAY + 1 } }))).toBe(2);
    expect(value({ member: 'age' }, ctx({ member: m }))).toBe(3 * DAY + 1);
    expect(value({ member: 'age' }, ctx({ member: { ...m, unjoined: true } }))).toBeUndefined();
    for (const k of ['id', 'name', 'points', 'level', 'joinedDays', 'age'] as const) {
      expect(value({ member: k }, ctx({ member: undefined }))).toBeUndefined();
    }
  });

  it("the clock in the playbook's zone", () => {
    expect(value({ clock: 'minute' })).toBe(18 * 60 + 30);
    expect(value({ clock: 'weekday' })).toBe(3);
    expect(value({ clock: 'date' }, ctx({ now: Date.parse('2026-03-04T16:00:00Z') }))).toBe('2026-03-05');
  });

  it('a counter: its slot, 0 when unknown or empty, and a kept counter filtered by this event', () => {
    const withPosts = ctx({ member: member({ counters: Object.assign(dict<CounterSlot>(), { posts: 4 }) }) });
    expect(value({ counter: 'posts' }, withPosts)).toBe(4);
    expect(value({ counter: 'posts' })).toBe(0);
    expect(value({ counter: 'nope' }, withPosts)).toBe(0);
    const log = {
      at: [NOW - 3, NOW - 2, NOW - 1],
      val: [
        [1, 'a'],
        [1, 'b'],
        [1, 'a'],
      ],
    };
    const c = community({ counters: Object.assign(dict<CounterSlot>(), { kept: log }) });
    expect(value({ counter: 'kept' }, ctx({ community: c, event: event({ sku: 'a' }) }))).toBe(2);
    expect(value({ counter: 'kept' }, ctx({ community: c, event: event({ sku: 'b' }) }))).toBe(1);
  });

  it('this.F reads the handled event, own keys only; absent outside a counted event', () => {
    const outer = event({ sku: 'z' });
    expect(value({ this: 'sku' }, ctx({ outer }))).toBe('z');
    expect(value({ this: 'sku' }, ctx())).toBeUndefined();
    expect(value({ this: 'constructor' }, ctx({ outer }))).toBeUndefined();
  });

  it('attendance counts ended sessions within the window', () => {
    const s = (start: number, attended: string[]) => ({ start, end: start + 3_600_000, present: ['m1'], attended });
    const c = community({ sessions: Object.assign(dict<Session[]>(), { weekly: [s(NOW - 10 * DAY, []), s(NOW - 5 * DAY, ['m1']), s(NOW - 2 * DAY, [])] }) });
    expect(value({ attendance: { schedule: 'weekly', kind: 'absences', withinMs: 7 * DAY } }, ctx({ community: c }))).toBe(1);
    expect(value({ attendance: { schedule: 'weekly', kind: 'attended', withinMs: 7 * DAY } }, ctx({ community: c }))).toBe(1);
  });

  it('arithmetic on its two operands, in order', () => {
    const x = ctx({ member: member({ points: 12 }), event: event({ n: 5 }) });
    expect(value({ arith: '-', left: { member: 'points' }, right: { field: 'n' } }, x)).toBe(7);
    expect(value({ arith: '/', left: { field: 'n' }, right: { member: 'points' } }, x)).toBe(5 / 12);
  });

  it('functions of one argument, of several, and random drawn from the community, cause, draw and member', () => {
    const x = ctx({ event: event({ n: -2.5, list: ['a', 'b', 'c'] }), cause: 'e9' });
    expect(value({ fn: 'abs', args: [{ field: 'n' }] }, x)).toBe(2.5);
    expect(value({ fn: 'length', args: [{ field: 'list' }] }, x)).toBe(3);
    expect(value({ fn: 'min', args: [{ const: 4 }, { field: 'n' }, { const: 1 }] }, x)).toBe(-2.5);
    expect(value({ fn: 'max', args: [{ const: 4 }, { field: 'n' }] }, x)).toBe(4);
    const r = value({ fn: 'random', args: [{ const: 1 }, { const: 1_000_000 }], draw: 'random:1' }, x);
    expect(r).toBe(callFunction('random', [1, 1_000_000], '42|e9|random:1|m1'));
    expect(r).not.toBe(callFunction('random', [1, 1_000_000], '42|e9||m1'));
    expect(value({ fn: 'random', args: [{ const: 1 }, { const: 1_000_000 }] }, x)).toBe(callFunction('random', [1, 1_000_000], '42|e9||m1'));
  });
});
