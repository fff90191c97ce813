import { describe, expect, it } from 'vitest';
import type { Counter } from '../../src/ir/schema.js';
import { attendanceCount, countedCtx, counterValue, drawSalt, memberAge, type EvalContext } from '../../src/runtime/conditions/engine.js';
import type { CondFn } from '../../src/runtime/conditions/fast.js';
import type { InputEvent } from '../../src/runtime/events.js';
import { Network } from '../../src/runtime/network.js';
import type { CommunityState, CounterSlot, MemberState, Session } from '../../src/runtime/state.js';
import { dict } from '../../src/stdlib/dict.js';

/**
 * What both condition engines share (src/runtime/conditions/engine.ts): a counter's value from
 * each kind of slot, the context a kept counter's `where` is read in, attendance counts, the
 * salt of `random(…)` and `member.age`, on hand-made states.
 */

const NOW = 1_000_000;

function member(over: Partial<MemberState> = {}): MemberState {
  return { id: 'm1', present: true, removed: false, joinedAt: NOW - 500, points: 0, ...over };
}

function community(counters: Record<string, CounterSlot> = {}, sessions: Record<string, Session[]> = {}): CommunityState {
  return {
    id: 'c1',
    rng: 42,
    counters: Object.assign(dict<CounterSlot>(), counters),
    campaigns: dict(),
    sessions: Object.assign(dict<Session[]>(), sessions),
    members: dict(),
  } as unknown as CommunityState;
}

function ctx(over: Partial<EvalContext> = {}): EvalContext {
  return { community: community(), member: member(), now: NOW, ...over };
}

const counter = (over: Partial<Counter> = {}): Counter => ({ id: 'c', event: 'sale', scope: 'community', ...over });

describe('counterValue', () => {
  it('reads the slot of its scope: the member, the community or the network', () => {
    const net = new Network();
    net.state.counters['c'] = 9;
    const x = ctx({ community: community({ c: 5 }), member: member({ counters: Object.assign(dict<CounterSlot>(), { c: 3 }) }) });
    expect(counterValue(counter({ scope: 'member' }), x, undefined, net)).toBe(3);
    expect(counterValue(counter(), x, undefined, net)).toBe(5);
    expect(counterValue(counter({ scope: 'network' }), x, undefined, net)).toBe(9);
    expect(counterValue(counter({ scope: 'network' }), x)).toBe(0);
    expect(counterValue(counter({ scope: 'member' }), ctx({ member: undefined }))).toBe(0);
    expect(counterValue(counter({ scope: 'member' }), ctx())).toBe(0);
    expect(counterValue(counter(), ctx())).toBe(0);
  });

  it('instants: all of them, or those after now minus the window', () => {
    const x = ctx({ community: community({ c: [NOW - 300, NOW - 200, NOW - 100] }) });
    expect(counterValue(counter(), x)).toBe(3);
    expect(counterValue(counter({ withinMs: 200 }), x)).toBe(1);
    expect(counterValue(counter({ withinMs: 201 }), x)).toBe(2);
  });

  it('values seen: how many', () => {
    expect(counterValue(counter({ distinct: { member: 'id' } }), ctx({ community: community({ c: { seen: ['a', 'b'] } }) }))).toBe(2);
  });

  it('a log: counted, summed (numbers only) or distinct (nulls left out), within the window', () => {
    const log = { at: [NOW - 300, NOW - 200, NOW - 100, NOW - 50], val: [2, 'x', 2, null] };
    const x = ctx({ community: community({ c: log }) });
    expect(counterValue(counter(), x)).toBe(4);
    expect(counterValue(counter({ withinMs: 250 }), x)).toBe(3);
    expect(counterValue(counter({ sum: 'amount' }), x)).toBe(4);
    expect(counterValue(counter({ sum: 'amount', withinMs: 250 }), x)).toBe(2);
    expect(counterValue(counter({ distinct: { field: 'f' } }), x)).toBe(2);
    expect(counterValue(counter({ distinct: { field: 'f' } }), ctx({ community: community({ c: { at: [1, 2], val: [undefined as never, 'a'] } }) }))).toBe(1);
  });

  it('a kept log: each entry tested by the filter on its kept fields; a counter without `keep` uses no filter', () => {
    const spec = counter({ keep: ['sku', 'who'], sum: 'amount', where: { op: 'truthy', left: { const: true } } });
    const log = {
      at: [NOW - 3, NOW - 2, NOW - 1],
      val: [
        [5, 'a', 'ann'],
        [7, 'b', null],
        [11, 'a', 'bob'],
      ],
    };
    const x = ctx({ community: community({ c: log }) });
    const seen: unknown[] = [];
    const sameSku: CondFn = (c) => {
      seen.push(c.event?.payload);
      return c.event?.payload['sku'] === 'a';
    };
    expect(counterValue(spec, x, sameSku)).toBe(16);
    expect(seen).toEqual([{ sku: 'a', who: 'ann' }, { sku: 'b' }, { sku: 'a', who: 'bob' }]);
    expect(counterValue({ ...spec, keep: undefined }, ctx({ community: community({ c: { at: [1], val: [4] } }) }), sameSku)).toBe(4);
    expect(counterValue({ ...spec, sum: undefined, distinct: { field: 'sku' } }, x, () => true)).toBe(3);
  });
});

describe('countedCtx', () => {
  it('the counted event of the kept fields (absent ones left out), the handled one as outer, and no member', () => {
    const handled: InputEvent = { id: 'e9', type: 'sale', at: '', atMs: NOW, community: 'c1', payload: { sku: 'z' } };
    const c = countedCtx(counter({ event: 'order.paid' }), ['sku', 'note', 'qty'], [1, 'a', null, 0], ctx({ event: handled }));
    expect(c.event).toMatchObject({ type: 'order.paid', community: 'c1', payload: { sku: 'a', qty: 0 } });
    expect(Object.keys(c.event!.payload)).toEqual(['sku', 'qty']);
    expect(c.outer).toBe(handled);
    expect(c.member).toBeUndefined();
    expect(c.now).toBe(NOW);
    // An entry kept before a field was added to `keep` is shorter: the missing field is absent.
    expect(Object.keys(countedCtx(counter(), ['sku', 'note'], [1, 'a'], ctx()).event!.payload)).toEqual(['sku']);
  });
});

describe('attendanceCount', () => {
  const s = (start: number, present: string[], attended: string[]): Session => ({ start, end: start + 10, present, attended }) as Session;

  it('ended sessions started within the window where the member was expected; attended or not', () => {
    const sessions = [s(NOW - 100, ['m1'], []), s(NOW - 80, ['m1'], ['m1']), s(NOW - 60, ['m2'], []), s(NOW - 40, ['m1'], []), s(NOW - 10, ['m1'], [])];
    const x = ctx({ community: community({}, { weekly: sessions }) });
    // Started at now - 100: outside a window of 100 (exclusive); the last ends exactly now (ended).
    expect(attendanceCount(x, 'weekly', 'absences', 100)).toBe(2);
    expect(attendanceCount(x, 'weekly', 'absences', 101)).toBe(3);
    expect(attendanceCount(x, 'weekly', 'attended', 100)).toBe(1);
    // A millisecond earlier the last session has not ended.
    expect(attendanceCount({ ...x, now: NOW - 1 }, 'weekly', 'absences', 99)).toBe(1);
    expect(attendanceCount(x, 'other', 'absences', 100)).toBe(0);
    expect(attendanceCount({ ...x, member: undefined }, 'weekly', 'absences', 100)).toBe(0);
  });
});

describe('drawSalt and memberAge', () => {
  it('the salt names the community, the cause, the draw and the member, each empty when absent', () => {
    expect(drawSalt(ctx({ cause: 'e1' }), 'random:2')).toBe('42|e1|random:2|m1');
    expect(drawSalt(ctx({ member: undefined }), undefined)).toBe('42|||');
  });

  it('age: since joining, none for a member not seen joining or no member', () => {
    expect(memberAge(ctx())).toBe(500);
    expect(memberAge(ctx({ member: member({ unjoined: true }) }))).toBeUndefined();
    expect(memberAge(ctx({ member: undefined }))).toBeUndefined();
  });
});
