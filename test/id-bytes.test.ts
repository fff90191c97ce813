import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashOf, hashUnits, headerBytes, headerFor, LONG, readHeader, readUnits, sameUnits, writeId } from '../src/runtime/id-bytes.js';

/**
 * One remembered id in the byte arena (src/runtime/id-bytes.ts): written, read back, hashed and
 * compared from its bytes as from the string.
 */

const SEED = 2021;

function stored(id: string): { bytes: Uint8Array; header: number; body: number; end: number } {
  const bytes = new Uint8Array(5 + id.length * 2 + 3);
  const header = headerFor(id);
  const end = writeId(bytes, 0, header, id);
  return { bytes, header, body: headerBytes(header), end };
}

const IDS = ['', 'e1', 'ÿÿ', '成员', 'a成', 'x'.repeat(127), '成'.repeat(127), 'y'.repeat(1025), 'z'.repeat(4000), '成'.repeat(1500)];

describe('an id in the arena', () => {
  it('is its header (length twice, plus one when a code unit is above 255), then one or two bytes per code unit', () => {
    expect(IDS.map(headerFor)).toEqual([0, 4, 4, 5, 5, 254, 255, 2050, 8000, 3001]);
    expect([headerBytes(254), headerBytes(LONG), headerBytes(2050)]).toEqual([1, 5, 5]);
    for (const id of IDS) {
      const { header, body, end } = stored(id);
      expect(end - body, id.slice(0, 5)).toBe(id.length * ((header & 1) + 1));
    }
    const wide = stored('a成');
    expect([...wide.bytes.subarray(0, wide.end)]).toEqual([5, 0x61, 0, 0x10, 0x62]);
    const long = stored('成'.repeat(127));
    expect([...long.bytes.subarray(0, 5)]).toEqual([LONG, 255, 0, 0, 0]);
  });

  it('reads back, hashes and compares as the string, narrow and wide, short and long', () => {
    for (const id of IDS) {
      const { bytes, header, body } = stored(id);
      expect(readHeader(bytes, 0)).toBe(header);
      expect(readUnits(bytes, body, header)).toBe(id);
      for (const seed of [0, 7, -1]) expect(hashUnits(bytes, body, header, seed)).toBe(hashOf(id, seed));
      expect(sameUnits(bytes, body, header, id)).toBe(true);
    }
  });

  it('is another id when any one code unit differs (fast-check, fixed seed)', () => {
    const unit = fc.oneof(fc.integer({ min: 0x20, max: 0xff }), fc.integer({ min: 0x100, max: 0xffff }));
    fc.assert(
      fc.property(fc.array(unit, { minLength: 1, maxLength: 40 }), fc.nat(), unit, (units, at, other) => {
        const id = String.fromCharCode(...units);
        const i = at % units.length;
        fc.pre(other !== units[i]);
        const changed = id.slice(0, i) + String.fromCharCode(other) + id.slice(i + 1);
        const { bytes, header, body } = stored(id);
        expect(sameUnits(bytes, body, header, changed)).toBe(false);
        expect(sameUnits(bytes, body, header, id)).toBe(true);
        expect(hashUnits(bytes, body, header, 3)).toBe(hashOf(id, 3));
        expect(readUnits(bytes, body, header)).toBe(id);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
