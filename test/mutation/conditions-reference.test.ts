import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cond, CondValue } from '../../src/ir/schema.js';
import type { EvalContext } from '../../src/runtime/conditions/engine.js';
import { FastConditions } from '../../src/runtime/conditions/fast.js';
import { ReferenceConditions } from '../../src/runtime/conditions/reference.js';
import { Network } from '../../src/runtime/network.js';
import type { CampaignState, CounterSlot, Session } from '../../src/runtime/state.js';
import { callFunction } from '../../src/stdlib/arithmetic.js';
import { dict } from '../../src/stdlib/dict.js';
import { community, ctx, DAY, event, F, ir, member, NOW, T } from './condition-fixtures.js';

/**
 * The reference condition engine (src/runtime/conditions/reference.ts): every fact it hands
 * json-rules-engine, form by form, on hand-made contexts, with the answer written out and the
 * fast engine asked the same (test/mutation/conditions-fast.test.ts pins that one alone). The
 * worker runs from dist/ (`npm run build`).
 */

const network = new Network();
network.state.counters['net'] = 7;
const fast = new FastConditions(ir, network);
// Built in a hook, so that a constructor that throws fails the tests rather than the file.
let ref: ReferenceConditions;
beforeAll(() => {
  ref = new ReferenceConditions(ir, network);
});
afterAll(() => ref.close());

/** The reference engine's answer for each context, after checking the fast engine's is the same. */
function holds(c: Cond, ...xs: EvalContext[]): boolean[] {
  const r = ref.compile(c);
  const f = fast.compile(c);
  const answers = xs.map((x) => r(x));
  expect(xs.map((x) => f(x))).toEqual(answers);
  return answers;
}

/** A value is compared, in both engines, by `eq` with the expected constant. */
function value(v: CondValue, x: EvalContext = ctx()): unknown {
  const r = ref.compileValue(v)(x);
  expect(fast.compileValue(v)(x)).toEqual(r);
  return r;
}

describe('combinators and constants', () => {
  it('all, any and not, nested', () => {
    expect(holds({ all: [] }, ctx())).toEqual([true]);
    expect(holds({ any: [] }, ctx())).toEqual([false]);
    expect(holds({ all: [T, { any: [F, T] }] }, ctx())).toEqual([true]);
    expect(holds({ all: [T, { any: [F, F] }] }, ctx())).toEqual([false]);
    expect(holds({ not: { all: [T, F] } }, ctx())).toEqual([true]);
    expect(holds({ not: T }, ctx())).toEqual([false]);
    // Each part's facts are read: inside any, all and not alike.
    const pts = (op: 'eq' | 'ne' | 'lte', k: number): Cond => ({ op, left: { member: 'points' }, right: { const: k } });
    const at = (n: number) => ctx({ member: member({ points: n }) });
    expect(holds({ any: [pts('eq', 5), pts('eq', 7)] }, at(5), at(7), at(6))).toEqual([true, true, false]);
    expect(holds({ not: pts('eq', 5) }, at(5), at(6))).toEqual([false, true]);
    expect(holds(pts('ne', 5), at(5), at(6))).toEqual([false, true]);
    expect(holds(pts('lte', 5), at(4), at(5), at(6))).toEqual([true, true, false]);
  });

  it('a constant compared with a constant, either way round', () => {
    expect(holds({ op: 'lt', left: { const: 1 }, right: { const: 2 } }, ctx())).toEqual([true]);
    expect(holds({ op: 'gt', left: { const: 1 }, right: { const: 2 } }, ctx())).toEqual([false]);
    expect(holds({ op: 'gt', left: { const: 5 }, right: { member: 'points' } }, ctx(), ctx({ member: member({ points: 5 }) }))).toEqual([true, false]);
  });

  it('a value outside a condition: a constant, a fact, and arithmetic on facts', () => {
    expect(value({ const: 'k' })).toBe('k');
    expect(value({ member: 'points' }, ctx({ member: member({ points: 12 }) }))).toBe(12);
    const x = ctx({ member: member({ points: 12 }), event: event({ n: 5 }) });
    expect(value({ arith: '-', left: { member: 'points' }, right: { field: 'n' } }, x)).toBe(7);
    expect(value({ arith: '/', left: { field: 'n' }, right: { const: 2 } }, x)).toBe(2.5);
    expect(value({ arith: '*', left: { arith: '+', left: { field: 'n' }, right: { const: 1 } }, right: { member: 'points' } }, x)).toBe(72);
  });
});

describe('facts', () => {
  it('event fields: own keys of the payload only; absent without an event', () => {
    const n = (k: number): Cond => ({ op: 'eq', left: { field: 'n' }, right: { const: k } });
    expect(holds(n(3), ctx({ event: event({ n: 3 }) }), ctx({ event: event({ n: 4 }) }), ctx())).toEqual([true, false, false]);
    const own: Cond = { op: 'truthy', left: { field: 'toString' } };
    expect(holds(own, ctx({ event: event({}) }), ctx({ event: event({ toString: 'own' }) }))).toEqual([false, true]);
    expect(
      holds({ op: 'eq', left: { field: 'a' }, right: { field: 'b' } }, ctx({ event: event({ a: 1, b: 1 }) }), ctx({ event: event({ a: 1, b: 2 }) })),
    ).toEqual([true, false]);
  });

  it("the member's id, name (or id), points, level, days since joining and age; none without a member", () => {
    const m = member({ id: 'ann', points: 60 });
    const is = (attr: 'id' | 'name' | 'points' | 'level' | 'joinedDays' | 'age', k: unknown, x: EvalContext) =>
      holds({ op: 'eq', left: { member: attr }, right: { const: k } as CondValue }, x)[0];
    expect(is('id', 'ann', ctx({ member: { ...m, name: 'Ann' } }))).toBe(true);
    expect(is('name', 'ann', ctx({ member: m }))).toBe(true);
    expect(is('name', 'Ann', ctx({ member: { ...m, name: 'Ann' } }))).toBe(true);
    expect(is('points', 60, ctx({ member: m }))).toBe(true);
    expect(is('level', 'silver', ctx({ member: m }))).toBe(true);
    expect(is('level', 'gold', ctx({ member: { ...m, points: 100 } }))).toBe(true);
    expect(is('level', 'bronze', ctx({ member: { ...m, points: 49 } }))).toBe(true);
    expect(is('level', '', ctx({ member: { ...m, points: 9 } }))).toBe(true);
    expect(is('joinedDays', 3, ctx({ member: m }))).toBe(true);
    expect(is('joinedDays', 2, ctx({ member: { ...m, joinedAt: NOW - 3 * DAY + 1 } }))).toBe(true);
    expect(is('age', 3 * DAY + 1, ctx({ member: m }))).toBe(true);
    const known: Cond = { op: 'truthy', left: { member: 'age' } };
    expect(holds(known, ctx({ member: { ...m, unjoined: true } }), ctx({ member: m }))).toEqual([false, true]);
    for (const attr of ['id', 'name', 'points', 'level', 'joinedDays', 'age'] as const) {
      expect(value({ member: attr }, ctx({ member: undefined }))).toBeUndefined();
    }
  });

  it('roles, tags and having posted: false without a member or without the list', () => {
    const role: Cond = { op: 'hasRole', role: 'mod' };
    const tag: Cond = { op: 'hasTag', tag: 'vip' };
    expect(holds(role, ctx({ member: member({ roles: ['mod'] }) }), ctx({ member: member({ roles: ['admin'] }) }), ctx(), ctx({ member: undefined }))).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect(holds(tag, ctx({ member: member({ tags: ['vip'] }) }), ctx({ member: member({ tags: ['new'] }) }), ctx(), ctx({ member: undefined }))).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect(holds({ op: 'hasPosted' }, ctx({ member: member({ lastPosted: NOW - 1 }) }), ctx(), ctx({ member: undefined }))).toEqual([true, false, false]);
    expect(holds({ not: { op: 'hasPosted' } }, ctx({ member: undefined }))).toEqual([true]);
  });

  it('segments: the member against the segment, event fields absent inside it; no member, no segment', () => {
    const rich = ctx({ member: member({ points: 150 }) });
    expect(holds({ op: 'inSegment', segment: 'rich' }, rich, ctx(), rich, ctx({ member: undefined }))).toEqual([true, false, true, false]);
    expect(holds({ op: 'inSegment', segment: 'nested' }, rich, ctx())).toEqual([true, false]);
    expect(holds({ op: 'inSegment', segment: 'eventful' }, ctx({ event: event({ x: 1 }) }))).toEqual([false]);
    expect(holds({ op: 'inSegment', segment: 'missing' }, rich)).toEqual([false]);
    expect(holds({ op: 'inSegment', segment: 'poor' }, ctx(), ctx({ member: undefined }))).toEqual([true, false]);
  });

  it('stages: a named stage, or any stage of the campaign', () => {
    const at = (stage: string | null | undefined) =>
      ctx({
        community: community({
          campaigns: Object.assign(
            dict<CampaignState>(),
            { other: { stage: 'week1', goals: [] } },
            stage === undefined ? {} : { launch: { stage, goals: [] } },
          ),
        }),
      });
    const named: Cond = { op: 'inStage', campaign: 'launch', stage: 'week1' };
    const any: Cond = { op: 'inStage', campaign: 'launch' };
    expect(holds(named, at('week1'), at('week2'), at(null), at(undefined))).toEqual([true, false, false, false]);
    expect(holds(any, at('week2'), at(null), at(undefined))).toEqual([true, false, false]);
  });

  it('counters: the slot of the member, the community or the network; 0 when unknown; a kept counter filtered by this event', () => {
    const is = (id: string, k: number, x: EvalContext) => holds({ op: 'eq', left: { counter: id }, right: { const: k } }, x)[0];
    expect(is('posts', 4, ctx({ member: member({ counters: Object.assign(dict<CounterSlot>(), { posts: 4 }) }) }))).toBe(true);
    expect(is('posts', 0, ctx())).toBe(true);
    expect(is('nope', 0, ctx())).toBe(true);
    expect(is('net', 7, ctx())).toBe(true);
    const log = {
      at: [NOW - 3, NOW - 2, NOW - 1],
      val: [
        [1, 'a'],
        [1, 'b'],
        [1, 'a'],
      ],
    };
    const c = community({ counters: Object.assign(dict<CounterSlot>(), { kept: log }) });
    expect(is('kept', 2, ctx({ community: c, event: event({ sku: 'a' }) }))).toBe(true);
    expect(is('kept', 1, ctx({ community: c, event: event({ sku: 'b' }) }))).toBe(true);
  });

  it('this.F reads the handled event, own keys only; absent outside a counted event', () => {
    const outer = event({ sku: 'z' });
    expect(holds({ op: 'eq', left: { this: 'sku' }, right: { const: 'z' } }, ctx({ outer }), ctx())).toEqual([true, false]);
    expect(holds({ op: 'truthy', left: { this: 'constructor' } }, ctx({ outer }))).toEqual([false]);
    expect(
      holds(
        { op: 'eq', left: { field: 'sku' }, right: { this: 'sku' } },
        ctx({ outer, event: event({ sku: 'z' }) }),
        ctx({ outer, event: event({ sku: 'y' }) }),
      ),
    ).toEqual([true, false]);
  });

  it('attendance counts ended sessions within the window', () => {
    const s = (start: number, attended: string[]) => ({ start, end: start + 3_600_000, present: ['m1'], attended });
    const c = community({ sessions: Object.assign(dict<Session[]>(), { weekly: [s(NOW - 10 * DAY, []), s(NOW - 5 * DAY, ['m1']), s(NOW - 2 * DAY, [])] }) });
    const at = (kind: 'absences' | 'attended', k: number): Cond => ({
      op: 'eq',
      left: { attendance: { schedule: 'weekly', kind, withinMs: 7 * DAY } },
      right: { const: k },
    });
    expect(holds(at('absences', 1), ctx({ community: c }))).toEqual([true]);
    expect(holds(at('attended', 1), ctx({ community: c }))).toEqual([true]);
  });

  it("the clock in the playbook's zone", () => {
    expect(holds({ op: 'eq', left: { clock: 'minute' }, right: { const: 18 * 60 + 30 } }, ctx())).toEqual([true]);
    expect(holds({ op: 'eq', left: { clock: 'weekday' }, right: { const: 3 } }, ctx())).toEqual([true]);
  });

  it('text tests on a fact', () => {
    const on = (v: unknown) => ctx({ event: event({ v }) });
    expect(holds({ op: 'matches', left: { field: 'v' }, patterns: [{ regex: '^sp[a4]m$', flags: '' }] }, on('sp4m'), on('spam!'), ctx())).toEqual([
      true,
      false,
      false,
    ]);
    expect(holds({ op: 'contains', left: { field: 'v' }, value: 'Spam' }, on('buy SPAM'), on(['spam']), on(['Spam']))).toEqual([true, false, true]);
  });

  it('functions: of one argument, of several, and random drawn from the community, cause, draw and member', () => {
    const x = ctx({ event: event({ n: -2.5, list: ['a', 'b', 'c'] }), cause: 'e9' });
    expect(value({ fn: 'abs', args: [{ field: 'n' }] }, x)).toBe(2.5);
    expect(value({ fn: 'length', args: [{ field: 'list' }] }, x)).toBe(3);
    expect(value({ fn: 'min', args: [{ const: 4 }, { field: 'n' }, { const: 1 }] }, x)).toBe(-2.5);
    const r = value({ fn: 'random', args: [{ const: 1 }, { const: 1_000_000 }], draw: 'random:1' }, x);
    expect(r).toBe(callFunction('random', [1, 1_000_000], '42|e9|random:1|m1'));
    expect(holds({ op: 'gt', left: { fn: 'abs', args: [{ field: 'n' }] }, right: { const: 2 } }, x)).toEqual([true]);
  });
});

describe('the worker', () => {
  it('close ends the worker thread', async () => {
    const own = new ReferenceConditions(ir);
    const worker = (own as unknown as { bridge: { worker: Worker } }).bridge.worker;
    const exited = once(worker, 'exit');
    own.close();
    await exited;
  });

  it('a condition json-rules-engine cannot run is an error, not an answer', () => {
    const bad = ref.compile({ op: 'nonsense' } as unknown as Cond);
    expect(() => bad(ctx())).toThrow(/^json-rules-engine: condition \d+ was never sent$/);
  });

  it('each condition is sent once and asked by its own id', () => {
    const a = ref.compile(T);
    const b = ref.compile(F);
    expect([a(ctx()), b(ctx()), a(ctx()), b(ctx())]).toEqual([true, false, true, false]);
  });
});
