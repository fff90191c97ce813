import { describe, expect, it } from 'vitest';
import { MAX_REPEAT, parseRegex, RegexFeatureError } from '../../src/stdlib/regex-syntax.js';

const ch = (c: string) => ({ t: 'char', cp: c.codePointAt(0)! });
const cp = (n: number) => ({ t: 'char', cp: n });
const seq = (...items: unknown[]) => ({ t: 'seq', items });
const range = (lo: number, hi = lo) => ({ t: 'range', lo, hi });

/** The RegexFeatureError parseRegex throws, as a plain object. */
function refusal(source: string) {
  try {
    parseRegex(source);
  } catch (e) {
    if (!(e instanceof RegexFeatureError)) throw e;
    return { feature: e.feature, message: e.message, hint: e.hint, at: e.at, len: e.len };
  }
  throw new Error(`${source} was not refused`);
}

describe('parseRegex: sequences and alternatives', () => {
  it('reads characters, sequences and alternatives', () => {
    expect(parseRegex('a')).toEqual(ch('a'));
    expect(parseRegex('ab')).toEqual(seq(ch('a'), ch('b')));
    expect(parseRegex('')).toEqual(seq());
    expect(parseRegex('a|b')).toEqual({ t: 'alt', branches: [ch('a'), ch('b')] });
    expect(parseRegex('a|b|')).toEqual({ t: 'alt', branches: [ch('a'), ch('b'), seq()] });
    expect(parseRegex('ab|c')).toEqual({ t: 'alt', branches: [seq(ch('a'), ch('b')), ch('c')] });
  });

  it('reads a character outside the BMP as one code point', () => {
    expect(parseRegex('😀')).toEqual(cp(0x1f600));
    expect(parseRegex('😀a')).toEqual(seq(cp(0x1f600), ch('a')));
    expect(parseRegex('😀+')).toEqual({ t: 'repeat', body: cp(0x1f600), min: 1, max: Infinity, lazy: false, at: 0, len: 3 });
  });

  it('reads U+FFFF as one unit, the last character of the BMP', () => {
    expect(parseRegex('\uffffa')).toEqual(seq(cp(0xffff), ch('a')));
  });

  it('reads . ^ $ \\b \\B', () => {
    expect(parseRegex('.^$\\b\\B')).toEqual(
      seq({ t: 'dot' }, { t: 'assert', kind: '^' }, { t: 'assert', kind: '$' }, { t: 'assert', kind: 'b' }, { t: 'assert', kind: 'B' }),
    );
  });

  it('reads a lone { } or ] as a character', () => {
    expect(parseRegex('{')).toEqual(ch('{'));
    expect(parseRegex('a{')).toEqual(seq(ch('a'), ch('{')));
    expect(parseRegex('a{2')).toEqual(seq(ch('a'), ch('{'), ch('2')));
    expect(parseRegex('a{,3}')).toEqual(seq(ch('a'), ch('{'), ch(','), ch('3'), ch('}')));
    expect(parseRegex('a}')).toEqual(seq(ch('a'), ch('}')));
    expect(parseRegex(']')).toEqual(ch(']'));
  });

  it('refuses what is not a pattern', () => {
    expect(() => parseRegex('a)')).toThrow('unexpected `)` at 1');
    expect(() => parseRegex('*')).toThrow('nothing to repeat at 0');
    expect(() => parseRegex('a|+')).toThrow('nothing to repeat at 2');
    expect(() => parseRegex('?')).toThrow('nothing to repeat at 0');
    expect(() => parseRegex('^*')).toThrow('nothing to repeat at 0');
    expect(() => parseRegex('a$?')).toThrow('nothing to repeat at 1');
    expect(() => parseRegex('\\b+')).toThrow('nothing to repeat at 0');
    expect(() => parseRegex('(a')).toThrow('unterminated group at 0');
    expect(() => parseRegex('x(?:a')).toThrow('unterminated group at 1');
    expect(() => parseRegex('x[a')).toThrow('unterminated class at 1');
    expect(() => parseRegex('[')).toThrow('unterminated class at 0');
    expect(() => parseRegex('[a-')).toThrow('unterminated class at 0');
    expect(() => parseRegex('[^')).toThrow('unterminated class at 0');
    expect(() => parseRegex('a\\')).toThrow('\\ at end of pattern');
  });
});

describe('parseRegex: repetition', () => {
  const rep = (body: unknown, min: number, max: number, lazy: boolean, at: number, len: number) => ({ t: 'repeat', body, min, max, lazy, at, len });

  it('reads every quantifier, greedy and lazy, with where it is', () => {
    expect(parseRegex('a*')).toEqual(rep(ch('a'), 0, Infinity, false, 0, 2));
    expect(parseRegex('a+')).toEqual(rep(ch('a'), 1, Infinity, false, 0, 2));
    expect(parseRegex('a?')).toEqual(rep(ch('a'), 0, 1, false, 0, 2));
    expect(parseRegex('a*?')).toEqual(rep(ch('a'), 0, Infinity, true, 0, 3));
    expect(parseRegex('a+?')).toEqual(rep(ch('a'), 1, Infinity, true, 0, 3));
    expect(parseRegex('a??')).toEqual(rep(ch('a'), 0, 1, true, 0, 3));
    expect(parseRegex('a{3}')).toEqual(rep(ch('a'), 3, 3, false, 0, 4));
    expect(parseRegex('a{2,}')).toEqual(rep(ch('a'), 2, Infinity, false, 0, 5));
    expect(parseRegex('a{2,5}')).toEqual(rep(ch('a'), 2, 5, false, 0, 6));
    expect(parseRegex('a{2,5}?')).toEqual(rep(ch('a'), 2, 5, true, 0, 7));
    expect(parseRegex('xa{12,345}b')).toEqual(seq(ch('x'), rep(ch('a'), 12, 345, false, 1, 9), ch('b')));
    expect(parseRegex('(ab)+')).toEqual(rep({ t: 'group', body: seq(ch('a'), ch('b')) }, 1, Infinity, false, 0, 5));
  });

  it(`accepts counts up to ${MAX_REPEAT} and refuses larger ones, pointing at the count`, () => {
    expect(MAX_REPEAT).toBe(1000);
    expect(parseRegex('a{1000}')).toEqual(rep(ch('a'), 1000, 1000, false, 0, 7));
    expect(parseRegex('a{0,1000}')).toEqual(rep(ch('a'), 0, 1000, false, 0, 9));
    expect(parseRegex('a{1000,}')).toEqual(rep(ch('a'), 1000, Infinity, false, 0, 8));
    expect(refusal('xa{1001}')).toEqual({
      feature: 'unsupported',
      message: 'RE2 repeats at most 1000 times, and `{1001}` asks for more',
      hint: 'use a count of at most 1000, or `+` / `{n,}` for "n or more"',
      at: 2,
      len: 6,
    });
    expect(refusal('a{1,1001}')).toMatchObject({ at: 1, len: 8 });
    expect(refusal('a{1001,}')).toMatchObject({ at: 1, len: 7 });
  });
});

describe('parseRegex: groups', () => {
  it('reads capturing, non-capturing and named groups alike', () => {
    expect(parseRegex('(a)')).toEqual({ t: 'group', body: ch('a') });
    expect(parseRegex('(?:a)')).toEqual({ t: 'group', body: ch('a') });
    expect(parseRegex('(?<name>a)')).toEqual({ t: 'group', body: ch('a') });
    expect(parseRegex('(?:)')).toEqual({ t: 'group', body: seq() });
    expect(parseRegex('(a|b)c')).toEqual(seq({ t: 'group', body: { t: 'alt', branches: [ch('a'), ch('b')] } }, ch('c')));
  });

  it('reads the flags a group switches on and off', () => {
    expect(parseRegex('(?i:a)')).toEqual({ t: 'group', body: ch('a'), flags: { on: 'i', off: '' } });
    expect(parseRegex('(?-i:a)')).toEqual({ t: 'group', body: ch('a'), flags: { on: '', off: 'i' } });
    expect(parseRegex('(?ms-i:a)')).toEqual({ t: 'group', body: ch('a'), flags: { on: 'ms', off: 'i' } });
    expect(parseRegex('(?-:a)')).toEqual({ t: 'group', body: ch('a') });
  });

  it('refuses lookahead and lookbehind, pointing at the opening', () => {
    expect(refusal('x(?=a)')).toEqual({
      feature: 'lookaround',
      message: 'RE2 cannot run lookahead `(?=…)`',
      hint: 'at the end of the pattern it can simply match: `a(?=b)` -> `ab`; elsewhere, add `and text matches /…/` to the condition',
      at: 1,
      len: 3,
    });
    expect(refusal('(?!a)')).toEqual({
      feature: 'lookaround',
      message: 'RE2 cannot run lookahead `(?!…)`',
      hint: 'a one-character lookahead can be a class: `a(?!b)` -> `a(?:[^b]|$)`; to leave out some messages, add `unless text matches /…/` to the rule',
      at: 0,
      len: 3,
    });
    expect(refusal('ab(?<=a)')).toEqual({
      feature: 'lookaround',
      message: 'RE2 cannot run lookbehind `(?<=…)`',
      hint: 'at the start of the pattern it can simply match: `(?<=a)b` -> `ab`; elsewhere, add `and text matches /…/` to the condition',
      at: 2,
      len: 4,
    });
    expect(refusal('(?<!a)')).toEqual({
      feature: 'lookaround',
      message: 'RE2 cannot run lookbehind `(?<!…)`',
      hint: 'a one-character lookbehind can be a class: `(?<!a)b` -> `(?:^|[^a])b`; to leave out some messages, add `unless text matches /…/` to the rule',
      at: 0,
      len: 4,
    });
  });
});

describe('parseRegex: escapes', () => {
  it('reads control escapes and classes', () => {
    expect(parseRegex('\\t\\n\\v\\f\\r')).toEqual(seq(cp(9), cp(10), cp(11), cp(12), cp(13)));
    expect(parseRegex('\\w\\W\\s\\S\\d\\D')).toEqual(seq(...['w', 'W', 's', 'S', 'd', 'D'].map((name) => ({ t: 'perl', name }))));
  });

  it('refuses backreferences, with the octal reading as a hint', () => {
    expect(refusal('(a)\\1')).toEqual({
      feature: 'backreference',
      message: 'RE2 cannot run the backreference `\\1` (text repeated from a group)',
      hint: 'match the text without repeating the group; for the character with code 1, write `\\x01`',
      at: 3,
      len: 2,
    });
    expect(refusal('\\12x')).toMatchObject({
      message: 'RE2 cannot run the backreference `\\12` (text repeated from a group)',
      hint: expect.stringContaining('write `\\x0a`'),
      at: 0,
      len: 3,
    });
    // \8 and \9 have no octal reading: no `\xNaN` in the hint.
    for (const d of ['8', '9']) {
      expect(refusal(`\\${d}`)).toEqual({
        feature: 'backreference',
        message: `RE2 cannot run the backreference \`\\${d}\` (text repeated from a group)`,
        hint: 'match the text without repeating the group',
        at: 0,
        len: 2,
      });
    }
    expect(refusal('x\\k<name>y')).toEqual({
      feature: 'backreference',
      message: 'RE2 cannot run the backreference `\\k<name>` (text repeated from a named group)',
      hint: 'match the text without repeating the group',
      at: 1,
      len: 8,
    });
  });

  it('reads \\cX as a control character, and \\c without a letter as a backslash and c', () => {
    expect(parseRegex('\\cA')).toEqual(cp(1));
    expect(parseRegex('\\cz')).toEqual(cp(26));
    expect(parseRegex('\\cJx')).toEqual(seq(cp(10), ch('x')));
    expect(parseRegex('\\c1')).toEqual(seq(ch('\\'), ch('c'), ch('1')));
    expect(parseRegex('\\c')).toEqual(seq(ch('\\'), ch('c')));
  });

  it('reads \\xHH, and \\x without two hex digits as x', () => {
    expect(parseRegex('\\x41')).toEqual(ch('A'));
    expect(parseRegex('\\xfFz')).toEqual(seq(cp(0xff), ch('z')));
    expect(parseRegex('\\x4')).toEqual(seq(ch('x'), ch('4')));
    expect(parseRegex('\\xZZ')).toEqual(seq(ch('x'), ch('Z'), ch('Z')));
  });

  it('reads \\u escapes: braced, four digits, surrogate pairs, and u alone', () => {
    expect(parseRegex('\\u{1F600}')).toEqual(cp(0x1f600));
    expect(parseRegex('\\u{41}b')).toEqual(seq(ch('A'), ch('b')));
    expect(parseRegex('\\u{10FFFF}')).toEqual(cp(0x10ffff));
    expect(parseRegex('\\u0041\\u0042')).toEqual(seq(ch('A'), ch('B')));
    expect(parseRegex('\\uD83D\\uDE00')).toEqual(cp(0x1f600));
    expect(parseRegex('\\ud83d\\ude00x')).toEqual(seq(cp(0x1f600), ch('x')));
    expect(parseRegex('\\ud83d')).toEqual(cp(0xd83d));
    expect(parseRegex('\\ud83dx')).toEqual(seq(cp(0xd83d), ch('x')));
    expect(parseRegex('\\ud83d\\u0041')).toEqual(seq(cp(0xd83d), ch('A')));
    expect(parseRegex('\\udc00\\udc00')).toEqual(seq(cp(0xdc00), cp(0xdc00)));
    expect(parseRegex('\\udbff\\udfff')).toEqual(cp(0x10ffff));
    expect(parseRegex('\\ud7ff\\udc00')).toEqual(seq(cp(0xd7ff), cp(0xdc00)));
    expect(parseRegex('\\u12')).toEqual(seq(ch('u'), ch('1'), ch('2')));
    expect(parseRegex('\\u12G4')).toEqual(seq(ch('u'), ch('1'), ch('2'), ch('G'), ch('4')));
  });

  it('reads \\0 and octal escapes, at most \\377', () => {
    expect(parseRegex('\\0')).toEqual(cp(0));
    expect(parseRegex('\\08')).toEqual(seq(cp(0), ch('8')));
    expect(parseRegex('\\012')).toEqual(cp(10));
    expect(parseRegex('\\0123')).toEqual(seq(cp(10), ch('3')));
    expect(parseRegex('[\\012]')).toEqual({ t: 'class', negate: false, items: [range(10)] });
    expect(parseRegex('[\\377]')).toEqual({ t: 'class', negate: false, items: [range(0o377)] });
    expect(parseRegex('[\\400]')).toEqual({ t: 'class', negate: false, items: [range(0o40), range(0x30)] });
    expect(parseRegex('[\\1]')).toEqual({ t: 'class', negate: false, items: [range(1)] });
    expect(parseRegex('[\\8]')).toEqual({ t: 'class', negate: false, items: [range(0x38)] });
    expect(parseRegex('[\\9]')).toEqual({ t: 'class', negate: false, items: [range(0x39)] });
  });

  it('reads \\k without a name as k', () => {
    expect(parseRegex('\\k')).toEqual(ch('k'));
    expect(parseRegex('\\kx')).toEqual(seq(ch('k'), ch('x')));
  });

  it('reads any other escaped character as itself', () => {
    expect(parseRegex('\\a')).toEqual(ch('a'));
    expect(parseRegex('\\/')).toEqual(ch('/'));
    expect(parseRegex('\\.\\*')).toEqual(seq(ch('.'), ch('*')));
    expect(parseRegex('\\😀')).toEqual(cp(0x1f600));
  });

  it('reads \\p{…} and \\P{…} with where they are, and \\p without braces as p', () => {
    expect(parseRegex('x\\p{L}')).toEqual(seq(ch('x'), { t: 'prop', negate: false, name: 'L', at: 1, len: 5 }));
    expect(parseRegex('\\P{Script=Han}')).toEqual({ t: 'prop', negate: true, name: 'Script', value: 'Han', at: 0, len: 14 });
    expect(parseRegex('\\p{=x}')).toEqual({ t: 'prop', negate: false, name: '', value: 'x', at: 0, len: 6 });
    expect(parseRegex('\\pL')).toEqual(seq(ch('p'), ch('L')));
    expect(parseRegex('\\PL')).toEqual(seq(ch('P'), ch('L')));
    expect(parseRegex('\\p{L')).toEqual(seq(ch('p'), ch('{'), ch('L')));
  });
});

describe('parseRegex: each construct is read where the cursor is, not further on', () => {
  it('reads a count, a named group, a property, a braced code point and a low surrogate only right at the cursor', () => {
    expect(parseRegex('a{x{2}')).toEqual(seq(ch('a'), ch('{'), { t: 'repeat', body: ch('x'), min: 2, max: 2, lazy: false, at: 2, len: 4 }));
    expect(parseRegex('(a)(?<n>b)')).toEqual(seq({ t: 'group', body: ch('a') }, { t: 'group', body: ch('b') }));
    expect(parseRegex('\\pL{x}')).toEqual(seq(ch('p'), ch('L'), ch('{'), ch('x'), ch('}')));
    expect(parseRegex('\\uZ{2}')).toEqual(seq(ch('u'), { t: 'repeat', body: ch('Z'), min: 2, max: 2, lazy: false, at: 2, len: 4 }));
    expect(parseRegex('\\ud83dx\\ude00')).toEqual(seq(cp(0xd83d), ch('x'), cp(0xde00)));
    expect(refusal('\\q\\k<x>')).toMatchObject({ feature: 'backreference', at: 2, len: 5 });
  });

  it('leaves out the value of a property written without one', () => {
    expect(parseRegex('\\p{L}')).toStrictEqual({ t: 'prop', negate: false, name: 'L', at: 0, len: 5 });
  });

  it('reads \\u{…} past U+10FFFF as u and a count, and the first high surrogate as one', () => {
    expect(refusal('\\u{110000}')).toMatchObject({ feature: 'unsupported', at: 2, len: 8 });
    expect(parseRegex('\\ud800\\udc00')).toEqual(cp(0x10000));
  });
});

describe('parseRegex: classes', () => {
  const cls = (negate: boolean, ...items: unknown[]) => ({ t: 'class', negate, items });

  it('reads ranges, single characters and negation', () => {
    expect(parseRegex('[a-z]')).toEqual(cls(false, range(0x61, 0x7a)));
    expect(parseRegex('[^a-z0]')).toEqual(cls(true, range(0x61, 0x7a), range(0x30)));
    expect(parseRegex('[😀-😂]')).toEqual(cls(false, range(0x1f600, 0x1f602)));
    expect(parseRegex('[]')).toEqual(cls(false));
    expect(parseRegex('[^]')).toEqual(cls(true));
    expect(parseRegex('[]a]')).toEqual(seq(cls(false), ch('a'), ch(']')));
  });

  it('reads a dash at either end, or next to a class escape, as a dash', () => {
    expect(parseRegex('[a-]')).toEqual(cls(false, range(0x61), range(0x2d)));
    expect(parseRegex('[-a]')).toEqual(cls(false, range(0x2d), range(0x61)));
    expect(parseRegex('[\\d-z]')).toEqual(cls(false, { t: 'perl', name: 'd' }, range(0x2d), range(0x7a)));
    expect(parseRegex('[a-\\s]')).toEqual(cls(false, range(0x61), range(0x2d), { t: 'perl', name: 's' }));
    expect(parseRegex('[\\p{L}-z]')).toEqual(cls(false, { t: 'prop', negate: false, name: 'L', at: 1, len: 5 }, range(0x2d), range(0x7a)));
    expect(parseRegex('[\\-a]')).toEqual(cls(false, range(0x2d), range(0x61)));
  });

  it('reads \\b in a class as backspace, and escapes as in the pattern', () => {
    expect(parseRegex('[\\b]')).toEqual(cls(false, range(8)));
    expect(parseRegex('[\\B]')).toEqual(cls(false, range(0x42)));
    expect(parseRegex('[\\n-\\r]')).toEqual(cls(false, range(10, 13)));
    expect(parseRegex('[\\x41-\\x5a]')).toEqual(cls(false, range(0x41, 0x5a)));
  });
});
