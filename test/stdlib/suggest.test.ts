import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from '../../src/stdlib/suggest.js';

/** Optimal string alignment distance, written out as the textbook table. */
function reference(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and transpositions', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('abc', 'abd')).toBe(1);
    expect(editDistance('abc', 'ab')).toBe(1);
    expect(editDistance('ab', 'abc')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('abcd', 'acbd')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('warn', 'wran')).toBe(1);
  });

  it('counts an insertion next to a repeated or swapped letter (aa -> aaa is one edit, not none)', () => {
    expect(editDistance('aa', 'aaa')).toBe(1);
    expect(editDistance('ab', 'aba')).toBe(1);
    expect(editDistance('ba', 'aab')).toBe(2);
    expect(editDistance('ab', 'bba')).toBe(2);
    expect(editDistance('tag', 'tagg')).toBe(1);
  });

  it('gives the length difference when it is more than 8, and the distance when it is 8', () => {
    expect(editDistance('b', 'aaaaaaaaaa')).toBe(9);
    expect(editDistance('b', 'aaaaaaaaa')).toBe(9);
    expect(editDistance('', 'aaaaaaaa')).toBe(8);
  });

  it('agrees with the textbook table on short words', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 6 });
    fc.assert(fc.property(word, word, (a, b) => editDistance(a, b) === reference(a, b)));
  });
});

describe('closest', () => {
  it('picks the nearest candidate, ignoring case, and keeps the first of equals', () => {
    expect(closest('membr', ['points', 'member', 'members'])).toBe('member');
    expect(closest('MEMBER', ['member'])).toBe('member');
    expect(closest('cat', ['bat', 'cap'])).toBe('bat');
    expect(closest('cat', ['cap', 'bat'])).toBe('cap');
    expect(closest('abcd', ['abxx', 'abcx'])).toBe('abcx');
  });

  it('suggests nothing beyond the edit limit (a third of the name, plus one, at least one)', () => {
    // 'ab': limit max(1, 0 + 1) = 1
    expect(closest('ab', ['xy'])).toBeUndefined();
    expect(closest('ab', ['xb'])).toBe('xb');
    // 'abc': limit 2
    expect(closest('abc', ['axy'])).toBe('axy');
    expect(closest('abc', ['xyz'])).toBeUndefined();
    // 'abcdef': limit 3
    expect(closest('abcdef', ['abcxyz'])).toBe('abcxyz');
    expect(closest('abcdef', ['abwxyz'])).toBeUndefined();
    // '': limit 1
    expect(closest('', ['a'])).toBe('a');
    expect(closest('', ['ab'])).toBeUndefined();
  });

  it('suggests nothing among no candidates, and reads any iterable', () => {
    expect(closest('abc', [])).toBeUndefined();
    expect(closest('abd', new Set(['abc']))).toBe('abc');
  });
});

describe('didYouMean', () => {
  it('words the suggestion, or gives nothing', () => {
    expect(didYouMean('membr', ['member'])).toBe('did you mean `member`?');
    expect(didYouMean('zzzzzz', ['member'])).toBeUndefined();
  });
});
