/**
 * Playbook regexes run on RE2 (re2js) and so match in linear time whatever the pattern
 * (issue 13, docs/language.md "Text: matches and contains"). This file checks:
 * - every pattern of the issue, and generated ones, is either refused by `check` or compiles on
 *   RE2 and gives the right answer on a 100 KB adversarial message, reading the message a
 *   bounded number of times: the engine's reads of the text are counted (a String whose
 *   charCodeAt counts) and must grow in proportion to its length, where a backtracking engine
 *   reads it exponentially or quadratically often. No wall-clock time is asserted (the bench
 *   reports those: `npm run bench`, docs/performance.md);
 * - what a pattern means: agreement with JavaScript's RegExp on typical operator patterns and on
 *   generated ones, and each deliberate difference pinned;
 * - the constructs RE2 cannot run are errors at `check`, pointed at;
 * - a playbook with `(a+)+$` compiles and `simulate` handles the message that hung `serve`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { JS_SPACES, prepareRegex, translateRegex } from '../src/stdlib/regex-re2.js';
import { checkRegex } from '../src/stdlib/regex-safety.js';
import { compileMatcher } from '../src/stdlib/text-match.js';
import { runCli } from './helpers/cli.js';

const RUNS = Number(process.env['REGEX_RUNS'] ?? 200);
const KB100 = 100 * 1024;

/** A string whose character reads by the engine are counted (re2js accepts String objects). */
class CountingString extends String {
  reads = 0;
  override charCodeAt(i: number): number {
    this.reads++;
    return super.charCodeAt(i);
  }
  override codePointAt(i: number): number | undefined {
    this.reads++;
    return super.codePointAt(i);
  }
  override indexOf(s: string, from = 0): number {
    // A native scan from `from`: it reads up to the end of what it finds, or to the end.
    const found = super.indexOf(s, from);
    this.reads += (found === -1 ? this.length : found + s.length) - Math.max(0, from);
    return found;
  }
}

function compiled(source: string, flags = '') {
  const p = prepareRegex(source, flags);
  if (!p.ok) throw new Error(`/${source}/${flags} refused: ${p.problem.message}`);
  return p.re;
}

/** How many times the engine reads characters of the text while testing it. */
function reads(source: string, flags: string, text: string): { result: boolean; reads: number } {
  const s = new CountingString(text);
  const result = compiled(source, flags).test(s as unknown as string);
  return { result, reads: s.reads };
}

/** Reads at n and 4n characters: linear means about 4 times as many, and a few per character. */
function expectLinear(source: string, flags: string, make: (n: number) => string): void {
  const small = make(2000);
  const large = make(8000);
  const a = reads(source, flags, small);
  const b = reads(source, flags, large);
  expect(a.reads, `/${source}/${flags} reads of ${small.length} characters`).toBeLessThanOrEqual(4 * small.length + 64);
  expect(b.reads, `/${source}/${flags} reads of ${large.length} characters`).toBeLessThanOrEqual(4 * large.length + 64);
  expect(b.reads, `/${source}/${flags}: reads grow linearly`).toBeLessThanOrEqual(4.5 * a.reads + 64);
}

interface Adversarial {
  source: string;
  flags: string;
  /** An input on which a backtracking engine takes exponential or quadratic time. */
  make: (n: number) => string;
  /** The right answer, from a pattern that JavaScript matches in linear time and that finds a match exactly when this one does. */
  reference: RegExp | boolean;
}

const repeat = (unit: string, tail: string) => (n: number) => unit.repeat(Math.ceil(n / unit.length)) + tail;

/** The patterns of issue 13, each on the kind of message that makes JavaScript's engine hang. */
const ISSUE: Adversarial[] = [
  { source: '[^](a+)+$', flags: '', make: repeat('a', '!'), reference: /[^]a$/ },
  { source: '(?:[]|(a+)+)$', flags: '', make: repeat('a', '!'), reference: /a$/ },
  { source: '(.|微信)*$', flags: '', make: repeat('微信', '\n!'), reference: true },
  { source: '(ж|ж)*$', flags: '', make: repeat('ж', '\n'), reference: true },
  { source: '(\\S|ä)*$', flags: '', make: repeat('ä', ' '), reference: true },
  { source: '(😀|😀)*$', flags: 'u', make: repeat('😀', '!'), reference: true },
  { source: '(a{1,20}){1,20}$', flags: '', make: repeat('a', '!'), reference: /a$/ },
  { source: '(a+)+$', flags: '', make: repeat('a', '!'), reference: /a$/ },
  { source: '\\s+$', flags: '', make: repeat(' ', '!'), reference: /\s$/ },
  { source: '\\d+$', flags: '', make: repeat('1', '!'), reference: /\d$/ },
  { source: '.*x', flags: '', make: repeat('a', ''), reference: /x/ },
  { source: 'a*a*a*a*a*a*a*a*b', flags: '', make: repeat('a', ''), reference: /b/ },
];

describe('the adversarial patterns of issue 13', () => {
  it.each(ISSUE.map((c) => [`/${c.source}/${c.flags}`, c] as const))('%s compiles on RE2, is right on 100 KB and reads the text linearly', (_name, c) => {
    const problem = checkRegex(c.source, c.flags);
    expect(problem === undefined || problem.kind === 'backtracking', JSON.stringify(problem)).toBe(true);
    const text = c.make(KB100);
    const want = typeof c.reference === 'boolean' ? c.reference : c.reference.test(text);
    expect(compileMatcher([{ regex: c.source, flags: c.flags }])(text)).toBe(want);
    expectLinear(c.source, c.flags, c.make);
  });

  it('the exponential ones still get the early warning W0501 (harmless here, not in other engines)', () => {
    for (const c of ISSUE.slice(0, 8)) expect(checkRegex(c.source, c.flags)?.kind, c.source).toBe('backtracking');
    for (const c of ISSUE.slice(8)) expect(checkRegex(c.source, c.flags), c.source).toBeUndefined();
  });
});

describe('constructs RE2 cannot run are refused at check', () => {
  const cases: [string, string, string][] = [
    ['(.)\\1{9}', 'backreference', '\\1'],
    ['(?<w>\\w+) \\k<w>', 'backreference', '\\k<w>'],
    ['加微信(?!群)', 'lookaround', '(?!'],
    ['vx(?=\\d)', 'lookaround', '(?='],
    ['(?<=邀请码)\\d{4,}', 'lookaround', '(?<='],
    ['(?<!a)b', 'lookaround', '(?<!'],
    ['^.{2001,}', 'unsupported', '{2001,}'],
    ['(a{1,100}){1,100}', 'unsupported', ''],
    ['\\p{scx=Han}', 'unsupported', '\\p{scx=Han}'],
    ['\\p{Ideographic}', 'unsupported', '\\p{Ideographic}'],
  ];
  it.each(cases)('/%s/ is refused (%s) and points at %s', (source, kind, at) => {
    const problem = checkRegex(source, 'u'.repeat(source.includes('\\p') ? 1 : 0))!;
    expect(problem.kind).toBe(kind);
    expect(problem.hint).toBeTruthy();
    if (at) expect(source.slice(problem.at, problem.at! + problem.len!)).toBe(at);
    expect(compileMatcher([{ regex: source, flags: '' }])('anything (.)11 (a) 邀请码1234')).toBe(false);
  });

  it('a playbook using one gets E0505/E0506/E0507 at file:line:column, with the caret on the construct', () => {
    const r = compile(
      'playbook "x" { timezone "UTC" }\nrule r {\n  on message.posted\n  when text matches any ["a", /(.)\\1{9}/, /a(?=b)/, /a{1001}/]\n  do delete message\n}\n',
      { file: 'x.playbook' },
    );
    expect(r.ir).toBeUndefined();
    expect(r.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}+${d.length}`)).toEqual(['E0505 4:35+2', 'E0506 4:45+3', 'E0507 4:55+6']);
  });
});

describe('what a pattern means', () => {
  it("the translation of JavaScript's \\s is exactly V8's \\s", () => {
    const inSpaces = (cp: number) => JS_SPACES.some(([lo, hi]) => cp >= lo && cp <= hi);
    const s = compileMatcher([{ regex: '^\\s$', flags: '' }]);
    const S = compileMatcher([{ regex: '^[\\S]$', flags: '' }]);
    const wrong: string[] = [];
    for (let cp = 0; cp <= 0xffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCharCode(cp);
      const js = /\s/.test(ch);
      if (inSpaces(cp) !== js || s(ch) !== js || S(ch) === js) wrong.push(`U+${cp.toString(16)}`);
    }
    expect(wrong).toEqual([]);
  });

  /** Typical operator patterns and messages: the playbook agrees with JavaScript on all of them. */
  const PATTERNS: [string, string][] = [
    ['邀请码\\s*\\d{4,}', ''],
    ['^[^-\\s]+-[^-\\s]+-[^-\\s]+', ''],
    ['^[^-\\s]+-[^-\\s]+-[^-\\s]+$', ''],
    ['https?:\\/\\/\\S+', 'i'],
    ['https?:\\/\\/', 'i'],
    ['^签到$', ''],
    ['^签到$', 'm'],
    ['加\\s*[vV微]\\s*[xX信]', ''],
    ['1[3-9]\\d{9}', ''],
    ['[\\u4e00-\\u9fa5]{2,}', ''],
    ['(?:优惠|折扣)券', ''],
    ['^\\s*$', ''],
    ['\\bvx\\b', 'i'],
    ['[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}', 'i'],
    ['t\\.me\\/', 'i'],
    ['[！!]{3,}', ''],
    ['^(?:早|早安|早上好)[!！~～]*$', ''],
    ['qq\\s*[:：]?\\s*\\d{5,}', 'i'],
    ['\\p{Script=Han}{2}', 'u'],
    ['^.{1,6}$', ''],
    ['a.b', ''],
    ['a.b', 's'],
    ['[^]', ''],
    ['vx|wechat', 'i'],
    ['(?:加|\\+)\\s*(?:v|vx|微信)', 'i'],
    ['^\\d+$', ''],
    ['^(\\w+\\s?)*$', ''],
    ['ЖУРНАЛ', 'i'],
  ];
  const MESSAGES = [
    '加我微信 vx123 有返利',
    '邀请码 8888',
    '邀请码　8888',
    '邀请码\n12345',
    '邀请码：123',
    '张三-北京-程序员',
    '张三 - 北京 - 程序员',
    'Alice-Paris-Engineer\n',
    '签到',
    '签到\n',
    '签到\r\n',
    '早\n签到',
    'https://t.me/abc',
    'HTTP://EXAMPLE.COM',
    '加 V 信',
    '+ VX',
    '13800138000',
    '联系 qq：123456',
    'QQ 98765',
    'test@example.com',
    '早安!!!',
    '早上好～',
    '',
    '   ',
    '\u3000',
    '\u00a0',
    'VX: abc',
    'WeChat',
    'Wechat群',
    'a\nb',
    'a\rb',
    'a\u2028b',
    'axb',
    '12345',
    'hello world foo',
    'журнал',
    'Журнал',
    '优惠券',
    '折扣券来了',
    '\ufeff签到',
  ];
  it('typical operator patterns agree with JavaScript on typical messages', () => {
    for (const [source, flags] of PATTERNS) {
      const mine = compileMatcher([{ regex: source, flags }]);
      const js = new RegExp(source, flags);
      for (const m of MESSAGES) expect(mine(m), `/${source}/${flags} on ${JSON.stringify(m)}`).toBe(js.test(m));
    }
  });

  it('pins each deliberate difference from RE2 and from JavaScript without u', () => {
    const m = (source: string, flags: string, text: string) => compileMatcher([{ regex: source, flags }])(text);
    // Kept from JavaScript where RE2 differs:
    expect(m('邀请码\\s*\\d{4,}', '', '邀请码\u30008888')).toBe(true); // RE2's \s is ASCII only
    expect(m('^a.b$', '', 'a\rb')).toBe(false); // RE2's . excludes only \n
    expect(m('^a.b$', '', 'a\u2028b')).toBe(false);
    expect(m('^签到$', 'm', '签到\r\n早')).toBe(true); // RE2's multi-line $ sees only \n
    expect(m('^早', 'm', '签到\r早')).toBe(true);
    expect(m('^签到$', 'm', '早\u2028签到')).toBe(true);
    // Read by characters, as JavaScript with u (without u, JavaScript sees two halves of an emoji):
    expect(m('^.$', '', '😀')).toBe(true);
    expect(/^.$/.test('😀')).toBe(false);
    expect(m('^[😀😂]$', '', '😂')).toBe(true);
    expect(m('^😀{3}$', '', '😀😀😀')).toBe(true);
    expect(m('^.{1,3}$', '', '😀😀😀')).toBe(true);
    expect(m('\\u{1F600}', '', '😀')).toBe(true);
    // Case folding as JavaScript's iu:
    expect(m('ſ', 'i', 's')).toBe(true);
    expect(/ſ/i.test('s')).toBe(false);
    expect(/ſ/iu.test('s')).toBe(true);
    expect(m('σ', 'i', 'Σς')).toBe(true);
    // \p{…} is a property even without u (JavaScript would read the text `p{Han}`):
    expect(m('^\\p{Han}+$', '', '中文')).toBe(true);
    expect(m('\\p{Han}', '', 'p{Han}')).toBe(false);
    // A leading (?i) is the i flag:
    expect(m('(?i)vx|wechat', '', 'WeChat')).toBe(true);
    expect(m('(?i)vx|wechat', '', 'VX')).toBe(true);
    // Documented limit: in the middle of a multi-line pattern, ^ and $ see only \n.
    expect(m('x$\\r?\\n^y', 'm', 'x\ny')).toBe(true);
    expect(m('x$\\r?\\n^y', 'm', 'x\r\ny')).toBe(false);
    expect(/x$\r?\n^y/m.test('x\r\ny')).toBe(true);
  });

  it('translates to the RE2 syntax docs/language.md describes', () => {
    expect(translateRegex('a.b', '')).toBe('a[^\\n\\r\\x{2028}\\x{2029}]b');
    expect(translateRegex('a.b', 's')).toBe('a(?s:.)b');
    expect(translateRegex('[]|[^]', '')).toBe('[^\\x{0}-\\x{10FFFF}]|[\\x{0}-\\x{10FFFF}]');
    expect(translateRegex('^x$', 'm')).toBe('(?:(?m:^)|[\\r\\x{2028}\\x{2029}])x(?:(?m:$)|[\\r\\x{2028}\\x{2029}])');
    expect(translateRegex('(a)(?<n>b)+?', 'i')).toBe('(?i)(?:a)(?:b)+');
    expect(translateRegex('\\p{sc=Hani}\\p{Letter}\\P{ASCII}', 'u')).toBe('\\p{Han}\\p{L}[\\x{80}-\\x{10FFFF}]');
    expect(translateRegex('x{,5}]}', '')).toBe('x\\{\\,5\\}\\]\\}');
  });
});

// ---------------------------------------------------------------- generated patterns

/** Small regex sources in the syntax operators use: nested repetition and alternation galore. */
const atom: fc.Arbitrary<string> = fc.constantFrom(
  'a',
  'b',
  'ab',
  '中',
  'ж',
  'Ж',
  ' ',
  '\\s',
  '\\S',
  '\\d',
  '\\w',
  '\\W',
  '.',
  '[ab]',
  '[^a\\s]',
  '[a-c中]',
  '[]',
  '[^]',
  '\\u3000',
  '-',
  '1',
);
const anchor = fc.constantFrom('^', '$', '\\b', '\\B');
const quant = fc.constantFrom('*', '+', '?', '{2}', '{0,3}', '{1,}', '*?', '+?', '{1,20}');

const pattern: fc.Arbitrary<string> = fc
  .letrec<{ node: string; seq: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      atom,
      anchor,
      tie('seq').map((s) => `(${s})`),
      tie('seq').map((s) => `(?:${s})`),
      fc
        .tuple(
          fc.oneof(
            atom,
            tie('seq').map((s) => `(${s})`),
          ),
          quant,
        )
        .map(([a, q]) => a + q),
      fc.tuple(tie('seq'), tie('seq')).map(([a, b]) => `(?:${a}|${b})`),
    ),
    seq: fc.array(tie('node'), { minLength: 0, maxLength: 3 }).map((xs) => xs.join('')),
  }))
  .seq.filter((s) => s.length > 0 && s.length < 40);

const flagSet = fc.constantFrom('', 'i', 'm', 's', 'u', 'im', 'iu', 'su', 'msu');
const text = (breaks: boolean) =>
  fc
    .array(fc.constantFrom('a', 'b', 'A', '中', 'ж', 'Ж', ' ', '\u3000', '1', '-', '_', '😀', ...(breaks ? ['\n', '\r', '\u2028'] : ['\n'])), { maxLength: 10 })
    .map((xs) => xs.join(''));

const jsAccepts = (source: string, flags: string) => {
  try {
    new RegExp(source, flags);
    return true;
  } catch {
    return false;
  }
};

/** With the constructs RE2 cannot run mixed in. */
const anyPattern = fc
  .tuple(pattern, fc.constantFrom('', '', '\\1', '(a)\\1', '(?=a)', '(?!b)', '(?<=中)', '(?<!a)', '\\k<x>(?<x>a)', 'a{1001}'), pattern)
  .map(([a, b, c]) => a + b + c);

describe('generated patterns', () => {
  it('each is refused at check or runs on RE2, reading the text linearly', () => {
    fc.assert(
      fc.property(anyPattern, flagSet, (source, flags) => {
        const problem = checkRegex(source, flags);
        const cannot = /\\1|\\k<|\(\?<?[=!]|\{1001\}/.test(source);
        if (problem && problem.kind !== 'backtracking') {
          expect(problem.kind === 'invalid' || cannot, `/${source}/${flags}: ${problem.message}`).toBe(true);
          expect(compileMatcher([{ regex: source, flags }])('a中b 1')).toBe(false);
          return;
        }
        expect(cannot, `/${source}/${flags} accepted`).toBe(false);
        expectLinear(source, flags, (n) => 'ab中 '.repeat(n / 4) + '\n!');
      }),
      { numRuns: RUNS },
    );
  });

  it('agree with JavaScript with the u flag, where JavaScript accepts them', () => {
    fc.assert(
      fc.property(pattern, flagSet, fc.array(text(true), { minLength: 1, maxLength: 6 }), (source, flags, texts) => {
        const u = flags.includes('u') ? flags : flags + 'u';
        if (!jsAccepts(source, u) || (checkRegex(source, flags)?.kind !== undefined && checkRegex(source, flags)?.kind !== 'backtracking')) return;
        const js = new RegExp(source, u);
        const mine = compileMatcher([{ regex: source, flags }]);
        // In the middle of a multi-line pattern only \n is a line break (docs/language.md).
        const midAnchors = flags.includes('m') && /.[$^]|[$^]./.test(source.replace(/\\./g, 'x'));
        // V8 with `u` still tries `\B` between the two halves of an emoji (`/\B/u.exec('a😀a').index`
        // is 2); RE2 looks only between characters.
        const betweenHalves = source.includes('\\B');
        for (const t of texts) {
          if (midAnchors && /[\r\u2028]/.test(t)) continue;
          if (betweenHalves && t.includes('😀')) continue;
          expect(mine(t), `/${source}/${flags} on ${JSON.stringify(t)}`).toBe(js.test(t));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('agree with JavaScript as written (no u) on text without emoji', () => {
    fc.assert(
      fc.property(
        pattern.filter((s) => !s.includes('😀')),
        flagSet.filter((f) => !f.includes('u')),
        fc.array(text(false), { minLength: 1, maxLength: 6 }),
        (source, flags, texts) => {
          if (!jsAccepts(source, flags)) return;
          const problem = checkRegex(source, flags);
          if (problem && problem.kind !== 'backtracking') return;
          const js = new RegExp(source, flags);
          const mine = compileMatcher([{ regex: source, flags }]);
          for (const t of texts.map((x) => x.replace(/😀/g, ''))) expect(mine(t), `/${source}/${flags} on ${JSON.stringify(t)}`).toBe(js.test(t));
        },
      ),
      { numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------- through the compiler

describe('a playbook with /(a+)+$/', () => {
  it('compiles with the early warning only, and simulate gives the right answer on the message that hung serve', async () => {
    const source = 'playbook "Club" { timezone "Asia/Shanghai" }\nrule spam {\n  on message.posted\n  when text matches /(a+)+$/\n  do delete message\n}\n';
    const r = compile(source, { file: 'club.playbook' });
    expect(r.errors).toBe(0);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['W0501']);
    const dir = mkdtempSync(join(tmpdir(), 'playbook-regex-'));
    const playbook = join(dir, 'club.playbook');
    writeFileSync(playbook, source);
    // 60,000 characters stays under the longest text an event may carry (docs/cli.md).
    const long = 'a'.repeat(60_000);
    const events = [
      { id: 'e1', type: 'member.joined', at: '2026-03-01T10:00:00+08:00', community: 'c', member: 'm' },
      { id: 'e2', type: 'message.posted', at: '2026-03-01T10:01:00+08:00', community: 'c', member: 'm', messageId: 'x1', text: 'a'.repeat(34) + '!' },
      { id: 'e3', type: 'message.posted', at: '2026-03-01T10:02:00+08:00', community: 'c', member: 'm', messageId: 'x2', text: long + '!' },
      { id: 'e4', type: 'message.posted', at: '2026-03-01T10:03:00+08:00', community: 'c', member: 'm', messageId: 'x3', text: long },
    ];
    writeFileSync(join(dir, 'events.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    for (const engine of ['fast', 'reference']) {
      const out = await runCli(['simulate', playbook, '--events', join(dir, 'events.jsonl'), '--engine', engine]);
      expect(out.code, out.err).toBe(0);
      const deleted = out.out
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .filter((a) => a.type === 'message.delete');
      expect(
        deleted.map((a) => a.messageId),
        engine,
      ).toEqual(['x3']);
    }
  });
});
