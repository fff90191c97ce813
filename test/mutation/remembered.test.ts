import { describe, expect, it, vi } from 'vitest';
import { admit, DEFAULT_HORIZON_MS, forget, forgetBefore, RememberedIds, rememberedFromJSON, rememberedToJSON } from '../../src/runtime/remembered.js';
import { hashOf } from '../../src/runtime/id-bytes.js';
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
 * "Memory and simulate floor") are that times stay 32-bit distances while they can, that ids are
 * stored once in a byte arena (one byte per code unit when they fit), and that the forgotten front
 * is dropped once it is most of the places. Read through the class's private fields.
 */
interface Inside {
  seed: number;
  tags: Int32Array;
  bytes: Uint8Array;
  used: number;
  starts: Int32Array;
  ats: Int32Array | Float64Array;
  base: number;
  count: number;
  head: number;
  slots: Int32Array;
  filled: number;
}
const inside = (m: RememberedIds) => m as unknown as Inside;
/** A table whose hashes are known (seed 0), so tests can pick ids that share a probe chain. */
const seeded = () => {
  const m = new RememberedIds();
  inside(m).seed = 0;
  return m;
};
/** `count` ids of the form prefix + n + suffix whose hashes land on the same slot of a 16-slot table. */
function colliding(count: number, make: (n: number) => string, slot = hashOf(make(0), 0) & 15): string[] {
  const out: string[] = [];
  for (let n = 0; out.length < count; n++) if ((hashOf(make(n), 0) & 15) === slot) out.push(make(n));
  return out;
}

describe('RememberedIds keeps times as 32-bit distances while it can', () => {
  it('stores each whole `at` as its distance from the first one', () => {
    const m = new RememberedIds();
    m.set('a', 1_700_000_000_000);
    m.set('b', 1_700_000_000_250);
    m.set('c', 1_699_999_999_990);
    expect(inside(m).ats).toBeInstanceOf(Int32Array);
    expect(inside(m).base).toBe(1_700_000_000_000);
    expect([...inside(m).ats.subarray(0, 3)]).toEqual([0, 250, -10]);
    expect([...m]).toEqual([
      ['a', 1_700_000_000_000],
      ['b', 1_700_000_000_250],
      ['c', 1_699_999_999_990],
    ]);
  });

  it('a distance at the edges of 32 bits stays a distance; one past either edge makes every time whole', () => {
    const edges = new RememberedIds();
    edges.set('a', 0);
    edges.set('b', 2 ** 31 - 1);
    edges.set('c', -(2 ** 31));
    expect(inside(edges).ats).toBeInstanceOf(Int32Array);
    expect([...inside(edges).ats.subarray(0, 3)]).toEqual([0, 2 ** 31 - 1, -(2 ** 31)]);
    for (const past of [2 ** 31, -(2 ** 31) - 1]) {
      const m = new RememberedIds();
      m.set('a', 5);
      m.set('b', 5 + past);
      expect(inside(m).ats).toBeInstanceOf(Float64Array);
      expect(inside(m).base).toBe(0);
      expect([...m]).toEqual([
        ['a', 5],
        ['b', 5 + past],
      ]);
    }
  });

  it('a time that is not a whole number turns the times whole at once, with exact values, kept as they grow', () => {
    const m = new RememberedIds();
    m.set('a', 10);
    m.set('b', 10.5);
    expect(inside(m).ats).toBeInstanceOf(Float64Array);
    for (let i = 0; i < 40; i++) m.set(`x${i}`, 1_000 + i + 0.25);
    expect(inside(m).ats).toBeInstanceOf(Float64Array);
    expect(m.get('a')).toBe(10);
    expect(m.get('b')).toBe(10.5);
    expect(m.get('x39')).toBe(1_039.25);
    const first = new RememberedIds();
    first.set('x', 0.25);
    expect(inside(first).ats).toBeInstanceOf(Float64Array);
    expect(first.get('x')).toBe(0.25);
  });

  it('cleared, it starts again with distances from the next first id', () => {
    const m = new RememberedIds();
    m.set('a', 1);
    m.set('b', 2.5);
    m.clear();
    expect(m.size).toBe(0);
    expect([...m]).toEqual([]);
    expect(inside(m).used).toBe(0);
    expect(inside(m).filled).toBe(0);
    m.set('c', 900);
    m.set('d', 950);
    expect(inside(m).ats).toBeInstanceOf(Int32Array);
    expect(inside(m).base).toBe(900);
    expect([...inside(m).ats.subarray(0, 2)]).toEqual([0, 50]);
    expect([...m]).toEqual([
      ['c', 900],
      ['d', 950],
    ]);
  });
});

describe('RememberedIds stores each id once, in a byte arena', () => {
  it('one header byte and one byte per code unit below 256; two bytes each otherwise', () => {
    const m = new RememberedIds();
    m.set('aé', 1);
    expect(inside(m).used).toBe(3);
    expect([...inside(m).bytes.subarray(0, 3)]).toEqual([4, 0x61, 0xe9]);
    m.set('成员', 2);
    expect(inside(m).used).toBe(3 + 5);
    expect([...inside(m).bytes.subarray(3, 8)]).toEqual([5, 0x10, 0x62, 0x58, 0x54]);
    m.set('😀x', 3);
    expect([...m]).toEqual([
      ['aé', 1],
      ['成员', 2],
      ['😀x', 3],
    ]);
    expect(m.get('😀x')).toBe(3);
    expect(m.get('😀y')).toBeUndefined();
    expect(m.get('成')).toBeUndefined();
  });

  it('an id of 127 code units has a one-byte header, of 128 a five-byte one; long ids of both widths read back', () => {
    const m = new RememberedIds();
    m.set('a'.repeat(127), 1);
    expect(inside(m).used).toBe(1 + 127);
    expect(inside(m).bytes[0]).toBe(254);
    m.set('b'.repeat(128), 2);
    expect(inside(m).used).toBe(128 + 5 + 128);
    expect([...inside(m).bytes.subarray(128, 133)]).toEqual([255, 0, 1, 0, 0]);
    const narrow = 'n'.repeat(1_500) + 'z';
    const wide = '成'.repeat(2_000) + 'a';
    const big = 'q'.repeat(70_000);
    m.set(narrow, 3);
    m.set(wide, 4);
    m.set(big, 5);
    expect([...m.keys()]).toEqual(['a'.repeat(127), 'b'.repeat(128), narrow, wide, big]);
    expect([m.get(narrow), m.get(wide), m.get(big)]).toEqual([3, 4, 5]);
    expect(m.get('n'.repeat(1_501))).toBeUndefined();
    expect(m.get('q'.repeat(69_999) + 'r')).toBeUndefined();
  });

  it('an id is told from another of its length in the same probe chain by every code unit, the first too', () => {
    const m = seeded();
    const [x, y] = colliding(2, (n) => `${n}-tail`);
    m.set(x!, 1);
    expect(m.get(y!)).toBeUndefined();
    expect(m.has(y!)).toBe(false);
    const [w1, w2] = colliding(2, (n) => `成${n}员`);
    m.set(w1!, 2);
    expect(m.get(w2!)).toBeUndefined();
    // Same length, same last code units, different first one (within one byte, and in the high byte of a wide one).
    const sameEnd = colliding(2, (n) => `${String.fromCharCode(0x41 + n)}-end`);
    m.set(sameEnd[0]!, 3);
    expect(m.get(sameEnd[1]!)).toBeUndefined();
    const wideEnd = colliding(2, (n) => `${String.fromCharCode(0x4e00 + (n << 8))}-末`);
    m.set(wideEnd[0]!, 4);
    expect(m.get(wideEnd[1]!)).toBeUndefined();
    expect([m.get(x!), m.get(w1!), m.get(sameEnd[0]!), m.get(wideEnd[0]!)]).toEqual([1, 2, 3, 4]);
  });

  it('the code unit 0xff is one byte; a wide id of 127 code units (header 255) takes the long header', () => {
    const m = new RememberedIds();
    m.set('ÿ', 1);
    expect(inside(m).used).toBe(2);
    const wide = '成'.repeat(127);
    m.set(wide, 2);
    expect([...inside(m).bytes.subarray(2, 7)]).toEqual([255, 255, 0, 0, 0]);
    expect([...m.keys()]).toEqual(['ÿ', wide]);
    expect(m.get(wide)).toBe(2);
  });

  it('the arena grows only when an id does not fit, to the next power of two that holds it', () => {
    // 3 bytes, then 5 + 2 x 124 reserved for the second: 256 exactly, no growth.
    const fits = new RememberedIds();
    fits.set('ab', 1);
    const arena = inside(fits).bytes;
    fits.set('c'.repeat(124), 2);
    expect(inside(fits).bytes).toBe(arena);
    expect(inside(fits).used).toBe(3 + 125);
    // 7 bytes, then 5 + 2 x 250 reserved: 512 exactly.
    const grows = new RememberedIds();
    grows.set('abcdef', 1);
    grows.set('d'.repeat(250), 2);
    expect(inside(grows).bytes.length).toBe(512);
    expect([...grows.values()]).toEqual([1, 2]);
  });

  it('each table has its own seed', () => {
    const seeds = new Set([1, 2, 3].map(() => inside(new RememberedIds()).seed));
    expect(seeds.size).toBe(3);
  });

  it('the hash is FNV-1a with a final mix (pinned: the layout tests above rely on it)', () => {
    expect(hashOf('', 0)).toBe(0);
    expect(hashOf('a', 0)).toBe(hashOf('a', 0));
    expect([hashOf('e1', 0), hashOf('e2', 0), hashOf('e1', 7)]).toEqual([-745356077, -960211650, -1463487354]);
    expect(hashOf('成员', 0x811c9dc5 | 0)).toBe(1093068008);
  });
});

describe('RememberedIds hash table', () => {
  it('a deleted id leaves a mark that probing passes, and the next id of the chain takes its slot', () => {
    const m = seeded();
    const [a, b, c] = colliding(3, (n) => `c${n}`);
    m.set(a!, 1);
    m.set(b!, 2);
    expect(inside(m).filled).toBe(2);
    expect(m.delete(a!)).toBe(true);
    expect(m.delete(a!)).toBe(false);
    expect(m.get(b!)).toBe(2);
    expect(m.size).toBe(1);
    m.set(c!, 3);
    expect(inside(m).filled).toBe(2);
    expect([...inside(m).slots].filter((s) => s === -1)).toEqual([]);
    expect([...m]).toEqual([
      [b!, 2],
      [c!, 3],
    ]);
  });

  it('grows once more than half its slots are used, to at least three per live id, without the deleted marks', () => {
    const m = seeded();
    for (let i = 0; i < 8; i++) m.set(`g${i}`, i);
    expect(inside(m).slots.length).toBe(16);
    m.delete('g0');
    m.set('g8', 8);
    // 8 live + 1 deleted mark = 9 used slots of 16: rebuilt for 8 live ids.
    expect(inside(m).slots.length).toBe(32);
    expect(inside(m).filled).toBe(8);
    for (let i = 9; i < 40; i++) m.set(`g${i}`, i);
    // 17 used slots of 32: rebuilt for 17 live ids (51 slots at least, 64); 33 of 64: 128.
    expect(inside(m).slots.length).toBe(128);
    for (let i = 1; i < 40; i++) expect(m.get(`g${i}`)).toBe(i);
    expect(m.get('g0')).toBeUndefined();
  });

  it('the empty id, deleted, is not found through its own mark', () => {
    const m = new RememberedIds();
    m.set('', 1);
    expect(m.get('')).toBe(1);
    m.delete('');
    expect(m.get('')).toBeUndefined();
    expect(m.has('')).toBe(false);
    m.set('', 2);
    expect([...m]).toEqual([['', 2]]);
  });

  it('an id is not taken for a longer one that starts with it, in the same chain', () => {
    const m = seeded();
    let n = 0;
    while ((hashOf(`p${n}`, 0) & 15) !== (hashOf(`p${n}x`, 0) & 15)) n++;
    m.set(`p${n}x`, 1);
    expect(m.get(`p${n}`)).toBeUndefined();
    m.set(`p${n}`, 2);
    expect([m.get(`p${n}x`), m.get(`p${n}`)]).toEqual([1, 2]);
  });

  it("each slot keeps its id's hash beside it, and a probe compares bytes only where the hashes agree", () => {
    const m = seeded();
    const ids = ['h1', 'h2', 'h3', '成员'];
    ids.forEach((id, i) => m.set(id, i));
    for (const id of ids) {
      const slot = [...inside(m).slots].indexOf(ids.indexOf(id) + 1);
      expect(inside(m).tags[slot]).toBe(hashOf(id, 0));
    }
    // Through a rebuild too.
    for (let i = 0; i < 20; i++) m.set(`r${i}`, 100 + i);
    const slot = [...inside(m).slots].indexOf(ids.length + 20);
    expect(inside(m).tags[slot]).toBe(hashOf('r19', 0));
    // Two ids of one chain with different hashes: looking one up never reads the other's bytes.
    const chain = seeded();
    const [x, y] = colliding(2, (n) => `k${n}`);
    expect(hashOf(x!, 0)).not.toBe(hashOf(y!, 0));
    chain.set(x!, 1);
    chain.set(y!, 2);
    const matches = vi.spyOn(chain as unknown as { matches: (place: number, id: string) => boolean }, 'matches');
    expect(chain.get(y!)).toBe(2);
    expect(matches).toHaveBeenCalledTimes(1);
    expect(matches).toHaveBeenCalledWith(1, y);
  });

  it('a set right after the get that missed its id uses the slot that lookup found, without a second probe', () => {
    const m = seeded();
    const [a, b, c] = colliding(3, (n) => `s${n}`);
    m.set(a!, 1);
    m.set(b!, 2);
    m.delete(a!);
    const find = vi.spyOn(m as unknown as { find: (id: string) => number }, 'find');
    expect(m.get(c!)).toBeUndefined();
    m.set(c!, 3);
    expect(find).toHaveBeenCalledTimes(1);
    // The first deleted slot of the chain, as a probing set would choose.
    expect(inside(m).slots.indexOf(3)).toBe(hashOf(c!, 0) & 15);
    expect([...m]).toEqual([
      [b!, 2],
      [c!, 3],
    ]);
  });

  it('a lookup or change between the missing get and the set makes the set probe again', () => {
    const [a, b, c] = colliding(3, (n) => `v${n}`);
    const steps: ((m: RememberedIds) => unknown)[] = [
      (m) => m.set(b!, 2),
      (m) => m.get(b!),
      (m) => m.has(b!),
      (m) => m.delete(a!),
      (m) => m.clear(),
      (m) => m.forgetBefore(Number.POSITIVE_INFINITY),
    ];
    for (const between of steps) {
      const m = seeded();
      m.set(a!, 1);
      expect(m.get(c!)).toBeUndefined();
      between(m);
      const find = vi.spyOn(m as unknown as { find: (id: string) => number }, 'find');
      m.set(c!, 3);
      expect(find).toHaveBeenCalledTimes(1);
      expect(m.get(c!)).toBe(3);
      const model = new Map<string, number>();
      for (const [k, v] of m) model.set(k, v);
      for (const k of [a!, b!, c!]) expect(m.get(k)).toBe(model.get(k));
    }
  });

  it('a rebuild reads each hash from its tag, not from the stored bytes', () => {
    const m = seeded();
    const storedHash = vi.spyOn(m as unknown as { storedHash: (place: number) => number }, 'storedHash');
    for (let i = 0; i < 40; i++) m.set(`t${i}`, i);
    expect(inside(m).slots.length).toBe(128);
    expect(storedHash).not.toHaveBeenCalled();
    for (let i = 0; i < 40; i++) expect(m.get(`t${i}`)).toBe(i);
  });

  it('ids of one 32-bit hash are told apart by their length and their bytes', () => {
    // Found by search (seed 0): the same hash, so the same tag, of the same and of other lengths.
    for (const [a, b] of [
      ['e01pf8', 'e0irj6'],
      ['yy11ia', 'x4811'],
    ] as const) {
      expect(hashOf(a, 0)).toBe(hashOf(b, 0));
      const m = seeded();
      m.set(a, 1);
      expect(m.get(b)).toBeUndefined();
      expect(m.has(b)).toBe(false);
      m.set(b, 2);
      expect([m.get(a), m.get(b), m.size]).toEqual([1, 2, 2]);
      m.delete(a);
      expect([m.get(a), m.get(b)]).toEqual([undefined, 2]);
    }
  });

  it('a new id takes the first deleted slot of its chain', () => {
    const m = seeded();
    const [a, b, c, d] = colliding(4, (n) => `q${n}`);
    m.set(a!, 1);
    m.set(b!, 2);
    m.set(c!, 3);
    const slotOf = (place: number) => [...inside(m).slots].indexOf(place + 1);
    const [sa, sb] = [slotOf(0), slotOf(1)];
    m.delete(a!);
    m.delete(b!);
    m.set(d!, 4);
    expect(slotOf(3)).toBe(sa);
    expect(inside(m).slots[sb]).toBe(-1);
    expect(inside(m).filled).toBe(3);
    expect([...m]).toEqual([
      [c!, 3],
      [d!, 4],
    ]);
  });

  it("an id in the table's first slot is there", () => {
    const m = seeded();
    const [first] = colliding(1, (n) => `z${n}`, 0);
    m.set(first!, 1);
    expect(inside(m).slots[0]).toBe(1);
    expect(m.has(first!)).toBe(true);
  });

  it('wide ids are found again after the table is rebuilt and after they are forgotten from a chain', () => {
    const m = seeded();
    const ids = Array.from({ length: 40 }, (_, i) => `成员${i}号`);
    ids.forEach((id, i) => m.set(id, i));
    expect(inside(m).slots.length).toBe(128);
    ids.forEach((id, i) => expect(m.get(id)).toBe(i));
    m.forgetBefore(20);
    ids.forEach((id, i) => expect(m.get(id)).toBe(i < 20 ? undefined : i));
  });

  it('forgetting removes each id from its chain and keeps the others of the chain found', () => {
    const m = seeded();
    const chain = colliding(4, (n) => `f${n}`);
    chain.forEach((id, i) => m.set(id, 100 + i));
    m.forgetBefore(102);
    expect([m.get(chain[0]!), m.get(chain[1]!), m.get(chain[2]!), m.get(chain[3]!)]).toEqual([undefined, undefined, 102, 103]);
    expect([...inside(m).slots].filter((x) => x === -1)).toHaveLength(2);
    // Forgetting an id deeper in its chain marks its own slot, not the chain's first.
    const deep = seeded();
    const [a, b, c] = colliding(3, (n) => `t${n}`);
    deep.set(a!, 1);
    deep.set(b!, 2);
    deep.delete(a!);
    deep.set(c!, 3); // takes a's slot, first in the chain
    deep.forgetBefore(3);
    expect(deep.get(b!)).toBeUndefined();
    expect(deep.get(c!)).toBe(3);
    expect(m.size).toBe(2);
    expect(inside(m).head).toBe(2);
  });
});

describe('RememberedIds drops its forgotten front', () => {
  const filled = (n: number) => {
    const m = new RememberedIds();
    for (let i = 0; i < n; i++) m.set(`e${i}`, 100_000 + i);
    return m;
  };

  it('once more than 1,024 places and more than half the places are forgotten', () => {
    const exactly = filled(2_000);
    exactly.forgetBefore(100_000 + 1_024);
    expect(inside(exactly).count).toBe(2_000);
    expect(inside(exactly).head).toBe(1_024);
    const past = filled(2_000);
    past.forgetBefore(100_000 + 1_025);
    expect(inside(past).count).toBe(975);
    expect(inside(past).head).toBe(0);
    expect(past.get('e1025')).toBe(101_025);
    expect(past.get('e1999')).toBe(101_999);
    expect(past.get('e1024')).toBeUndefined();
    expect([...past.keys()].slice(0, 2)).toEqual(['e1025', 'e1026']);
    // The bytes moved with the places: 975 ids of 1 + 5 bytes each.
    expect(inside(past).used).toBe(975 * 6);
    // 1,100 forgotten of 2,200: exactly half, kept; of 2,199, more than half, dropped.
    const half = filled(2_200);
    half.forgetBefore(100_000 + 1_100);
    expect(inside(half).count).toBe(2_200);
    const overHalf = filled(2_199);
    overHalf.forgetBefore(100_000 + 1_100);
    expect(inside(overHalf).count).toBe(1_099);
  });

  it('a front whose ids all moved or were forgotten leaves an empty arena', () => {
    const m = filled(1_500);
    for (let i = 0; i < 1_500; i++) m.delete(`e${i}`);
    m.forgetBefore(0);
    expect(inside(m).count).toBe(0);
    expect(inside(m).used).toBe(0);
    m.set('next', 7);
    expect([...m]).toEqual([['next', 7]]);
  });

  it('gives memory back after a burst: arrays four times larger than needed shrink', () => {
    const m = filled(20_000);
    const big = { places: inside(m).starts.length, bytes: inside(m).bytes.length, slots: inside(m).slots.length };
    m.forgetBefore(100_000 + 19_990);
    expect(m.size).toBe(10);
    expect(inside(m).starts.length).toBe(32);
    expect(inside(m).ats.length).toBe(32);
    expect(inside(m).bytes.length).toBe(256);
    expect(inside(m).slots.length).toBe(32);
    expect(big).toEqual({ places: 32_768, bytes: 131_072, slots: 65_536 });
    expect([...m.keys()][0]).toBe('e19990');
    // 16 ids of 8 bytes left: room for 32 places and 256 bytes, exactly twice what they use.
    const exact = new RememberedIds();
    for (let i = 0; i < 2_000; i++) exact.set(`x${String(i).padStart(6, '0')}`, i);
    exact.forgetBefore(1_984);
    expect(exact.size).toBe(16);
    expect(inside(exact).starts.length).toBe(32);
    expect(inside(exact).bytes.length).toBe(256);
    expect(exact.get('x001999')).toBe(1_999);
    // A front not four times too big keeps its arrays.
    const kept = filled(2_048);
    kept.forgetBefore(100_000 + 1_100);
    expect(inside(kept).starts.length).toBe(2_048);
  });

  it('skips a place left by an id that moved to the end, even when that place held a time past the cutoff', () => {
    const m = new RememberedIds();
    m.set('a', 5_000);
    m.set('gone', 9_000);
    m.forgetBefore(5_001);
    m.set('late', 1_000); // processed late, with an old time
    // `gone` redelivered later moves to the end, leaving its place (time 9,000) behind `late`'s.
    m.delete('gone');
    m.set('gone', 9_500);
    m.forgetBefore(2_000);
    // Stopping at the left place would keep `late` until `gone`'s old time passed.
    expect([...m]).toEqual([['gone', 9_500]]);
  });
});

describe('RememberedIds as a Map', () => {
  it('says it is a Map, iterates with forEach in order, and keys the prototype names like any id', () => {
    const m = new RememberedIds();
    expect(Object.prototype.toString.call(m)).toBe('[object Map]');
    m.set('__proto__', 1);
    m.set('constructor', 2);
    const seen: [string, number, unknown][] = [];
    const self = { tag: 'this' };
    m.forEach(function (this: unknown, at, id, map) {
      seen.push([id, at, this]);
      expect(map).toBe(m);
    }, self);
    expect(seen).toEqual([
      ['__proto__', 1, self],
      ['constructor', 2, self],
    ]);
    expect([...m.values()]).toEqual([1, 2]);
    expect(m.has('__proto__')).toBe(true);
    expect(m.has('toString')).toBe(false);
  });
});
