import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countWithin, firstWithin, pruneLog, pruneWindow } from '../../src/stdlib/windows.js';

describe('pruneWindow', () => {
  it('drops the instants at or before now - within, keeping the order of the rest', () => {
    const times = [1, 5, 10, 11, 20];
    pruneWindow(times, 20, 10);
    expect(times).toEqual([11, 20]);
  });

  it('keeps everything when nothing is old enough', () => {
    const times = [11, 12];
    pruneWindow(times, 20, 10);
    expect(times).toEqual([11, 12]);
  });

  it('empties the window when every instant is old', () => {
    const times = [1, 2, 10];
    pruneWindow(times, 20, 10);
    expect(times).toEqual([]);
  });

  it('leaves an empty window empty', () => {
    const times: number[] = [];
    pruneWindow(times, 20, 10);
    expect(times).toEqual([]);
  });

  it('agrees with filtering the instants after the cutoff', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 })), fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 50 }), (raw, now, within) => {
        const times = [...raw].sort((a, b) => a - b);
        const expected = times.filter((t) => t > now - within);
        pruneWindow(times, now, within);
        expect(times).toEqual(expected);
      }),
    );
  });
});

describe('countWithin', () => {
  it('counts the instants after now - within (the boundary instant is outside)', () => {
    expect(countWithin([1, 5, 10, 11, 20], 20, 10)).toBe(2);
    expect(countWithin([1, 5, 10, 11, 20], 20, 11)).toBe(3);
    expect(countWithin([1, 5, 10, 11, 20], 20, 100)).toBe(5);
    expect(countWithin([1, 5, 10, 11, 20], 40, 10)).toBe(0);
    expect(countWithin([], 40, 10)).toBe(0);
  });

  it('does not change the window', () => {
    const times = [1, 5, 10];
    countWithin(times, 10, 3);
    expect(times).toEqual([1, 5, 10]);
  });

  it('agrees with filtering', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 })), fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 50 }), (raw, now, within) => {
        const times = [...raw].sort((a, b) => a - b);
        expect(countWithin(times, now, within)).toBe(times.filter((t) => t > now - within).length);
      }),
    );
  });
});

/** A window that throws when read outside its entries, as a typed or guarded store might. */
function guarded(values: number[]): number[] {
  return new Proxy(values, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^-?\d+$/.test(key) && (Number(key) < 0 || Number(key) >= target.length)) throw new RangeError(`read at ${key}`);
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

describe('windows are read and written only as needed', () => {
  it('pruneWindow reads no entry past the end, even when every entry is old', () => {
    const times = guarded([1, 2, 3]);
    pruneWindow(times, 100, 10);
    expect([...times]).toEqual([]);
  });

  it('countWithin reads no entry before the start, even when every entry is recent', () => {
    expect(countWithin(guarded([5, 6, 7]), 7, 10)).toBe(3);
  });

  it('pruneWindow does not write a window it has nothing to drop from (a frozen one stays usable)', () => {
    const times = Object.freeze([11, 12]) as unknown as number[];
    expect(() => pruneWindow(times, 20, 10)).not.toThrow();
    expect(times).toEqual([11, 12]);
    expect(() => pruneWindow(Object.freeze([]) as unknown as number[], 20, 10)).not.toThrow();
  });
});

describe('pruneLog', () => {
  it('drops the entries at or before now - within from both arrays, keeping the rest in order', () => {
    const at = [1, 5, 10, 11, 20];
    const val = ['a', 'b', 'c', 'd', 'e'];
    pruneLog(at, val, 20, 10);
    expect(at).toEqual([11, 20]);
    expect(val).toEqual(['d', 'e']);
  });

  it('keeps everything when nothing is old enough, and empties a log of old entries', () => {
    const at = [11, 12];
    const val = [1, 2];
    pruneLog(at, val, 20, 10);
    expect([at, val]).toEqual([
      [11, 12],
      [1, 2],
    ]);
    const old = [1, 2, 10];
    const oldVal = [7, 8, 9];
    pruneLog(old, oldVal, 20, 10);
    expect([old, oldVal]).toEqual([[], []]);
  });

  it('reads no entry past the end, and writes nothing when nothing is dropped', () => {
    const at = guarded([1, 2, 3]);
    const val = [1, 2, 3];
    pruneLog(at, val, 100, 10);
    expect([[...at], val]).toEqual([[], []]);
    const frozen = Object.freeze([11, 12]) as unknown as number[];
    expect(() => pruneLog(frozen, Object.freeze([1, 2]) as unknown as unknown[], 20, 10)).not.toThrow();
  });

  it('agrees with filtering', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 })), fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 50 }), (raw, now, within) => {
        const at = [...raw].sort((a, b) => a - b);
        const val = at.map((t) => `v${t}`);
        const kept = at.filter((t) => t > now - within);
        pruneLog(at, val, now, within);
        expect(at).toEqual(kept);
        expect(val).toEqual(kept.map((t) => `v${t}`));
      }),
    );
  });
});

describe('firstWithin', () => {
  it('gives the index of the first instant after now - within (the boundary instant is outside)', () => {
    expect(firstWithin([1, 5, 10, 11, 20], 20, 10)).toBe(3);
    expect(firstWithin([1, 5, 10, 11, 20], 20, 11)).toBe(2);
    expect(firstWithin([1, 5, 10, 11, 20], 20, 100)).toBe(0);
    expect(firstWithin([1, 5, 10, 11, 20], 40, 10)).toBe(5);
    expect(firstWithin([], 40, 10)).toBe(0);
  });

  it('reads no entry before the start, even when every entry is recent', () => {
    expect(firstWithin(guarded([5, 6, 7]), 7, 10)).toBe(0);
  });

  it('agrees with counting', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 })), fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 50 }), (raw, now, within) => {
        const times = [...raw].sort((a, b) => a - b);
        expect(firstWithin(times, now, within)).toBe(times.length - countWithin(times, now, within));
      }),
    );
  });
});
