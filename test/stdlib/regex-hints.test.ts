import { describe, expect, it } from 'vitest';
import { flagHint, syntaxHint } from '../../src/stdlib/regex-hints.js';

/** JavaScript's message for a source it refuses (as regex-re2.ts's jsSyntaxError passes it on). */
function v8Message(source: string, flags = ''): string {
  try {
    new RegExp(source, flags);
  } catch (e) {
    return (e as Error).message.replace(/^Invalid regular expression: /, '');
  }
  throw new Error(`JavaScript accepts /${source}/${flags}`);
}

const hint = (source: string, flags = '') => syntaxHint(source, v8Message(source, flags));

const NAMED = 'write a named group as `(?<name>…)` (Python and RE2 write `(?P<name>…)`), or just `(…)`';
const ATOMIC = 'write `(?:…)` for the atomic group `(?>…)`: it only saves a backtracking engine time, and RE2 matches in linear time without it';
const COMMENT = 'leave the comment `(?#…)` out: JavaScript has no comments in patterns';
const POSSESSIVE = 'write `a+` for the possessive `a++` (`a*` for `a*+`): it only saves a backtracking engine time, and RE2 matches in linear time without it';
const INLINE = 'inline flags are read only at the very start (`(?i)vx|wechat`); put them there or after the pattern (`/…/i`)';
const ANCHOR = "write `^` for the start of the text and `$` for its end (`\\A`, `\\Z` and `\\z` are PCRE's)";
const REPEAT = '`*`, `+`, `?` and `{n}` repeat what comes before them; for the symbol itself write `\\*`, `\\+` or `\\?`';
const GROUP = 'close each `(` with `)`; for a parenthesis itself write `\\(`';
const UNMATCHED = 'for a parenthesis itself write `\\)`';
const CLASS = 'close the class with `]`; for a bracket itself write `\\[`';
const BRACE = 'for a brace itself write `\\{` or `\\}`';
const ORDER = 'write the smaller count first: `{2,5}`';
const BACKSLASH = 'for a backslash itself write `\\\\`';
const ESCAPE = 'with the `u` flag, escape only symbols (`\\.`, `\\/`, `\\-`); drop the `\\` before a letter, or the `u` flag';
const PROPERTY = 'write a general category (`\\p{L}`, `\\p{N}`, `\\p{P}`) or a script (`\\p{Han}`, `\\p{Latin}`)';
const INVALID_GROUP = 'a group is `(…)`, `(?:…)` or `(?<name>…)`; lookarounds `(?=…)` are not available (see docs/language.md)';
const DUPLICATE = 'give each named group its own name, or use `(…)`';
const TABLE = 'see the regex table of docs/language.md, "Text: matches and contains"';

describe('flagHint', () => {
  it('names the rewrite of each flag JavaScript has and a playbook refuses', () => {
    expect(flagHint('g')).toBe('a playbook only asks whether the text matches, so `g` changes nothing: leave it out');
    expect(flagHint('y')).toBe('a playbook only asks whether the text matches, so `y` changes nothing: leave it out');
    expect(flagHint('v')).toBe('write `u`: a playbook reads patterns by characters (code points) with or without it');
    expect(flagHint('d')).toBe('leave it out: a playbook does not report where a match is');
    expect(flagHint('x')).toBe('write the pattern without spaces and comments: JavaScript has no extended mode');
  });

  it('lists the flags for any other letter', () => {
    for (const f of ['q', 'G', 'é'])
      expect(flagHint(f)).toBe('flags are `i` (ignore case), `m` (^ and $ at line breaks), `s` (`.` matches a line break) and `u`');
  });
});

describe('syntaxHint: forms of other dialects, found in the source', () => {
  it('a Python named group, whatever its name', () => {
    expect(hint('(?P<code>\\d+)')).toBe(NAMED);
    expect(hint('(?P<>a)')).toBe(NAMED);
  });

  it('an atomic group and a comment', () => {
    expect(hint('(?>a)b')).toBe(ATOMIC);
    expect(hint('(?#note)a')).toBe(COMMENT);
  });

  it('a possessive quantifier after each kind of repetition', () => {
    for (const s of ['a++', 'a*+', 'a?+', 'a{2}+', '\\d++']) expect(hint(s), s).toBe(POSSESSIVE);
  });

  it('inline flags after the start: one or several, switched on or off, with or without a body', () => {
    for (const s of ['加(?i)vx', 'a(?im)b', 'a(?s:b)', 'a(?x)b', 'a(?i-ms:b)', 'a(?i-:b)']) expect(hint(s), s).toBe(INLINE);
  });

  it('not inline flags at the very start (splitInlineFlags reads those), nor a group of another letter', () => {
    expect(hint('(?i)a')).toBe(INVALID_GROUP);
    expect(hint('a(?q)b')).toBe(INVALID_GROUP);
    expect(hint('a(?i')).toBe(INVALID_GROUP);
  });

  it("PCRE's anchors", () => {
    for (const s of ['\\A', '\\Z', 'a\\z']) expect(hint(s, 'u'), s).toBe(ANCHOR);
  });

  it('the first form found wins over the message', () => {
    expect(hint('(?P<n>a')).toBe(NAMED);
  });
});

describe('syntaxHint: from the message, for a symbol meant as itself', () => {
  it('each message JavaScript gives', () => {
    expect(hint('+86')).toBe(REPEAT);
    expect(hint('(a')).toBe(GROUP);
    expect(hint(':-)')).toBe(UNMATCHED);
    expect(hint('[a')).toBe(CLASS);
    expect(hint('a{', 'u')).toBe(BRACE);
    expect(hint('a}', 'u')).toBe(BRACE);
    expect(hint('a{2,1}')).toBe(ORDER);
    expect(hint('a\\')).toBe(BACKSLASH);
    expect(hint('\\q', 'u')).toBe(ESCAPE);
    // Node 20's V8 says "Invalid Unicode escape": the same hint.
    expect(hint('\\u{110000}', 'u')).toBe(ESCAPE);
    expect(hint('\\c', 'u')).toBe(ESCAPE);
    expect(hint('\\p{Nope}', 'u')).toBe(PROPERTY);
    expect(hint('(?<a>x)(?<a>y)')).toBe(DUPLICATE);
    expect(hint('(?')).toBe(INVALID_GROUP);
  });

  it('the older spelling of the Unicode escape message', () => {
    expect(syntaxHint('\\u{110000}', 'Invalid unicode escape')).toBe(ESCAPE);
  });

  it('a source with a repetition or a backslash before the error is not read as a foreign form', () => {
    expect(hint('a+(')).toBe(GROUP);
    expect(hint('\\d(')).toBe(GROUP);
    expect(hint('a(b')).toBe(GROUP);
  });

  it('the table of docs/language.md for any other message', () => {
    expect(syntaxHint('a', 'Invalid named capture referenced')).toBe(TABLE);
    expect(syntaxHint('a', '')).toBe(TABLE);
  });
});
