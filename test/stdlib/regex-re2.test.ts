import { RE2JS } from 're2js';
import { describe, expect, it, vi } from 'vitest';
import { complement, JS_SPACES, prepareRegex, splitInlineFlags, translateRegex } from '../../src/stdlib/regex-re2.js';

const SPACES = '\\x{9}-\\x{D}\\x{20}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}-\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}';
const BREAKS = '[\\r\\x{2028}\\x{2029}]';

/** Whether the pattern, prepared as a playbook does, matches the text. */
function matches(source: string, flags: string, text: string): boolean {
  const p = prepareRegex(source, flags);
  if (!p.ok) throw new Error(`${source}: ${p.problem.message}`);
  return p.re.test(text);
}

describe('complement', () => {
  it('gives the code points outside sorted ranges', () => {
    expect(
      complement([
        [0x10, 0x20],
        [0x30, 0x30],
      ]),
    ).toEqual([
      [0, 0x0f],
      [0x21, 0x2f],
      [0x31, 0x10ffff],
    ]);
    expect(
      complement([
        [0, 5],
        [6, 0x10ffff],
      ]),
    ).toEqual([]);
    expect(complement([[1, 0x10fffe]])).toEqual([
      [0, 0],
      [0x10ffff, 0x10ffff],
    ]);
    expect(complement([])).toEqual([[0, 0x10ffff]]);
    expect(complement([[0, 0x10ffff]])).toEqual([]);
  });

  it('of the JavaScript spaces is everything else', () => {
    const inSpaces = (cp: number) => JS_SPACES.some(([lo, hi]) => cp >= lo && cp <= hi);
    const outside = complement(JS_SPACES);
    const wrong: number[] = [];
    for (let cp = 0; cp < 0x3100; cp++) if (outside.some(([lo, hi]) => cp >= lo && cp <= hi) === inSpaces(cp)) wrong.push(cp);
    expect(wrong).toEqual([]);
    expect(outside.at(-1)).toEqual([0xff00, 0x10ffff]);
  });
});

describe('translateRegex', () => {
  it('writes characters as RE2 literals', () => {
    expect(translateRegex('aZ9', '')).toBe('aZ9');
    expect(translateRegex('!~', '')).toBe('\\!\\~');
    expect(translateRegex(' ', '')).toBe('\\x{20}');
    expect(translateRegex('\\x00\\x7f\\x9f', '')).toBe('\\x{0}\\x{7F}\\x{9F}');
    expect(translateRegex('é中😀', '')).toBe('é中😀');
    expect(translateRegex('\\u00a0\\u2028\\u0300', '')).toBe('\\x{A0}\\x{2028}\u0300');
    expect(translateRegex('«€', '')).toBe('«€');
  });

  it('writes . as JavaScript means it', () => {
    expect(translateRegex('a.b', '')).toBe('a[^\\n\\r\\x{2028}\\x{2029}]b');
    expect(translateRegex('a.b', 's')).toBe('a(?s:.)b');
  });

  it('writes \\s and \\S as JavaScript spaces, in and out of classes', () => {
    expect(translateRegex('\\s', '')).toBe(`[${SPACES}]`);
    expect(translateRegex('\\S', '')).toBe(`[^${SPACES}]`);
    expect(translateRegex('[^\\s]', '')).toBe(`[^${SPACES}]`);
    expect(translateRegex('[\\S]', '')).toMatch(/^\[\\x\{0\}-\\x\{8\}\\x\{E\}-\\x\{1F\}\\x\{21\}-\\x\{9F\}.*\\x\{FF00\}-\\x\{10FFFF\}\]$/);
    expect(translateRegex('\\d\\w\\D\\W\\b\\B[\\d\\W]', '')).toBe('\\d\\w\\D\\W\\b\\B[\\d\\W]');
  });

  it('writes classes, with JavaScript empty classes', () => {
    expect(translateRegex('[a-z!]', '')).toBe('[a-z\\!]');
    expect(translateRegex('[^a]', '')).toBe('[^a]');
    expect(translateRegex('[]', '')).toBe('[^\\x{0}-\\x{10FFFF}]');
    expect(translateRegex('[^]', '')).toBe('[\\x{0}-\\x{10FFFF}]');
  });

  it('writes ^ and $ as they are without m', () => {
    expect(translateRegex('^a$', '')).toBe('^a$');
  });

  it('with m, lets ^ and $ at the ends of the pattern see \\r, U+2028 and U+2029', () => {
    expect(translateRegex('^a$', 'm')).toBe(`(?:(?m:^)|${BREAKS})a(?:(?m:$)|${BREAKS})`);
    expect(translateRegex('x^a$y', 'm')).toBe('x(?m:^)a(?m:$)y');
    expect(translateRegex('(^a|b$)', 'm')).toBe(`(?:(?:(?m:^)|${BREAKS})a|b(?:(?m:$)|${BREAKS}))`);
    expect(translateRegex('(^a)+', 'm')).toBe('(?:(?m:^)a)+');
    expect(translateRegex('(a$)*', 'm')).toBe('(?:a(?m:$))*');
    expect(translateRegex('(^a)?', 'm')).toBe(`(?:(?:(?m:^)|${BREAKS})a)?`);
    expect(translateRegex('a$b', 'm')).toBe('a(?m:$)b');
    expect(translateRegex('a^b', 'm')).toBe('a(?m:^)b');
  });

  it('writes group flags, and i only where it changes', () => {
    expect(translateRegex('(?i:a)b', '')).toBe('(?i:a)b');
    expect(translateRegex('(?-i:a)b', 'i')).toBe('(?i)(?-i:a)b');
    expect(translateRegex('(?i:a)b', 'i')).toBe('(?i)(?:a)b');
    expect(translateRegex('(?-i:a)b', '')).toBe('(?:a)b');
    expect(translateRegex('(?s:.)', '')).toBe('(?:(?s:.))');
    expect(translateRegex('(?-s:.)', 's')).toBe('(?:[^\\n\\r\\x{2028}\\x{2029}])');
    expect(translateRegex('(?m:^)', '')).toBe(`(?:(?:(?m:^)|${BREAKS}))`);
    expect(translateRegex('(?-m:^)', 'm')).toBe('(?:^)');
    expect(translateRegex('(?m-s:.)', 's')).toBe('(?:[^\\n\\r\\x{2028}\\x{2029}])');
    expect(translateRegex('(?s-m:.$)', 'm')).toBe('(?:(?s:.)$)');
  });

  it('keeps each flag a group does not name as it was outside', () => {
    expect(translateRegex('(?m:a)', 'i')).toBe('(?i)(?:a)');
    expect(translateRegex('(?i:^)', 'm')).toBe(`(?i:(?:(?m:^)|${BREAKS}))`);
    expect(translateRegex('(?i:.)', 's')).toBe('(?i:(?s:.))');
  });

  it('writes repetitions in their shortest form, dropping laziness', () => {
    expect(translateRegex('a*b+c?d{2}e{2,}f{2,3}g*?', '')).toBe('a*b+c?d{2}e{2,}f{2,3}g*');
    expect(translateRegex('a{0,}b{1,}c{0,1}d{1,1}e{0}', '')).toBe('a*b+c?d{1}e{0}');
  });

  it('writes alternatives and a leading (?i) for the i flag', () => {
    expect(translateRegex('a|b', '')).toBe('a|b');
    expect(translateRegex('a', 'i')).toBe('(?i)a');
  });

  it('writes properties in the spellings RE2 knows', () => {
    expect(translateRegex('\\p{L}\\P{L}', '')).toBe('\\p{L}\\P{L}');
    expect(translateRegex('\\p{Letter}\\p{Uppercase_Letter}\\p{digit}', '')).toBe('\\p{L}\\p{Lu}\\p{Nd}');
    expect(translateRegex('\\p{ASCII}\\P{ASCII}', '')).toBe('[\\x{0}-\\x{7F}][\\x{80}-\\x{10FFFF}]');
    expect(translateRegex('\\p{Any}\\P{Any}[\\P{Any}a]', '')).toBe('[\\x{0}-\\x{10FFFF}][^\\x{0}-\\x{10FFFF}][a]');
    expect(translateRegex('\\p{Assigned}\\P{Assigned}', '')).toBe('\\P{Cn}\\p{Cn}');
    expect(translateRegex('\\p{sc=Hani}\\p{Script=Latin}\\p{Script=Greek}', '')).toBe('\\p{Han}\\p{Latin}\\p{Greek}');
    expect(translateRegex('\\p{gc=Lu}\\p{General_Category=Letter}\\P{gc=Nd}', '')).toBe('\\p{Lu}\\p{L}\\P{Nd}');
    expect(translateRegex('[\\p{L}\\P{N}\\p{ASCII}]', '')).toBe('[\\p{L}\\P{N}\\x{0}-\\x{7F}]');
  });
});

describe('splitInlineFlags', () => {
  it('reads a leading (?i), (?s), (?m) or (?ims) as flags', () => {
    expect(splitInlineFlags('(?i)abc', '')).toEqual({ body: 'abc', flags: 'i', offset: 4 });
    expect(splitInlineFlags('(?ims)a', 'u')).toEqual({ body: 'a', flags: 'uims', offset: 6 });
    expect(splitInlineFlags('(?i)a', 'i')).toEqual({ body: 'a', flags: 'i', offset: 4 });
    expect(splitInlineFlags('(?s)(?m)a', '')).toEqual({ body: '(?m)a', flags: 's', offset: 4 });
  });

  it('leaves anything else alone', () => {
    expect(splitInlineFlags('a(?i)b', 'm')).toEqual({ body: 'a(?i)b', flags: 'm', offset: 0 });
    expect(splitInlineFlags('(?x)a', '')).toEqual({ body: '(?x)a', flags: '', offset: 0 });
    expect(splitInlineFlags('(?i:a)', '')).toEqual({ body: '(?i:a)', flags: '', offset: 0 });
    expect(splitInlineFlags('(?)a', '')).toEqual({ body: '(?)a', flags: '', offset: 0 });
  });
});

describe('prepareRegex', () => {
  it('compiles a pattern, keeping its RE2 text, body, flags and where the body starts', () => {
    const p = prepareRegex('(?i)ab+', 'm');
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect({ pattern: p.pattern, body: p.body, flags: p.flags, offset: p.offset }).toEqual({ pattern: '(?i)ab+', body: 'ab+', flags: 'mi', offset: 4 });
    expect(p.re.test('xABBB')).toBe(true);
    expect(p.re.test('xa')).toBe(false);
  });

  it('refuses flags other than i, m, s, u, and repeated flags', () => {
    expect(prepareRegex('a', 'g')).toMatchObject({ ok: false, problem: { kind: 'invalid', message: 'unsupported flag `g` (use i, m, s or u)' } });
    expect(prepareRegex('a', 'iy')).toMatchObject({ ok: false, problem: { kind: 'invalid', message: 'unsupported flag `y` (use i, m, s or u)' } });
    expect(prepareRegex('a', 'imsu')).toMatchObject({ ok: true });
    expect(prepareRegex('a', 'ii')).toMatchObject({ ok: false, problem: { kind: 'invalid', message: 'a flag is repeated' } });
    expect(prepareRegex('a', 'msm')).toMatchObject({ ok: false, problem: { kind: 'invalid', message: 'a flag is repeated' } });
  });

  it("gives JavaScript's message for bad syntax, about the flags as written (a rewrite hint may follow)", () => {
    expect(prepareRegex('(', '')).toMatchObject({ ok: false, problem: { kind: 'invalid', message: '/(/: Unterminated group' } });
    expect(prepareRegex('a{2,1}', '')).toMatchObject({ ok: false, problem: { kind: 'invalid', message: '/a{2,1}/: numbers out of order in {} quantifier' } });
    expect(prepareRegex('(?i)(', '')).toMatchObject({ ok: false, problem: { kind: 'invalid', message: '/(/i: Unterminated group' } });
    expect(prepareRegex('\\p{L', 'u')).toMatchObject({ ok: false, problem: { kind: 'invalid', message: '/\\p{L/u: Invalid property name' } });
  });

  it('accepts what JavaScript accepts only with u', () => {
    const p = prepareRegex('[😀-😂]', '');
    expect(p.ok).toBe(true);
    expect(matches('[😀-😂]', '', '😁')).toBe(true);
    expect(matches('^[😀-😂]$', '', '😃')).toBe(false);
  });

  it('points a construct RE2 cannot run at its place in the source as written', () => {
    expect(prepareRegex('(?i)a(?=b)', '')).toEqual({
      ok: false,
      problem: {
        kind: 'lookaround',
        message: 'RE2 cannot run lookahead `(?=…)`',
        hint: 'at the end of the pattern it can simply match: `a(?=b)` -> `ab`; elsewhere, add `and text matches /…/` to the condition',
        at: 5,
        len: 3,
      },
    });
    expect(prepareRegex('(a)\\1', '')).toMatchObject({ ok: false, problem: { kind: 'backreference', at: 3, len: 2 } });
  });

  it('refuses properties RE2 does not know', () => {
    const hint = 'RE2 knows general categories (`\\p{L}`, `\\p{Lu}`, `\\p{N}`, `\\p{P}`) and scripts (`\\p{Han}`, `\\p{Latin}`, `\\p{Cyrillic}`)';
    expect(prepareRegex('x\\p{Foo}', '')).toEqual({
      ok: false,
      problem: { kind: 'unsupported', message: 'RE2 cannot run `\\p{Foo}`: it does not know the property `Foo`', hint, at: 1, len: 7 },
    });
    expect(prepareRegex('\\P{Block=Basic_Latin}', '')).toEqual({
      ok: false,
      problem: { kind: 'unsupported', message: 'RE2 cannot run `\\P{Block=Basic_Latin}`: it does not know the property `Block`', hint, at: 0, len: 21 },
    });
    expect(prepareRegex('\\p{gc=Foo}', '')).toMatchObject({
      ok: false,
      problem: { message: 'RE2 cannot run `\\p{gc=Foo}`: it does not know the property `Foo`', hint },
    });
    expect(prepareRegex('\\p{sc=Foo}', '')).toMatchObject({
      ok: false,
      problem: { message: 'RE2 cannot run `\\p{sc=Foo}`: it does not know the property `Foo`', hint },
    });
    expect(prepareRegex('\\p{L&}', '')).toMatchObject({ ok: false, problem: { message: 'RE2 cannot run `\\p{L&}`: it does not know the property `L&`' } });
    expect(prepareRegex('\\p{Lu}', '')).toMatchObject({ ok: true });
    // The answer is cached: asking again gives the same.
    expect(prepareRegex('\\p{Foo}', '')).toMatchObject({ ok: false, problem: { kind: 'unsupported' } });
    expect(prepareRegex('\\p{Lu}', '')).toMatchObject({ ok: true });
  });

  it('refuses script extensions, suggesting the script', () => {
    expect(prepareRegex('\\p{scx=Hani}', '')).toEqual({
      ok: false,
      problem: {
        kind: 'unsupported',
        message: 'RE2 cannot run `\\p{scx=Hani}`: it has no script extensions',
        hint: 'write `\\p{Script=Hani}` (or `\\p{Han}`) for the script itself',
        at: 0,
        len: 12,
      },
    });
    expect(prepareRegex('\\p{Script_Extensions=Latin}', '')).toMatchObject({
      ok: false,
      problem: {
        message: 'RE2 cannot run `\\p{Script_Extensions=Latin}`: it has no script extensions',
        hint: 'write `\\p{Script=Latin}` (or `\\p{Latin}`) for the script itself',
      },
    });
  });

  it("explains RE2's own refusals", () => {
    expect(prepareRegex('(a{1000}){1000}', '')).toEqual({
      ok: false,
      problem: {
        kind: 'unsupported',
        message: 'RE2 cannot run this pattern: invalid repeat count: `{1000}`',
        hint: 'RE2 repeats at most 1000 times in all, and nested counts multiply (`(a{1,100}){1,100}` is 10,000); use smaller counts or `+`',
      },
    });
  });
});

describe('what prepared patterns match', () => {
  it('. does not match line breaks without s, and does with it', () => {
    for (const br of ['\n', '\r', '\u2028', '\u2029']) {
      expect(matches('a.b', '', `a${br}b`)).toBe(false);
      expect(matches('a.b', 's', `a${br}b`)).toBe(true);
    }
    expect(matches('^.$', '', '😀')).toBe(true);
  });

  it("\\s is JavaScript's", () => {
    expect(matches('^\\s$', '', '\u3000')).toBe(true);
    expect(matches('^\\S$', '', '\u3000')).toBe(false);
    expect(matches('^\\S$', '', 'x')).toBe(true);
  });

  it('^ and $ with m see every line break at the ends of the pattern', () => {
    for (const br of ['\n', '\r', '\u2028', '\u2029']) {
      expect(matches('^b', 'm', `a${br}b`)).toBe(true);
      expect(matches('a$', 'm', `a${br}b`)).toBe(true);
    }
    expect(matches('^b', '', 'a\nb')).toBe(false);
    expect(matches('^b', 'm', 'ab')).toBe(false);
  });

  it('case folding follows i and the group flags', () => {
    expect(matches('abc', 'i', 'ABC')).toBe(true);
    expect(matches('abc', '', 'ABC')).toBe(false);
    expect(matches('(?i)abc', '', 'ABC')).toBe(true);
  });

  it('empty classes match nothing and anything', () => {
    expect(matches('a[]', '', 'a')).toBe(false);
    expect(matches('a[^]', '', 'a\n')).toBe(true);
  });
});

describe('prepareRegex: RE2 refusals the translation does not foresee', () => {
  /** prepareRegex('a') with RE2JS.compile throwing `message` once. */
  function refusedWith(message: string) {
    const spy = vi.spyOn(RE2JS, 'compile').mockImplementationOnce(() => {
      throw new Error(message);
    });
    try {
      return prepareRegex('a', '');
    } finally {
      spy.mockRestore();
    }
  }

  it('hints at splitting a pattern RE2 finds too large', () => {
    const hint = 'split the pattern into several smaller ones in `matches any [/…/, /…/]`';
    expect(refusedWith('error parsing regexp: expression too large')).toEqual({
      ok: false,
      problem: { kind: 'unsupported', message: 'RE2 cannot run this pattern: expression too large', hint },
    });
    expect(refusedWith('program too big')).toEqual({
      ok: false,
      problem: { kind: 'unsupported', message: 'RE2 cannot run this pattern: program too big', hint },
    });
  });

  it('points at the documented constructs otherwise', () => {
    expect(refusedWith('error parsing regexp: invalid nested repetition operator: `**`')).toEqual({
      ok: false,
      problem: {
        kind: 'unsupported',
        message: 'RE2 cannot run this pattern: invalid nested repetition operator: `**`',
        hint: 'write the pattern with the constructs docs/language.md lists for `matches`',
      },
    });
    // Only a leading "error parsing regexp: " is cut.
    expect(refusedWith('odd: error parsing regexp: x')).toMatchObject({ problem: { message: 'RE2 cannot run this pattern: odd: error parsing regexp: x' } });
  });
});

describe('property names', () => {
  it("translates every long general-category name JavaScript accepts to RE2's short one", () => {
    const categories: Record<string, string> = {
      Letter: 'L',
      Cased_Letter: 'LC',
      Uppercase_Letter: 'Lu',
      Lowercase_Letter: 'Ll',
      Titlecase_Letter: 'Lt',
      Modifier_Letter: 'Lm',
      Other_Letter: 'Lo',
      Mark: 'M',
      Combining_Mark: 'M',
      Nonspacing_Mark: 'Mn',
      Spacing_Mark: 'Mc',
      Enclosing_Mark: 'Me',
      Number: 'N',
      Decimal_Number: 'Nd',
      digit: 'Nd',
      Letter_Number: 'Nl',
      Other_Number: 'No',
      Punctuation: 'P',
      punct: 'P',
      Connector_Punctuation: 'Pc',
      Dash_Punctuation: 'Pd',
      Open_Punctuation: 'Ps',
      Close_Punctuation: 'Pe',
      Initial_Punctuation: 'Pi',
      Final_Punctuation: 'Pf',
      Other_Punctuation: 'Po',
      Symbol: 'S',
      Math_Symbol: 'Sm',
      Currency_Symbol: 'Sc',
      Modifier_Symbol: 'Sk',
      Other_Symbol: 'So',
      Separator: 'Z',
      Space_Separator: 'Zs',
      Line_Separator: 'Zl',
      Paragraph_Separator: 'Zp',
      Other: 'C',
      Control: 'Cc',
      cntrl: 'Cc',
      Format: 'Cf',
      Surrogate: 'Cs',
      Private_Use: 'Co',
      Unassigned: 'Cn',
    };
    for (const [long, short] of Object.entries(categories)) {
      expect(translateRegex(`\\p{${long}}`, ''), long).toBe(`\\p{${short}}`);
      expect(translateRegex(`\\P{gc=${long}}`, ''), long).toBe(`\\P{${short}}`);
    }
  });

  it('translates the four-letter script codes', () => {
    const scripts: Record<string, string> = {
      Hani: 'Han',
      Latn: 'Latin',
      Cyrl: 'Cyrillic',
      Grek: 'Greek',
      Arab: 'Arabic',
      Hebr: 'Hebrew',
      Hira: 'Hiragana',
      Kana: 'Katakana',
      Hang: 'Hangul',
      Bopo: 'Bopomofo',
      Thai: 'Thai',
      Deva: 'Devanagari',
      Zyyy: 'Common',
      Zinh: 'Inherited',
      Qaai: 'Inherited',
      Tibt: 'Tibetan',
      Mong: 'Mongolian',
    };
    for (const [code, name] of Object.entries(scripts)) {
      expect(translateRegex(`\\p{sc=${code}}`, ''), code).toBe(`\\p{${name}}`);
      expect(translateRegex(`\\p{Script=${name}}`, ''), name).toBe(`\\p{${name}}`);
    }
  });

  it('passes on names RE2 knows, underscores included', () => {
    expect(translateRegex('\\p{Old_Italic}\\p{Greek}', '')).toBe('\\p{Old_Italic}\\p{Greek}');
    expect(matches('^\\p{Lu}+$', '', 'ÀB')).toBe(true);
    expect(matches('^\\p{Lu}+$', '', 'Àb')).toBe(false);
  });

  it('writes numbers, marks, symbols and punctuation past ASCII as they are, other characters as escapes', () => {
    expect(translateRegex('²٣', '')).toBe('²٣');
    expect(translateRegex('\\u00ad\\u200b\\ue000', '')).toBe('\\x{AD}\\x{200B}\\x{E000}');
  });
});
