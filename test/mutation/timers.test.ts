import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CommunityState, Timer } from '../../src/runtime/state.js';
import { cancelMemberTimers, cancelTimer, insertTimer, liveTimers, loadTimers, peekTimer, popTimer } from '../../src/runtime/timers.js';

/**
 * The timer queue's unit contract (src/runtime/timers.ts), case by case: the member index, the
 * heap order with ties, compaction exactly at its thresholds, and loading a snapshot's timers in
 * any order. Written for the mutation run (docs/testing.md, "Mutation testing").
 */

function fresh(): CommunityState {
  return { timers: [], timerIndex: new Map(), timerSeq: 0 } as unknown as CommunityState;
}

function add(c: CommunityState, id: string, due: number, member?: string): void {
  insertTimer(c, { id, due, kind: 'job', ref: 'r', ...(member !== undefined ? { member } : {}) });
}

const ids = (ts: readonly Timer[]) => ts.map((t) => t.id);

function drain(c: CommunityState): string[] {
  const out: string[] = [];
  for (let t = popTimer(c); t; t = popTimer(c)) out.push(t.id);
  return out;
}

describe('the member index', () => {
  it('cancelling a member removes every timer of that member and no other', () => {
    const c = fresh();
    add(c, 'a1', 5, 'a');
    add(c, 'a2', 6, 'a');
    add(c, 'b1', 7, 'b');
    add(c, 'a3', 8, 'a');
    add(c, 'x', 9);
    cancelMemberTimers(c, 'a');
    expect(ids(liveTimers(c))).toEqual(['b1', 'x']);
    expect(drain(c)).toEqual(['b1', 'x']);
  });

  it("cancelling one of a member's timers leaves the member's others cancellable", () => {
    const c = fresh();
    add(c, 'a1', 5, 'a');
    add(c, 'a2', 6, 'a');
    add(c, 'a3', 7, 'a');
    cancelTimer(c, 'a1');
    cancelMemberTimers(c, 'a');
    expect(liveTimers(c)).toEqual([]);
    expect(peekTimer(c)).toBeUndefined();
  });

  it("popping one of a member's timers leaves the member's others cancellable", () => {
    const c = fresh();
    add(c, 'a1', 5, 'a');
    add(c, 'a2', 6, 'a');
    expect(popTimer(c)?.id).toBe('a1');
    cancelMemberTimers(c, 'a');
    expect(popTimer(c)).toBeUndefined();
  });

  it('a timer re-armed under the same id for another member belongs to the new member only', () => {
    const c = fresh();
    add(c, 't', 5, 'a');
    add(c, 't', 6, 'b');
    cancelMemberTimers(c, 'a');
    expect(ids(liveTimers(c))).toEqual(['t']);
    expect(liveTimers(c)[0]?.member).toBe('b');
    cancelMemberTimers(c, 'b');
    expect(liveTimers(c)).toEqual([]);
  });

  it('after loading a snapshot, the member index is rebuilt from the loaded timers', () => {
    const c = fresh();
    add(c, 'old', 1, 'a');
    loadTimers(c, [
      { id: 'a1', due: 5, seq: 0, kind: 'job', ref: 'r', member: 'a' },
      { id: 'n', due: 6, seq: 1, kind: 'job', ref: 'r' },
      { id: 'a2', due: 7, seq: 2, kind: 'job', ref: 'r', member: 'a' },
      { id: 'b1', due: 8, seq: 3, kind: 'job', ref: 'r', member: 'b' },
    ]);
    cancelMemberTimers(c, 'a');
    expect(ids(liveTimers(c))).toEqual(['n', 'b1']);
    cancelMemberTimers(c, 'b');
    cancelMemberTimers(c, 'nobody');
    expect(drain(c)).toEqual(['n']);
  });

  it('cancelling an unknown id or member changes nothing', () => {
    const c = fresh();
    add(c, 'a1', 5, 'a');
    cancelTimer(c, 'zz');
    cancelMemberTimers(c, 'zz');
    expect(ids(liveTimers(c))).toEqual(['a1']);
  });
});

describe('firing order', () => {
  it('timers inserted latest-due first pop earliest-due first', () => {
    const c = fresh();
    for (let d = 20; d >= 1; d--) add(c, `d${d}`, d);
    expect(drain(c)).toEqual(Array.from({ length: 20 }, (_, k) => `d${k + 1}`));
  });

  it('timers due at the same instant pop in creation order, among earlier and later ones', () => {
    const c = fresh();
    add(c, 'late', 30);
    for (let i = 0; i < 9; i++) add(c, `tie${i}`, 10);
    add(c, 'early', 1);
    expect(drain(c)).toEqual(['early', ...Array.from({ length: 9 }, (_, i) => `tie${i}`), 'late']);
  });

  it('any insertion order pops sorted by (due, creation); a seeded property', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 80 }), (dues) => {
        const c = fresh();
        dues.forEach((d, i) => add(c, `t${i}`, d));
        const want = dues
          .map((d, i) => ({ d, i }))
          .sort((x, y) => x.d - y.d || x.i - y.i)
          .map((x) => `t${x.i}`);
        expect(drain(c)).toEqual(want);
      }),
      { numRuns: 200 },
    );
  });

  it('peek shows the next live timer without removing it, skipping cancelled ones', () => {
    const c = fresh();
    add(c, 'a', 1);
    add(c, 'b', 2);
    cancelTimer(c, 'a');
    expect(peekTimer(c)?.id).toBe('b');
    expect(peekTimer(c)?.id).toBe('b');
    expect(popTimer(c)?.id).toBe('b');
    expect(peekTimer(c)).toBeUndefined();
  });
});

describe('compaction thresholds (more than 64 heap entries, more than twice the live ones)', () => {
  /** `live` live timers behind `dead` cancelled ones: a heap of live + dead entries. */
  function heapWith(live: number, dead: number): CommunityState {
    const c = fresh();
    for (let i = 0; i < dead; i++) add(c, `dead${i}`, 1);
    for (let i = 0; i < live; i++) add(c, `live${i}`, 2);
    for (let i = 0; i < dead; i++) cancelTimer(c, `dead${i}`);
    return c;
  }

  it('a heap of exactly 64 entries is not compacted, whatever it holds', () => {
    const c = heapWith(20, 43);
    expect(c.timers.length).toBe(63);
    add(c, 'next', 3);
    expect(c.timers.length).toBe(64);
    expect(c.timerIndex.size).toBe(21);
  });

  it('past 64 entries, a heap of exactly twice the live timers is not compacted; one more entry is', () => {
    const c = heapWith(32, 33);
    expect(c.timers.length).toBe(65);
    // 66 entries, 33 live: exactly twice.
    add(c, 'x', 3);
    expect(c.timers.length).toBe(66);
    expect(c.timerIndex.size).toBe(33);
    // 67 entries, 33 live (one re-armed under the same id): more than twice, compacted.
    add(c, 'x', 4);
    expect(c.timers.length).toBe(33);
    expect(c.timerIndex.size).toBe(33);
    expect(drain(c)).toEqual([...Array.from({ length: 32 }, (_, i) => `live${i}`), 'x']);
  });

  it('past 64 entries with fewer than half cancelled, nothing is compacted', () => {
    const c = heapWith(40, 30);
    add(c, 'y', 3);
    expect(c.timers.length).toBe(71);
    expect(c.timerIndex.size).toBe(41);
  });
});

describe('loading a snapshot', () => {
  it("a snapshot's timers in any order load into firing order: due, then creation", () => {
    const c = fresh();
    loadTimers(c, [
      { id: 'c', due: 9, seq: 0, kind: 'job', ref: 'r' },
      { id: 'b2', due: 5, seq: 4, kind: 'job', ref: 'r' },
      { id: 'a', due: 1, seq: 7, kind: 'job', ref: 'r' },
      { id: 'b1', due: 5, seq: 2, kind: 'job', ref: 'r' },
    ]);
    expect(ids(liveTimers(c))).toEqual(['a', 'b1', 'b2', 'c']);
    expect(ids(c.timers)).toEqual(['a', 'b1', 'b2', 'c']);
    expect(drain(c)).toEqual(['a', 'b1', 'b2', 'c']);
  });

  it('timers due together load in creation order, not the order listed', () => {
    const c = fresh();
    loadTimers(c, [
      { id: 'second', due: 5, seq: 3, kind: 'job', ref: 'r' },
      { id: 'first', due: 5, seq: 1, kind: 'job', ref: 'r' },
    ]);
    expect(ids(liveTimers(c))).toEqual(['first', 'second']);
    expect(popTimer(c)?.id).toBe('first');
  });
});
