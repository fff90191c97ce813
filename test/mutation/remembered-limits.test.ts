import { constants } from 'node:buffer';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { admit, RememberedIds } from '../../src/runtime/remembered.js';
import { longestArray, RememberedIdsFull, rememberedLimits, setRememberedLimitsForTests } from '../../src/runtime/remembered-limits.js';
import type { CommunityState } from '../../src/runtime/state.js';

/**
 * How `RememberedIds` makes room (src/runtime/remembered-ids.ts, remembered-limits.ts; docs/runtime.md,
 * "Duplicates and the horizon"): each size at its boundary, and what the hot path does not do.
 * Written for the mutation run (docs/testing.md); test/remembered-arena.test.ts has the properties.
 */
interface Inside {
  seed: number;
  bytes: Uint8Array;
  used: number;
  starts: Int32Array | Float64Array;
  head: number;
}
const inside = (m: RememberedIds) => m as unknown as Inside;
const spy = (m: RememberedIds, name: 'makeRoom' | 'find') => vi.spyOn(m as unknown as Record<typeof name, (id: string) => unknown>, name);

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
  vi.restoreAllMocks();
});
const limit = (l: Parameters<typeof setRememberedLimitsForTests>[0]) => {
  restore = setRememberedLimitsForTests(l);
};
/** `n` ids of four characters (five bytes each), from `first`, each at its number less 1,000. */
function fill(m: RememberedIds, n: number, first = 1_000): void {
  for (let i = 0; i < n; i++) m.set(`${first + i}`, first - 1_000 + i);
}

describe('the longest typed array', () => {
  it("is Node's buffer.constants.MAX_LENGTH, and 2^31 wherever Node does not say", () => {
    expect(longestArray()).toBe(constants.MAX_LENGTH);
    expect(rememberedLimits.bytes).toBe(constants.MAX_LENGTH);
    const told = (id: string) => (id === 'node:buffer' ? { constants: { MAX_LENGTH: 77 } } : undefined);
    expect(longestArray({ process: { getBuiltinModule: told } })).toBe(77);
    for (const scope of [{}, { process: {} }, { process: { getBuiltinModule: () => undefined } }, { process: { getBuiltinModule: () => ({}) } }])
      expect(longestArray(scope)).toBe(2 ** 31);
    expect(longestArray({ process: { getBuiltinModule: () => ({ constants: {} }) } })).toBe(2 ** 31);
  });
});

describe('making room', () => {
  it('an id with room goes in without the slow path; one without room takes it, from set and from reserve', () => {
    const m = new RememberedIds();
    const makeRoom = spy(m, 'makeRoom');
    fill(m, 15);
    m.reserve('x');
    m.set('x', 0);
    expect(makeRoom).not.toHaveBeenCalled();
    // Sixteen places are full: the seventeenth id needs the slow path.
    m.reserve('y');
    expect(makeRoom).toHaveBeenCalledTimes(1);
    m.set('y', 1);
    expect(makeRoom).toHaveBeenCalledTimes(1);
    expect(m.get('y')).toBe(1);
  });

  it('an id whose most bytes end exactly at the end of the arena takes the fast path', () => {
    const m = new RememberedIds();
    fill(m, 47);
    const makeRoom = spy(m, 'makeRoom');
    // 235 bytes in 256, 64 places: eight characters take at most 5 + 16 bytes, exactly the 21 left.
    expect(inside(m).used).toBe(235);
    m.set('abcdefgh', 1);
    expect(makeRoom).not.toHaveBeenCalled();
    expect(inside(m).bytes.length).toBe(256);
    m.set('ijklmnop', 2);
    expect(makeRoom).toHaveBeenCalledTimes(1);
  });

  it('a wide id and a long one are sized exactly at the limit', () => {
    limit({ bytes: 300 });
    const wide = new RememberedIds();
    fill(wide, 50);
    wide.set('ab', 0);
    // 253 bytes: a wide id of 24 characters would take 49 more, of 23 characters 47.
    expect(() => wide.set('\u4e2d'.repeat(24), 1)).toThrow(RememberedIdsFull);
    wide.set('\u4e2d'.repeat(23), 1);
    expect(inside(wide).used).toBe(300);
    expect(wide.get('\u4e2d'.repeat(23))).toBe(1);
    restore!();
    limit({ bytes: 512 });
    const long = new RememberedIds();
    fill(long, 60);
    // 300 bytes: a long id has a five-byte header.
    expect(() => long.set('x'.repeat(208), 1)).toThrow(RememberedIdsFull);
    long.set('x'.repeat(207), 1);
    expect(inside(long).used).toBe(512);
    expect([...long.keys()].pop()).toBe('x'.repeat(207));
  });

  it('an arena already at the limit is not copied again, and starts of the right width are not either', () => {
    limit({ bytes: 600 });
    const m = new RememberedIds();
    fill(m, 100);
    m.set('x'.repeat(90), 100);
    const { bytes, starts } = inside(m);
    expect(bytes.length).toBe(600);
    m.set('last', 101);
    expect(inside(m).bytes).toBe(bytes);
    expect(inside(m).starts).toBe(starts);
    // A refused id (a full arena, nothing forgotten) moves nothing either.
    expect(() => m.set('more', 102)).toThrow(RememberedIdsFull);
    expect(inside(m).bytes).toBe(bytes);
    expect(inside(m).starts).toBe(starts);
    // Growing the bytes (not the places) keeps the same 32-bit starts.
    const n = new RememberedIds();
    n.set('y'.repeat(200), 0);
    const narrow = inside(n).starts;
    n.set('z'.repeat(200), 1);
    expect(inside(n).bytes.length).toBe(600);
    expect(inside(n).starts).toBe(narrow);
  });

  it('a lookup that missed, then a reserve that compacted: the set probes again instead of using the old slot', () => {
    limit({ bytes: 512 });
    const m = new RememberedIds();
    inside(m).seed = 0;
    fill(m, 100);
    m.forgetBefore(40);
    fill(m, 2, 1_100);
    expect(m.get('1102')).toBeUndefined();
    m.reserve('1102');
    expect(inside(m).head).toBe(0);
    const find = spy(m, 'find');
    m.set('1102', 102);
    expect(find).toHaveBeenCalledTimes(1);
    for (let i = 40; i < 103; i++) expect(m.get(`${1_000 + i}`)).toBe(i);
    expect(m.size).toBe(63);
  });

  it('a set whose room needed a compaction probes again, and finds every id after it', () => {
    limit({ bytes: 512 });
    for (const seed of [0, 1, 2, 3]) {
      const m = new RememberedIds();
      inside(m).seed = seed;
      fill(m, 100);
      m.forgetBefore(60);
      fill(m, 2, 1_100);
      const find = spy(m, 'find');
      m.set('1102', 102);
      expect(find).toHaveBeenCalledTimes(2);
      for (let i = 60; i < 103; i++) expect(m.get(`${1_000 + i}`)).toBe(i);
      expect(m.size).toBe(43);
    }
  });
});

describe('admit', () => {
  it('passes on an error of the map that is not a full arena as it is', () => {
    class Broken extends RememberedIds {
      override reserve(): void {
        throw new TypeError('broken');
      }
    }
    const c = { id: 'club', processed: new Broken() } as unknown as CommunityState;
    expect(() => admit(c, 'a', 1, 1, 10)).toThrow(new TypeError('broken'));
    expect(c.processed.size).toBe(0);
  });
});
