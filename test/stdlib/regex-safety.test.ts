import { describe, expect, it } from 'vitest';
import { checkRegex } from '../../src/stdlib/regex-safety.js';

const ENGINES = 'a backtracking engine (JavaScript, PCRE) may take exponential time on it; playbook matches it with RE2 in linear time';
const NESTED_HINT =
  'write it without the nesting (`(a+)+` -> `a+`), or keep the character that starts each repetition out of the rest (`(@.+){5}` -> `(@[^@]+){5}`), so the pattern is safe in any engine';
const OVERLAP_HINT = 'make the alternatives start differently, or merge them (`(\\w|\\d)+` -> `\\w+`), so the pattern is safe in any engine';
const EMPTY_HINT = 'make every alternative match at least one character, and repeat the group with `*` if it is optional';

/** Which warning the pattern gets: 'nested', 'overlap', 'empty', or undefined. */
function verdict(source: string, flags = ''): string | undefined {
  const p = checkRegex(source, flags);
  if (!p) return undefined;
  expect(p.kind).toBe('backtracking');
  if (p.hint === NESTED_HINT) return 'nested';
  if (p.hint === OVERLAP_HINT) return 'overlap';
  if (p.hint === EMPTY_HINT) return 'empty';
  throw new Error(`unexpected hint ${p.hint}`);
}

describe('checkRegex: errors', () => {
  it('passes on the error that keeps a pattern out', () => {
    expect(checkRegex('(', '')).toEqual({
      kind: 'invalid',
      message: '/(/: Unterminated group',
      hint: 'close each `(` with `)`; for a parenthesis itself write `\\(`',
    });
    expect(checkRegex('a(?=b)', '')).toMatchObject({ kind: 'lookaround', at: 1, len: 3 });
    expect(checkRegex('a', 'g')).toMatchObject({ kind: 'invalid' });
  });

  it('says nothing of a plain pattern', () => {
    for (const s of ['abc', '\\s+$', '.*x', 'a{3}', '(a{2}){50}', '(a*)?', '(a|b)?', '(ab|cd)*', '[a-z]+@[a-z]+', '^\\d{4}-\\d{2}$', '']) {
      expect(checkRegex(s, ''), s).toBeUndefined();
    }
  });
});

describe('checkRegex: a repetition of a repetition', () => {
  it('is worded with the text of the outer repetition and where it is, after inline flags', () => {
    expect(checkRegex('(a+)+', '')).toEqual({
      kind: 'backtracking',
      message: `\`(a+)+\` repeats a repetition: ${ENGINES}`,
      hint: NESTED_HINT,
      at: 0,
      len: 5,
    });
    expect(checkRegex('(?i)x(a+)+y', '')).toMatchObject({ message: `\`(a+)+\` repeats a repetition: ${ENGINES}`, at: 5, len: 5 });
  });

  it('is flagged when the inner one is unbounded, or the counts multiply to 100 or more', () => {
    expect(verdict('(\\w+\\s?)*')).toBe('nested');
    expect(verdict('(.*a){12}')).toBe('nested');
    expect(verdict('(.*a){2}')).toBe('nested');
    expect(verdict('(a{1,20}){1,20}')).toBe('nested');
    expect(verdict('(a{1,2}){1,50}')).toBe('nested');
    expect(verdict('(a{1,2}){50}')).toBe('nested');
    expect(verdict('(a{1,2}){1,49}')).toBeUndefined();
    expect(verdict('(a{1,20}){1,4}')).toBeUndefined();
    expect(verdict('(a{1,2})+')).toBe('nested');
    expect(verdict('(a{2,3})*')).toBe('nested');
    expect(verdict('(a?){1,99}')).toBeUndefined();
    expect(verdict('(a?)+')).toBeUndefined();
    expect(verdict('(a{3})+')).toBeUndefined();
    expect(verdict('(a*b|a)+')).toBe('nested');
    expect(verdict('((a+))?')).toBeUndefined();
    expect(verdict('x(y(a+)+)')).toBe('nested');
  });
});

describe('checkRegex: repeated alternatives', () => {
  it('are worded with the text of the repetition', () => {
    expect(checkRegex('x(a|ab)*y', '')).toEqual({
      kind: 'backtracking',
      message: `\`(a|ab)*\` repeats alternatives that can start with the same character: ${ENGINES}`,
      hint: OVERLAP_HINT,
      at: 1,
      len: 7,
    });
    expect(checkRegex('(|a)+', '')).toEqual({
      kind: 'backtracking',
      message: `\`(|a)+\` repeats an alternative that can match nothing: ${ENGINES}`,
      hint: EMPTY_HINT,
      at: 0,
      len: 5,
    });
  });

  it('are flagged only when repeated ten or more times', () => {
    expect(verdict('(a|a){10}')).toBe('overlap');
    expect(verdict('(a|a){9,}')).toBe('overlap');
    expect(verdict('(a|a){9}')).toBeUndefined();
    expect(verdict('(a|a){1,9}')).toBeUndefined();
    expect(verdict('(a|a)?')).toBeUndefined();
    expect(verdict('(|a){10}')).toBe('empty');
    expect(verdict('(|a){9}')).toBeUndefined();
  });

  it('overlap when two alternatives can start with the same character', () => {
    expect(verdict('(.|微信)*')).toBe('overlap');
    expect(verdict('(ab|ac)*')).toBe('overlap');
    expect(verdict('(x|y|x)+')).toBe('overlap');
    expect(verdict('(y|x|x)+')).toBe('overlap');
    expect(verdict('(x|y|z)+')).toBeUndefined();
    expect(verdict('(a|(?:b|a))+')).toBe('overlap');
    expect(verdict('((a)|(a))+')).toBe('overlap');
    expect(verdict('(x?a|a)+')).toBe('overlap');
    expect(verdict('(x?a|b)+')).toBeUndefined();
    expect(verdict('(xa|a)+')).toBeUndefined();
    expect(verdict('(a?b|b)+')).toBe('overlap');
  });

  it('read classes, ranges and class escapes', () => {
    expect(verdict('([a-c]|[c-f])+')).toBe('overlap');
    expect(verdict('([a-c]|[d-f])+')).toBeUndefined();
    expect(verdict('([a-c]|[e-f]|[d])+')).toBeUndefined();
    expect(verdict('([a-c]|[e-f]|d)+')).toBeUndefined();
    expect(verdict('([d-f]|[a-c]|c)+')).toBe('overlap');
    expect(verdict('([ac]|b)+')).toBeUndefined();
    expect(verdict('([a-cx-z]|y)+')).toBe('overlap');
    expect(verdict('([^a]|a)+')).toBeUndefined();
    expect(verdict('([^a]|b)+')).toBe('overlap');
    expect(verdict('([\\d]|5)+')).toBe('overlap');
    expect(verdict('([\\d]|a)+')).toBeUndefined();
    expect(verdict('([\\p{L}]|1)+')).toBe('overlap');
    expect(verdict('(\\p{L}|1)+')).toBe('overlap');
  });

  it('find alternatives nested inside the repeated part', () => {
    expect(verdict('(x(a|a))+')).toBe('overlap');
    expect(verdict('(x(a|b))+')).toBeUndefined();
    expect(verdict('(x(?:y(a|)))+')).toBe('empty');
  });

  it('merge and sort the ranges of a class', () => {
    expect(verdict('([a-zb-c]|y)+')).toBe('overlap');
    expect(verdict('([x-za-c]|b)+')).toBe('overlap');
    expect(verdict('([x-za-c]|m)+')).toBeUndefined();
    expect(verdict('([c-da-b]|e)+')).toBeUndefined();
  });

  it('add only single-character case variants with i (ß has no one-letter upper case)', () => {
    expect(verdict('(ß|s)+', 'i')).toBeUndefined();
    expect(verdict('(ß|S)+', 'i')).toBeUndefined();
  });

  it('keep the whole of a wide class with i, and the one-letter upper case of a letter', () => {
    expect(verdict('([\\u0000-\\uffff]|\\uffff)+', 'i')).toBe('overlap');
    expect(verdict('(ı|I)+', 'i')).toBe('overlap');
    expect(verdict('(ı|I)+')).toBeUndefined();
  });

  it('take a property in a class as possibly anything', () => {
    expect(verdict('([\\p{L}]| )+')).toBe('overlap');
  });

  it('see through an assertion, and an inner alternative that can match nothing', () => {
    expect(verdict('(\\ba|b)+')).toBeUndefined();
    expect(verdict('(c|(?:b|)c)+')).toBe('overlap');
  });

  it('look inside a repetition that runs at most once', () => {
    expect(verdict('((a|a)+)?')).toBe('overlap');
    expect(verdict('((a+)+)?')).toBe('nested');
  });

  it('read \\d \\w \\s and their complements', () => {
    expect(verdict('(\\d|[0-5])+')).toBe('overlap');
    expect(verdict('(\\d|9)+')).toBe('overlap');
    expect(verdict('(\\d|x)+')).toBeUndefined();
    expect(verdict('(\\d|/)+')).toBeUndefined();
    expect(verdict('(\\d|:)+')).toBeUndefined();
    expect(verdict('(\\D|x)+')).toBe('overlap');
    expect(verdict('(\\D|5)+')).toBeUndefined();
    expect(verdict('(\\w|_)+')).toBe('overlap');
    expect(verdict('(\\w|Z)+')).toBe('overlap');
    expect(verdict('(\\w|z)+')).toBe('overlap');
    expect(verdict('(\\w|A)+')).toBe('overlap');
    expect(verdict('(\\w|-)+')).toBeUndefined();
    expect(verdict('(\\w|/)+')).toBeUndefined();
    expect(verdict('(\\w|:)+')).toBeUndefined();
    expect(verdict('(\\w|^)+')).toBe('empty');
    expect(verdict('(\\w|\\^)+')).toBeUndefined();
    expect(verdict('(\\w|0)+')).toBe('overlap');
    expect(verdict('(\\w|9)+')).toBe('overlap');
    expect(verdict('(\\w|a)+')).toBe('overlap');
    expect(verdict('(\\w|`)+')).toBeUndefined();
    expect(verdict('(\\w|@)+')).toBeUndefined();
    expect(verdict('(\\w|\\[)+')).toBeUndefined();
    expect(verdict('(\\w|\\{)+')).toBeUndefined();
    expect(verdict('(\\W|_)+')).toBeUndefined();
    expect(verdict('(\\W|-)+')).toBe('overlap');
    expect(verdict('(\\s|\\u3000)+')).toBe('overlap');
    expect(verdict('(\\s| )+')).toBe('overlap');
    expect(verdict('(\\s|x)+')).toBeUndefined();
    expect(verdict('(\\S|x)+')).toBe('overlap');
    expect(verdict('(\\S| )+')).toBeUndefined();
  });

  it('read . with and without s', () => {
    expect(verdict('(.|\\n)+')).toBeUndefined();
    expect(verdict('(.|\\r)+')).toBeUndefined();
    expect(verdict('(.|\\u2028)+')).toBeUndefined();
    expect(verdict('(.|\\u2029)+')).toBeUndefined();
    expect(verdict('(.|\\t)+')).toBe('overlap');
    expect(verdict('(.|\\x0b)+')).toBe('overlap');
    expect(verdict('(.|\\n)+', 's')).toBe('overlap');
    expect(verdict('(?s)(.|\\n)+')).toBe('overlap');
  });

  it('read letters in both cases with i', () => {
    expect(verdict('(a|A)+')).toBeUndefined();
    expect(verdict('(a|A)+', 'i')).toBe('overlap');
    expect(verdict('(A|a)+', 'i')).toBe('overlap');
    expect(verdict('(é|É)+', 'i')).toBe('overlap');
    expect(verdict('([a-z]|Q)+', 'i')).toBe('overlap');
    expect(verdict('([A-Z]|q)+', 'i')).toBe('overlap');
    expect(verdict('(k|\\u212a)+', 'i')).toBe('overlap');
    expect(verdict('(?i)(a|A)+')).toBe('overlap');
    expect(verdict('(a|b)+', 'i')).toBeUndefined();
  });

  it('can match nothing through an empty branch, an assertion or an optional part', () => {
    expect(verdict('(^|a)+')).toBe('empty');
    expect(verdict('(a|\\b)+')).toBe('empty');
    expect(verdict('(a|b?)+')).toBe('empty');
    expect(verdict('(a|b*c?)+')).toBe('nested');
    expect(verdict('(a|(?:b?)?)+')).toBe('empty');
    expect(verdict('(a|(b|))+')).toBe('empty');
    expect(verdict('(a|x{0})+')).toBe('empty');
    expect(verdict('(a|b{1})+')).toBeUndefined();
    expect(verdict('(ab|a)+')).toBe('overlap');
  });
});

describe('checkRegex: a repetition of a delimited group (issue 15, item 6)', () => {
  it('is not warned about when one character marks where each repetition starts or ends', () => {
    for (const s of [
      '(@[^@]+){5}',
      '(@[^@]+)+',
      '(@[^@]*){12}',
      '([^,]+,){4}',
      '(,\\d+){3}',
      '(#\\w+\\s+){3}',
      '(@\\w+\\s*){5}',
      '(@[^@]+!){5}',
      '((?:@)[^@]+){5}',
    ]) {
      expect(verdict(s), s).toBeUndefined();
    }
    expect(verdict('(@[^@]+){5}', 'i')).toBeUndefined();
  });

  it('is still warned about when the delimiter can also be matched inside the group', () => {
    expect(verdict('(@.+){5}')).toBe('nested');
    expect(verdict('(@[^#]+){5}')).toBe('nested');
    expect(verdict('([^,]+.){4}')).toBe('nested');
    expect(verdict('(a[^b]+){5}')).toBe('nested');
    expect(verdict('(a[^a]+){5}')).toBeUndefined();
    expect(verdict('(a[^a]+){5}', 'i')).toBeUndefined();
    expect(verdict('(A[^a]+){5}')).toBe('nested');
    expect(verdict('(A[^a]+){5}', 'i')).toBeUndefined();
    expect(verdict('(a[^A]+){5}', 'i')).toBeUndefined();
  });

  it('is still warned about when the parts inside one repetition can split the text in several ways', () => {
    expect(verdict('(@[^@]+[^@]+){5}')).toBe('nested');
    expect(verdict('(@[^@]+\\s+)+')).toBe('nested');
    expect(verdict('(@\\w*\\s*\\w+){5}')).toBe('nested');
    expect(verdict('(@\\w+\\s+\\w+){5}')).toBeUndefined();
    expect(verdict('(@[^@]+!){5}')).toBeUndefined();
    expect(verdict('(@[^@]+![^@]+){5}')).toBe('nested');
  });

  it('reads only a plain sequence of one-character parts', () => {
    expect(verdict('(@(?:a|b)+){5}')).toBe('nested');
    expect(verdict('(@(?:[^@]+)+){5}')).toBe('nested');
    expect(verdict('((?:a+)+)')).toBe('nested');
    expect(verdict('(@+[^@]+){5}')).toBe('nested');
    expect(verdict('(@?[^@]+){5}')).toBe('nested');
  });
});

describe('checkRegex: forms of another dialect (E0508)', () => {
  it('refuses PCRE anchors outside a class, pointed at', () => {
    expect(checkRegex('^\\d+\\Z', '')).toEqual({
      kind: 'foreign',
      message: '`\\Z` is the end of the text in PCRE and Python, but JavaScript reads it as the letter `Z`',
      hint: 'write `$` for the end of the text (without the `m` flag)',
      at: 4,
      len: 2,
    });
    expect(checkRegex('\\Afoo', '')).toMatchObject({ kind: 'foreign', hint: 'write `^` for the start of the text (without the `m` flag)', at: 0 });
    expect(checkRegex('a\\z', '')).toMatchObject({ kind: 'foreign', at: 1 });
    expect(checkRegex('\\G', '')).toMatchObject({ kind: 'foreign' });
    expect(checkRegex('[\\A\\Z]', '')).toBeUndefined();
    expect(checkRegex('\\\\Z', '')).toBeUndefined();
  });

  it('refuses POSIX classes, naming the class to write', () => {
    expect(checkRegex('x[[:alpha:]]+', '')).toMatchObject({ kind: 'foreign', at: 2, len: 9, hint: 'write `\\p{L}` (any letter) or `A-Za-z` for `[:alpha:]`' });
    expect(checkRegex('[^[:space:]]', '')).toMatchObject({ kind: 'foreign', hint: 'write `\\s` for `[:space:]`' });
    expect(checkRegex('[[:^digit:]]', '')).toMatchObject({ kind: 'foreign', hint: 'write the negation of `\\d` for `[:^digit:]`' });
    expect(checkRegex('[[:constructor:]]', '')).toBeUndefined();
    expect(checkRegex('[[:]', '')).toBeUndefined();
  });
});

describe('checkRegex: how to rewrite an invalid pattern (E0501)', () => {
  const hint = (s: string, f = '') => checkRegex(s, f)?.hint;
  it('names the rewrite for a flag', () => {
    expect(hint('a', 'g')).toContain('leave it out');
    expect(hint('a', 'y')).toContain('`y` changes nothing');
    expect(hint('a', 'v')).toContain('write `u`');
    expect(hint('a', 'd')).toContain('does not report where');
    expect(hint('a', 'x')).toContain('no extended mode');
    expect(hint('a', 'q')).toContain('flags are `i`');
    expect(hint('a', 'ii')).toBe('write each flag once');
  });

  it('names the form of another dialect', () => {
    expect(hint('(?P<code>\\d+)')).toContain('`(?<name>…)`');
    expect(hint('(?>a)b')).toContain('`(?:…)`');
    expect(hint('(?#note)a')).toContain('leave the comment');
    expect(hint('\\d++')).toContain('possessive');
    expect(hint('a{2}+')).toContain('possessive');
    expect(hint('加(?i)vx')).toContain('only at the very start');
    expect(hint('\\Z', 'u')).toContain('`$`');
  });

  it('names the escape for a symbol meant as itself', () => {
    expect(hint('+86')).toContain('`\\+`');
    expect(hint('(a')).toContain('`\\(`');
    expect(hint(':-)')).toContain('`\\)`');
    expect(hint('[a')).toContain('`\\[`');
    expect(hint('a{2,1}')).toContain('smaller count first');
    expect(hint('a\\')).toContain('`\\\\`');
    expect(hint('\\q', 'u')).toContain('drop the `\\`');
    expect(hint('\\p{Nope}', 'u')).toContain('general category');
    expect(hint('(?<a>x)(?<a>y)')).toContain('its own name');
    expect(hint('a{', 'u')).toContain('brace');
  });
});
