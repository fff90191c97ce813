import { describe, expect, it } from 'vitest';
import { compileMatcher } from '../../src/stdlib/text-match.js';

describe('compileMatcher', () => {
  it('reads a text pattern as a case-insensitive substring', () => {
    const m = compileMatcher([{ text: 'Spam' }]);
    expect(m('this is SPAM!')).toBe(true);
    expect(m('spa m')).toBe(false);
    expect(m('')).toBe(false);
  });

  it('runs a regex pattern with its flags', () => {
    const m = compileMatcher([{ regex: '^hello$', flags: 'i' }]);
    expect(m('HELLO')).toBe(true);
    expect(m('hello there')).toBe(false);
    const cased = compileMatcher([{ regex: 'hello', flags: '' }]);
    expect(cased('HELLO')).toBe(false);
    expect(cased('say hello')).toBe(true);
  });

  it('ignores g and y, which would make repeated tests stateful', () => {
    const m = compileMatcher([{ regex: 'a', flags: 'gy' }]);
    expect(m('xa')).toBe(true);
    expect(m('xa')).toBe(true);
    expect(m('a')).toBe(true);
    expect(compileMatcher([{ regex: 'A', flags: 'gi' }])('a')).toBe(true);
  });

  it('never matches with a pattern the checker would refuse', () => {
    expect(compileMatcher([{ regex: '(a)\\1', flags: '' }])('aa')).toBe(false);
    expect(compileMatcher([{ regex: 'a', flags: 'x' }])('a')).toBe(false);
    expect(compileMatcher([{ regex: '(?=a)', flags: '' }, { text: 'b' }])('ab')).toBe(true);
    expect(compileMatcher([{ regex: '(?=a)', flags: '' }, { text: 'b' }])('a')).toBe(false);
  });

  it('matches when any of several patterns does', () => {
    const m = compileMatcher([{ text: 'foo' }, { regex: 'ba+r', flags: '' }]);
    expect(m('FOO')).toBe(true);
    expect(m('baaar')).toBe(true);
    expect(m('br')).toBe(false);
  });

  it('keeps patterns compiled once apart by their flags and text, however the flags are written', () => {
    // Compiled patterns are shared by text and flags: each pair below differs only in what a
    // careless key would run together (the same text, flags that end or start with `/`).
    const cased = compileMatcher([{ regex: 'abc', flags: '' }]);
    const folded = compileMatcher([{ regex: 'abc', flags: 'i' }]);
    expect([cased('ABC'), folded('ABC')]).toEqual([false, true]);
    expect([compileMatcher([{ regex: 'abc', flags: '' }])('ABC'), compileMatcher([{ regex: 'abc', flags: 'i' }])('ABC')]).toEqual([false, true]);
    // A hand-written IR may carry any flags: `i/` is refused (never matches) while `i` with a
    // pattern starting with `/` is valid; both would be the key `i//abc` without the flags' length.
    expect(compileMatcher([{ regex: 'abc', flags: 'i/' }])('/ABC')).toBe(false);
    expect(compileMatcher([{ regex: '/abc', flags: 'i' }])('/ABC')).toBe(true);
    expect(compileMatcher([{ regex: 'abc', flags: 'i/' }])('/ABC')).toBe(false);
  });

  it('matches as before after more distinct patterns than the shared compilations keep', () => {
    const first = compileMatcher([{ regex: '^x0$', flags: '' }]);
    for (let i = 1; i <= 5000; i++) expect(compileMatcher([{ regex: `^x${i}$`, flags: '' }])(`x${i}`)).toBe(true);
    expect(first('x0')).toBe(true);
    expect(compileMatcher([{ regex: '^x0$', flags: '' }])('x0')).toBe(true);
    expect(compileMatcher([{ regex: '^x0$', flags: '' }])('x1')).toBe(false);
  });

  it('never matches with no patterns', () => {
    expect(compileMatcher([])('anything')).toBe(false);
  });
});
