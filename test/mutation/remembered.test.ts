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
