import { describe, expect, it } from 'vitest';
import { admit, DEFAULT_HORIZON_MS, forget, forgetBefore, RememberedIds, rememberedFromJSON, rememberedToJSON } from '../../src/runtime/remembered.js';
import type { CommunityState } from '../../src/runtime/state.js';

/**
 * Remembered ids and the horizon (src/runtime/remembered.ts; docs/runtime.md, "Duplicates and the
 * horizon"), each boundary on both sides. Written for the mutation run (docs/testing.md).
 */
const H = 1_000;

function community(entries: [string, number][] = []): CommunityState {
  return { processed: new Map(entries) } as unknown as CommunityState;
}

const entries = (c: CommunityState) => [...c.processed.entries()];

describe('remembered ids', () => {
  it('the default horizon is seven days', () => {
    expect(DEFAULT_HORIZON_MS).toBe(604_800_000);
  });

  it('an event exactly a horizon old is admitted; a millisecond older is stale and not remembered', () => {
    const c = community();
    expect(admit(c, 'a', 5_000 - H, 5_000, H)).toBe('new');
    expect(admit(c, 'b', 5_000 - H - 1, 5_000, H)).toBe('stale');
    expect(entries(c)).toEqual([['a', 4_000]]);
  });

  it('a new id is remembered with its own time, after the ids before it', () => {
    const c = community([['x', 10]]);
    expect(admit(c, 'y', 7, 500, H)).toBe('new');
    expect(entries(c)).toEqual([
      ['x', 10],
      ['y', 7],
    ]);
  });

  it('an id seen exactly at the cutoff is still a duplicate', () => {
    const c = community([['a', 4_000]]);
    expect(admit(c, 'a', 4_000, 5_000, H)).toBe('duplicate');
    expect(entries(c)).toEqual([['a', 4_000]]);
  });

  it('an id seen before the cutoff counts as forgotten: new again, moved to the end with its new time', () => {
    const c = community([
      ['a', 3_999],
      ['b', 4_500],
    ]);
    expect(admit(c, 'a', 4_800, 5_000, H)).toBe('new');
    expect(entries(c)).toEqual([
      ['b', 4_500],
      ['a', 4_800],
    ]);
  });

  it('a redelivery stamped later moves the id to the end with the later time', () => {
    const c = community([
      ['a', 4_100],
      ['b', 4_200],
    ]);
    expect(admit(c, 'a', 4_300, 5_000, H)).toBe('duplicate');
    expect(entries(c)).toEqual([
      ['b', 4_200],
      ['a', 4_300],
    ]);
  });

  it('a redelivery stamped at the same time or earlier changes nothing', () => {
    const c = community([
      ['a', 4_300],
      ['b', 4_200],
    ]);
    expect(admit(c, 'a', 4_300, 5_000, H)).toBe('duplicate');
    expect(admit(c, 'a', 4_100, 5_000, H)).toBe('duplicate');
    expect(entries(c)).toEqual([
      ['a', 4_300],
      ['b', 4_200],
    ]);
  });

  it('forget drops ids older than the horizon from the front and keeps one exactly at the cutoff', () => {
    const c = community([
      ['old', 3_000],
      ['older', 2_000],
      ['edge', 4_000],
      ['late', 1_000],
      ['new', 4_500],
    ]);
    forget(c, 5_000, H);
    // `late` waits behind `edge`: kept a little longer, never forgotten early.
    expect(entries(c)).toEqual([
      ['edge', 4_000],
      ['late', 1_000],
      ['new', 4_500],
    ]);
  });

  it('forgetBefore empties a map whose ids are all older than the cutoff', () => {
    const m = new Map([
      ['a', 1],
      ['b', 2],
    ]);
    forgetBefore(m, 3);
    expect([...m]).toEqual([]);
    const kept = new Map([['a', 3]]);
    forgetBefore(kept, 3);
    expect([...kept]).toEqual([['a', 3]]);
  });

  it('a snapshot keeps ids and times in processing order and loads back the same', () => {
    const c = community([
      ['b', 20],
      ['a', 10],
    ]);
    const json = rememberedToJSON(c);
    expect(json).toEqual({ processed: ['b', 'a'], processedAt: [20, 10] });
    expect([...rememberedFromJSON(json.processed, json.processedAt, 99)]).toEqual([
      ['b', 20],
      ['a', 10],
    ]);
  });

  it('a snapshot without times (or with too few) remembers its ids as of the clock', () => {
    expect([...rememberedFromJSON(['a', 'b'], undefined, 77)]).toEqual([
      ['a', 77],
      ['b', 77],
    ]);
    expect([...rememberedFromJSON(['a', 'b'], [5], 77)]).toEqual([
      ['a', 5],
      ['b', 77],
    ]);
    expect([...rememberedFromJSON([], [], 77)]).toEqual([]);
  });
});

describe('RememberedIds after its queue is compacted', () => {
  it('reads and updates ids at their places once the forgotten front is dropped; deleting an absent id is false', () => {
    const ids = new RememberedIds();
    for (let i = 0; i < 3_000; i++) ids.set(`e${i}`, 10_000 + i);
    ids.forgetBefore(10_000 + 2_000);
    expect(ids.size).toBe(1_000);
    expect(ids.get('e1999')).toBeUndefined();
    expect(ids.get('e2500')).toBe(12_500);
    ids.set('e2500', 20_000);
    expect(ids.get('e2500')).toBe(20_000);
    expect(ids.get('e2999')).toBe(12_999);
    expect(ids.delete('nope')).toBe(false);
    expect(ids.delete('e2000')).toBe(true);
    expect([...ids.keys()].slice(0, 2)).toEqual(['e2001', 'e2002']);
  });
});

/**
 * What `RememberedIds` keeps, not only what it answers: its memory claims (docs/performance.md,
 * "Memory and simulate floor") are that ids stay in the map as small distances until the first
 * forgetting, and that the trimmed front of the queue is dropped once it is most of the arrays.
 * Read through the class's private fields and `Map.prototype.get` (the raw slot).
 */
interface Inside {
  queued: boolean;
  ids: (string | undefined)[];
  head: number;
}
const inside = (m: RememberedIds) => m as unknown as Inside;
const slot = (m: RememberedIds, id: string) => Map.prototype.get.call(m, id) as number | undefined;

describe('RememberedIds keeps distances until it first forgets', () => {
  it('stores each whole `at` as its distance from the first one', () => {
    const m = new RememberedIds();
    m.set('a', 1_700_000_000_000);
    m.set('b', 1_700_000_000_250);
    m.set('c', 1_699_999_999_990);
    expect([slot(m, 'a'), slot(m, 'b'), slot(m, 'c')]).toEqual([0, 250, -10]);
    expect([...m]).toEqual([
      ['a', 1_700_000_000_000],
      ['b', 1_700_000_000_250],
      ['c', 1_699_999_999_990],
    ]);
    expect(inside(m).queued).toBe(false);
  });

  it('a forgetting with nothing to forget leaves the distance form as it is', () => {
    const m = new RememberedIds();
    m.set('a', 5_000);
    m.set('b', 6_000);
    m.forgetBefore(5_000);
    forgetBefore(m, 4_000);
    const empty = new RememberedIds();
    empty.forgetBefore(10);
    expect(inside(m).queued).toBe(false);
    expect(inside(empty).queued).toBe(false);
    expect(slot(m, 'b')).toBe(1_000);
  });

  it('the first real forgetting (through the module function too) switches to the queue', () => {
    const m = new RememberedIds();
    m.set('a', 5_000);
    m.set('b', 6_000);
    forgetBefore(m, 5_500);
    expect(inside(m).queued).toBe(true);
    expect(inside(m).head).toBe(1);
    expect(slot(m, 'b')).toBe(1);
    expect([...m]).toEqual([['b', 6_000]]);
  });

  it('a time that is not a whole number goes to the queue at once, with its exact value', () => {
    const m = new RememberedIds();
    m.set('a', 10);
    m.set('b', 10.5);
    expect(inside(m).queued).toBe(true);
    expect([...m]).toEqual([
      ['a', 10],
      ['b', 10.5],
    ]);
    const first = new RememberedIds();
    first.set('x', 0.25);
    expect(inside(first).queued).toBe(true);
    expect(first.get('x')).toBe(0.25);
  });

  it('cleared, it starts again in the distance form from the next first id', () => {
    const m = new RememberedIds();
    m.set('a', 1);
    m.set('b', 2.5);
    m.clear();
    m.set('c', 900);
    m.set('d', 950);
    expect(inside(m).queued).toBe(false);
    expect([slot(m, 'c'), slot(m, 'd')]).toEqual([0, 50]);
    expect([...m]).toEqual([
      ['c', 900],
      ['d', 950],
    ]);
  });
});

describe('RememberedIds trims its queue', () => {
  const filled = (n: number) => {
    const m = new RememberedIds();
    for (let i = 0; i < n; i++) m.set(`e${i}`, 100_000 + i);
    return m;
  };

  it('drops the forgotten front once more than 1,024 places and more than half the queue are forgotten', () => {
    const exactly = filled(2_000);
    exactly.forgetBefore(100_000 + 1_024);
    expect(inside(exactly).ids.length).toBe(2_000);
    const past = filled(2_000);
    past.forgetBefore(100_000 + 1_025);
    expect(inside(past).ids.length).toBe(975);
    expect(past.get('e1025')).toBe(101_025);
    // 1,100 forgotten of 2,200: exactly half, kept; of 2,199, more than half, dropped.
    const half = filled(2_200);
    half.forgetBefore(100_000 + 1_100);
    expect(inside(half).ids.length).toBe(2_200);
    const overHalf = filled(2_199);
    overHalf.forgetBefore(100_000 + 1_100);
    expect(inside(overHalf).ids.length).toBe(1_099);
  });

  it('skips a place left by an id that moved to the end, even when that place held a time past the cutoff', () => {
    const m = new RememberedIds();
    m.set('a', 5_000);
    m.set('gone', 9_000);
    m.forgetBefore(5_001); // to the queue; `a` forgotten
    m.set('late', 1_000); // processed late, with an old time
    // `gone` redelivered later moves to the end, leaving its place (time 9,000) behind `late`'s.
    m.delete('gone');
    m.set('gone', 9_500);
    m.forgetBefore(2_000);
    // Stopping at the left place would keep `late` until `gone`'s old time passed.
    expect([...m]).toEqual([['gone', 9_500]]);
  });
});
