import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { banMask, caseFold, isoDurationSeconds, splitLine, splitText, textBudget, utf8Bytes } from '../../src/bots/irc-text.js';

/** Text with the characters that make splitting hard: multi-byte letters, emoji, combining marks, flags, spaces. */
const awkwardText = fc
  .array(fc.constantFrom('a', 'Z', ' ', 'é', 'ß', '中', '文', '🎉', '👍🏽', '🇩🇪', 'e\u0301', '\u0915\u094d\u0937', '  ', 'word '), { maxLength: 200 })
  .map((parts) => parts.join(''));
const anyText = fc.oneof(awkwardText, fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }));

/** A string survives UTF-8 encoding unchanged: no lone surrogate, so no character was cut in two. */
const wellFormed = (s: string) => Buffer.from(s, 'utf8').toString('utf8') === s;

describe('splitLine', () => {
  it('returns pieces that concatenate to the line, each within the budget and each well-formed UTF-8', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 4, max: 120 }), (line, max) => {
        const pieces = splitLine(line, max);
        expect(pieces.join('')).toBe(line);
        for (const p of pieces) {
          expect(p.length).toBeGreaterThan(0);
          expect(utf8Bytes(p)).toBeLessThanOrEqual(max);
          if (wellFormed(line)) expect(wellFormed(p)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('fills every piece but the last when there is no space to break at', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', '-'), minLength: 1, maxLength: 400 }), fc.integer({ min: 4, max: 80 }), (line, max) => {
        const pieces = splitLine(line, max);
        for (const p of pieces.slice(0, -1)) expect(p.length).toBe(max);
        expect(pieces.length).toBe(Math.ceil(line.length / max));
      }),
    );
  });

  it('keeps a line that fits as it is, and gives nothing for an empty line', () => {
    expect(splitLine('hello', 5)).toEqual(['hello']);
    expect(splitLine('', 10)).toEqual([]);
  });

  it('breaks after a space rather than inside a word', () => {
    expect(splitLine('the quick brown fox', 12)).toEqual(['the quick ', 'brown fox']);
  });

  it('cuts a word longer than the budget at a character boundary', () => {
    expect(splitLine('ééééé', 4)).toEqual(['éé', 'éé', 'é']);
    expect(splitLine('a🎉b', 4)).toEqual(['a', '🎉', 'b']);
  });

  it('keeps a flag or an accented letter whole, and falls back to code points for a cluster larger than the budget', () => {
    expect(splitLine('🇩🇪🇩🇪', 8)).toEqual(['🇩🇪', '🇩🇪']);
    expect(splitLine('aae\u0301', 4)).toEqual(['aa', 'e\u0301']);
    // A family emoji is one cluster of 25 bytes: with a 4-byte budget it can only go by code point.
    const family = '👨\u200d👩\u200d👧\u200d👦';
    const pieces = splitLine(family, 4);
    expect(pieces.join('')).toBe(family);
    expect(pieces.every(wellFormed)).toBe(true);
  });

  it('refuses a budget that cannot hold one code point', () => {
    expect(() => splitLine('abc', 3)).toThrow(/at least 4 bytes/);
  });
});

describe('splitText', () => {
  it('sends one IRC line per text line, dropping empty lines and NUL', () => {
    expect(splitText('one\r\ntwo\n\nthree\rfour\0!', 100)).toEqual(['one', 'two', 'three', 'four!']);
    expect(splitText('\n\n', 100)).toEqual([]);
  });

  it('never lets CR or LF into a piece, and every line of the text survives in order', () => {
    fc.assert(
      fc.property(fc.array(awkwardText, { maxLength: 6 }), fc.integer({ min: 4, max: 60 }), (lines, max) => {
        const pieces = splitText(lines.join('\n'), max);
        for (const p of pieces) expect(p).not.toMatch(/[\r\n\0]/);
        expect(pieces.join('')).toBe(lines.join(''));
      }),
    );
  });
});

describe('textBudget', () => {
  it('leaves room for the prefix the server adds and CR LF', () => {
    const source = { nick: 'pbot', user: 'pbot', host: '127.0.0.1' };
    const budget = textBudget(source, 'PRIVMSG', '#lobby');
    const relayed = `:pbot!pbot@127.0.0.1 PRIVMSG #lobby :${'x'.repeat(budget)}\r\n`;
    expect(Buffer.byteLength(relayed)).toBe(512);
  });
});

describe('caseFold', () => {
  it('follows the server casemapping', () => {
    expect(caseFold('Nick[A]\\~', 'rfc1459')).toBe('nick{a}|^');
    expect(caseFold('Nick[A]\\~', 'strict-rfc1459')).toBe('nick{a}|~');
    expect(caseFold('Nick[A]\\~', 'ascii')).toBe('nick[a]\\~');
    expect(caseFold('ÄRGER', 'rfc7613')).toBe('ärger');
  });
});

describe('banMask and isoDurationSeconds', () => {
  it('bans the host when known, else the nick', () => {
    expect(banMask({ nick: 'dave', host: '192.0.2.7' })).toBe('*!*@192.0.2.7');
    expect(banMask({ nick: 'dave' })).toBe('dave!*@*');
  });

  it('reads the ISO-8601 durations mutes carry', () => {
    expect(isoDurationSeconds('PT10M')).toBe(600);
    expect(isoDurationSeconds('P1DT2H3M4S')).toBe(93784);
    expect(isoDurationSeconds('P2W')).toBe(1209600);
    expect(isoDurationSeconds('PT1.5S')).toBe(1.5);
    for (const bad of ['P', 'PT', '10M', 'PT5X', '']) expect(isoDurationSeconds(bad)).toBeUndefined();
  });
});
