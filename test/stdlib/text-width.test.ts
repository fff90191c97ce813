import { describe, expect, it } from 'vitest';
import { displayWidth, isWideCodePoint } from '../../src/stdlib/text-width.js';

/** The wide ranges, inclusive; U+303F inside the second one is narrow. */
const WIDE: [number, number][] = [
  [0x1100, 0x115f],
  [0x2e80, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1faff],
  [0x20000, 0x3fffd],
];

describe('isWideCodePoint', () => {
  it('is true at both ends of every wide range and false just outside them', () => {
    for (const [lo, hi] of WIDE) {
      expect(isWideCodePoint(lo), lo.toString(16)).toBe(true);
      expect(isWideCodePoint(hi), hi.toString(16)).toBe(true);
      expect(isWideCodePoint(lo - 1), (lo - 1).toString(16)).toBe(false);
      expect(isWideCodePoint(hi + 1), (hi + 1).toString(16)).toBe(false);
    }
  });

  it('is false for U+303F (half-width ideographic space) inside a wide range', () => {
    expect(isWideCodePoint(0x303f)).toBe(false);
    expect(isWideCodePoint(0x303e)).toBe(true);
    expect(isWideCodePoint(0x3040)).toBe(true);
  });

  it('is false for ASCII and Latin letters', () => {
    for (const cp of [0, 0x41, 0x7e, 0xe9, 0x2000]) expect(isWideCodePoint(cp)).toBe(false);
  });
});

describe('displayWidth', () => {
  it('counts one cell per narrow character and two per wide one', () => {
    expect(displayWidth('')).toBe(0);
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('a日b')).toBe(4);
    expect(displayWidth('한글')).toBe(4);
  });

  it('reads an emoji outside the BMP as one wide character, not two halves', () => {
    expect(displayWidth('😀')).toBe(2);
    expect(displayWidth('x😀y')).toBe(4);
    expect(displayWidth('𠀀')).toBe(2);
  });
});
