import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IToken as LexToken } from 'chevrotain';
import fc from 'fast-check';
import oniguruma from 'vscode-oniguruma';
import textmate from 'vscode-textmate';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { formatDiagnostic } from '../src/parser/diagnostics.js';
import { keywordWords, PlaybookLexer } from '../src/parser/lexer.js';
import { lexTestFile, type Token as TestToken } from '../src/testing/lexer.js';
import { parseTestFile } from '../src/testing/parser.js';
import { ACTION_FIELDS, STATEMENT_WORDS, VERBS } from '../src/testing/vocabulary.js';

/**
 * The VS Code extension in editors/vscode, tested with the engine VS Code itself uses
 * (vscode-textmate on the oniguruma WebAssembly build):
 * - the grammar gives the expected scopes to keywords, strings, placeholders, regexes, durations,
 *   comments and event names in the examples, and leaves no character of a valid playbook without
 *   a scope or marked invalid;
 * - it classifies text the way the real lexer does (strings, regexes, comments, durations, dates,
 *   times, numbers, words), on the examples, on the docs, and on generated lines;
 * - every snippet, expanded with its default values, compiles without errors;
 * - package.json points at files that exist, and its problem matcher reads `playbook check`;
 * - the second grammar, for test files (`*.test.playbook`, docs/testing.md), does the same
 *   against the test-file lexer and vocabulary.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const ext = join(root, 'editors/vscode');
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

interface Tok {
  text: string;
  start: number;
  end: number;
  scopes: string[];
}

let grammar: textmate.IGrammar;
let testGrammar: textmate.IGrammar;
const GRAMMAR_FILES: Record<string, string> = {
  'source.playbook': 'syntaxes/playbook.tmLanguage.json',
  'source.playbook-test': 'syntaxes/playbook-test.tmLanguage.json',
};

beforeAll(async () => {
  const wasm = readFileSync(join(root, 'node_modules/vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => {
      const file = GRAMMAR_FILES[scopeName];
      if (!file) return null;
      const path = join(ext, file);
      return textmate.parseRawGrammar(readFileSync(path, 'utf8'), path);
    },
  });
  const load = async (scope: string) => {
    const loaded = await registry.loadGrammar(scope);
    if (!loaded) throw new Error(`grammar ${scope} did not load`);
    return loaded;
  };
  grammar = await load('source.playbook');
  testGrammar = await load('source.playbook-test');
});

/** Tokens of each line, as VS Code would colour them (state carried from line to line). */
function tokenize(source: string, with_: textmate.IGrammar = grammar): Tok[][] {
  let state = textmate.INITIAL;
  return source.split(/\r?\n/).map((line) => {
    const r = with_.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), start: t.startIndex, end: t.endIndex, scopes: t.scopes }));
  });
}

const has = (tok: Tok, scope: string) => tok.scopes.some((s) => s === scope || s.startsWith(scope + '.'));

/** The token covering the `nth` occurrence of `needle` on the first line containing `lineHint`. */
function tokenAt(source: string, lineHint: string, needle: string, nth = 0): Tok {
  const lines = source.split(/\r?\n/);
  const index = lines.findIndex((l) => l.includes(lineHint));
  if (index < 0) throw new Error(`no line contains ${JSON.stringify(lineHint)}`);
  let at = -1;
  for (let i = 0; i <= nth; i++) at = lines[index]!.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`${JSON.stringify(needle)} is not on line ${JSON.stringify(lines[index])}`);
  const tok = tokenize(source)[index]!.find((t) => t.start <= at && at < t.end)!;
  return tok;
}

const exampleFiles = readdirSync(join(root, 'examples'))
  .filter((f) => f.endsWith('.playbook') && !f.endsWith('.test.playbook'))
  .sort();
const testFiles = readdirSync(join(root, 'examples'))
  .filter((f) => f.endsWith('.test.playbook'))
  .sort();
const example = (name: string) => readFileSync(join(root, 'examples', name), 'utf8');

function docBlocks(rel: string, language = 'playbook'): { name: string; source: string }[] {
  const markdown = readFileSync(join(root, rel), 'utf8');
  return [...markdown.matchAll(new RegExp(`^\`\`\`${language}(?:[ \\t][^\\n]*)?\\n([\\s\\S]*?)^\`\`\`[ \\t]*$`, 'gm'))].map((m) => ({
    name: `${rel}:${markdown.slice(0, m.index).split('\n').length}`,
    source: m[1]!,
  }));
}

/** Every playbook the project ships: the examples and the docs' examples. */
function corpus(): { name: string; source: string }[] {
  const docs = ['docs/language.md', 'docs/tutorial.md'].filter((rel) => existsSync(join(root, rel)));
  return [...exampleFiles.map((f) => ({ name: `examples/${f}`, source: example(f) })), ...docs.flatMap((rel) => docBlocks(rel))];
}

describe('TextMate grammar: scopes of the examples', () => {
  it('finds the examples', () => {
    expect(exampleFiles.length).toBeGreaterThanOrEqual(8);
  });

  it.each(exampleFiles)('%s: every character outside whitespace has a scope, none is invalid', (file) => {
    const lines = tokenize(example(file));
    const problems: string[] = [];
    lines.forEach((tokens, i) => {
      for (const t of tokens) {
        if (t.scopes.some((s) => s.startsWith('invalid.'))) problems.push(`${i + 1}:${t.start + 1} invalid ${JSON.stringify(t.text)}`);
        else if (t.scopes.length < 2 && t.text.replace(/[\s\u3000\uFEFF]/g, '') !== '') {
          problems.push(`${i + 1}:${t.start + 1} no scope for ${JSON.stringify(t.text)}`);
        }
      }
    });
    expect(problems).toEqual([]);
  });

  it('scopes keywords, declaration names and soft keywords used as names', () => {
    const src = example('no-ads.playbook');
    expect(has(tokenAt(src, 'rule no_ads', 'rule'), 'storage.type.rule')).toBe(true);
    expect(tokenAt(src, 'rule no_ads', 'no_ads').scopes).toContain('entity.name.function.rule.playbook');
    expect(has(tokenAt(src, 'unless member', 'unless'), 'keyword.control')).toBe(true);
    expect(has(tokenAt(src, 'do delete', 'delete'), 'support.function.action')).toBe(true);
    expect(has(tokenAt(src, 'unless member', 'has'), 'keyword.operator.word')).toBe(true);
    // `member` names the lifecycle here: a soft keyword in a name position is a name.
    const life = example('member-lifecycle.playbook');
    expect(tokenAt(life, 'lifecycle member', 'member').scopes).toContain('entity.name.type.lifecycle.playbook');
    expect(has(tokenAt(life, 'newcomer -> active   when', '->'), 'keyword.operator.arrow')).toBe(true);
  });

  it('scopes strings, their escapes and {template} placeholders', () => {
    const src = example('entry-ritual.playbook');
    const str = tokenAt(src, 'deadline 24h', '未完成入群仪式');
    expect(has(str, 'string.quoted.double')).toBe(true);
    const placeholder = tokenAt(src, 'say to member "欢迎', 'member.name');
    expect(placeholder.text).toBe('member.name');
    expect(placeholder.scopes).toContain('variable.other.placeholder.playbook');
    expect(placeholder.scopes).toContain('string.quoted.double.playbook');
    expect(has(tokenAt(src, '还差', '{'), 'punctuation.definition.placeholder.begin')).toBe(true);
    const showcase = example('club-showcase.playbook');
    const escape = tokenAt(showcase, '上月积分榜', '\\n');
    expect(escape.text).toBe('\\n');
    expect(has(escape, 'constant.character.escape')).toBe(true);
    const escapedBraces = tokenize('say "价格 \\{价格\\} {member.name}"')[0]!;
    expect(escapedBraces.filter((t) => has(t, 'variable.other.placeholder')).map((t) => t.text)).toEqual(['member.name']);
  });

  it('scopes regex literals with their flags, also with `/` and `#` inside', () => {
    const src = example('no-ads.playbook');
    const body = tokenAt(src, 'when text matches', '邀请码');
    expect(has(body, 'string.regexp')).toBe(true);
    expect(has(tokenAt(src, 'when text matches', '\\s'), 'constant.character.character-class.regexp')).toBe(true);
    const flag = tokenAt(src, 'when text matches', 'i]');
    expect(flag.text).toBe('i');
    expect(has(flag, 'keyword.other.flag.regexp')).toBe(true);
    const tricky = tokenize('when text matches /a[/#]b/ # a comment')[0]!;
    expect(
      tricky
        .filter((t) => has(t, 'string.regexp'))
        .map((t) => t.text)
        .join(''),
    ).toBe('/a[/#]b/');
    expect(
      tricky
        .filter((t) => has(t, 'comment.line'))
        .map((t) => t.text)
        .join(''),
    ).toBe('# a comment');
  });

  it('scopes durations, dates, times, numbers and multipliers', () => {
    expect(has(tokenAt(example('no-ads.playbook'), 'expire', '30d'), 'constant.numeric.duration')).toBe(true);
    const ritual = example('entry-ritual.playbook');
    expect(tokenAt(ritual, 'deadline', '24h').scopes).toContain('constant.numeric.duration.playbook');
    expect(tokenAt(ritual, 'remind after', '12h').text).toBe('12h');
    const schedule = example('discussion-schedule.playbook');
    expect(has(tokenAt(schedule, 'schedule discussion', '19:20'), 'constant.numeric.time')).toBe(true);
    expect(has(tokenAt(schedule, 'schedule discussion', 'mon'), 'constant.language.calendar')).toBe(true);
    expect(has(tokenAt(schedule, 'at start + 20m', '20m'), 'constant.numeric.duration')).toBe(true);
    const campaign = example('fission-campaign.playbook');
    expect(has(tokenAt(campaign, 'stage warmup', '2026-10-20'), 'constant.numeric.date')).toBe(true);
    expect(has(tokenAt(campaign, 'points x2', 'x2'), 'constant.numeric.multiplier')).toBe(true);
    expect(has(tokenAt(campaign, 'order.paid: +100', '100'), 'constant.numeric')).toBe(true);
    const mixed = tokenize('mute member 1h30m; award 5 points')[0]!;
    expect(mixed.find((t) => t.text === '1h30m')?.scopes).toContain('constant.numeric.duration.playbook');
    expect(mixed.find((t) => t.text === '5')?.scopes).toContain('constant.numeric.playbook');
  });

  it('scopes comments, including after code', () => {
    const src = example('entry-ritual.playbook');
    const whole = tokenAt(src, '# The two steps', 'The two steps');
    expect(has(whole, 'comment.line.number-sign')).toBe(true);
    const trailing = tokenize('playbook "Demo" { timezone "Asia/Shanghai" }  # the header')[0]!;
    expect(trailing.at(-1)!.text).toBe(' the header');
    expect(has(trailing.at(-1)!, 'comment.line')).toBe(true);
    // A `#` inside a string is text, not a comment.
    const inString = tokenize('when text contains "#推荐"')[0]!;
    expect(inString.some((t) => has(t, 'comment'))).toBe(false);
  });

  it('scopes event names, member fields and event fields', () => {
    const src = example('no-ads.playbook');
    const event = tokenAt(src, 'on message.posted', 'message.posted');
    expect(event.text).toBe('message.posted');
    expect(event.scopes).toContain('support.type.event.playbook');
    const seg = tokenize('segment vip where member.points >= 200 and event.amount > 5')[0]!;
    expect(seg.find((t) => t.text === 'points')?.scopes).toContain('variable.other.property.playbook');
    expect(seg.find((t) => t.text === 'member')?.scopes).toContain('variable.language.member.playbook');
    expect(seg.find((t) => t.text === 'event')?.scopes).toContain('variable.language.event.playbook');
    const decl = tokenize('event quiz.answered { score: number, tags: string[]? }')[0]!;
    expect(decl.find((t) => t.text === 'quiz.answered')?.scopes).toContain('support.type.event.playbook');
    expect(decl.find((t) => t.text === 'number')?.scopes).toContain('support.type.primitive.playbook');
    const stage = tokenize('when in stage double11.sale')[0]!;
    expect(stage.find((t) => t.text === 'double11')?.scopes).toContain('entity.name.type.campaign.playbook');
    expect(stage.find((t) => t.text === 'sale')?.scopes).toContain('entity.name.type.stage.playbook');
  });

  it('handles CJK names, weekdays, full-width punctuation and Unicode operators', () => {
    const levels = tokenize('levels { 新人 at 0；活跃 at 50，核心 at 200 }')[0]!;
    expect(levels.find((t) => t.text === '活跃')?.scopes).toContain('variable.other.playbook');
    expect(levels.find((t) => t.text === '；')?.scopes).toContain('punctuation.terminator.statement.playbook');
    expect(levels.find((t) => t.text === '，')?.scopes).toContain('punctuation.separator.comma.playbook');
    const days = tokenize('every 周六、周日 at 10:00: say "周末愉快"')[0]!;
    expect(days.find((t) => t.text === '周六')?.scopes).toContain('constant.language.calendar.playbook');
    expect(days.find((t) => t.text === '、')?.scopes).toContain('punctuation.separator.comma.playbook');
    const ops = tokenize('newcomer → active when member.points ≥ 10 and member.level ≠ "核心"')[0]!;
    expect(ops.find((t) => t.text === '→')?.scopes).toContain('keyword.operator.arrow.playbook');
    expect(ops.find((t) => t.text === '≥')?.scopes).toContain('keyword.operator.comparison.playbook');
    const rule = tokenize('rule 感谢 {')[0]!;
    expect(rule.find((t) => t.text === '感谢')?.scopes).toContain('entity.name.function.rule.playbook');
    // The ideographic space separates words, as in the lexer.
    const spaced = tokenize('say\u3000"你好"')[0]!;
    expect(spaced.some((t) => has(t, 'invalid'))).toBe(false);
  });

  it('marks characters the lexer rejects as invalid', () => {
    // (`matches /unclosed` lexes: the `/` is a division there, and the parser reports E0004.)
    for (const line of ['say "a" 🎉', 'rule x @ y']) {
      const tokens = tokenize(line)[0]!;
      expect(
        tokens.some((t) => has(t, 'invalid.illegal')),
        line,
      ).toBe(true);
    }
  });

  it('keeps state across lines: an unclosed string ends with its line', () => {
    const [first, second] = tokenize('say "unclosed\nrule next {');
    expect(first!.at(-1)!.scopes).toContain('string.quoted.double.playbook');
    expect(second!.find((t) => t.text === 'rule')?.scopes).toContain('storage.type.rule.playbook');
  });

  it('highlights every keyword of the lexer as a keyword', () => {
    const plain = keywordWords.filter((word) => {
      const [tok, ...rest] = tokenize(word)[0]!;
      return rest.length > 0 || tok!.text !== word || has(tok!, 'variable.other') || has(tok!, 'invalid');
    });
    expect(plain).toEqual([]);
    expect(keywordWords.length).toBeGreaterThan(80);
  });
});

// ---------------------------------------------------------------------------------------------
// Agreement with the lexer: what the lexer reads as a string, regex, comment, duration, ...,
// the grammar colours as one.

type Kind = 'string' | 'regex' | 'comment' | 'duration' | 'date' | 'time' | 'number' | 'word' | 'symbol';

const LEXER_KIND: Record<string, Kind> = {
  StringLiteral: 'string',
  RegexLiteral: 'regex',
  Comment: 'comment',
  DurationLiteral: 'duration',
  DateLiteral: 'date',
  TimeLiteral: 'time',
  NumberLiteral: 'number',
  Identifier: 'word',
};

function lexerKind(tok: LexToken): Kind {
  const name = tok.tokenType.name;
  return LEXER_KIND[name] ?? (name.startsWith('Kw_') ? 'word' : 'symbol');
}

function grammarKind(tok: Tok): Kind | 'other' {
  if (has(tok, 'comment')) return 'comment';
  if (has(tok, 'string.regexp')) return 'regex';
  if (has(tok, 'string.quoted')) return 'string';
  if (has(tok, 'constant.numeric.duration')) return 'duration';
  if (has(tok, 'constant.numeric.date')) return 'date';
  if (has(tok, 'constant.numeric.time')) return 'time';
  // `x2` after `points` is a name to the lexer and a number to the eye.
  if (has(tok, 'constant.numeric.multiplier')) return 'word';
  if (has(tok, 'constant.numeric')) return 'number';
  if (has(tok, 'invalid')) return 'other';
  if (!/[\p{L}\p{N}_]/u.test(tok.text)) return 'symbol';
  return 'word';
}

/** Places where the grammar reads the source differently from the lexer. */
function disagreements(source: string): string[] {
  const lexed = PlaybookLexer.tokenize(source);
  if (lexed.errors.length > 0) return [`lexer error: ${lexed.errors[0]!.message}`];
  const tokens = [...lexed.tokens, ...(lexed.groups['comments'] ?? [])];
  const lines = tokenize(source);
  const out: string[] = [];
  for (const tok of tokens) {
    const want = lexerKind(tok);
    // A dot joins names into one event name or field reference, which the grammar scopes whole.
    if (tok.tokenType.name === 'Dot') continue;
    const line = lines[tok.startLine! - 1]!;
    const col = tok.startColumn! - 1;
    const cover = line.find((t) => t.start <= col && col < t.end);
    const got = cover ? grammarKind(cover) : 'other';
    if (got !== want) out.push(`${tok.startLine}:${tok.startColumn} ${JSON.stringify(tok.image)}: lexer ${want}, grammar ${got} (${cover?.scopes.join(' ')})`);
  }
  return out;
}

describe('TextMate grammar: agreement with the lexer', () => {
  it.each(corpus().map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(disagreements(c.source)).toEqual([]);
  });

  it('agrees on generated lines of mixed tokens', () => {
    const name = fc.constantFrom('no_ads', 'onboarding', '活跃', '核心成员', '_x1', 'stage2', 'vip');
    const event = fc.constantFrom('message.posted', 'member.joined', 'quiz.answered', 'order.paid');
    const keyword = fc.constantFrom(...keywordWords);
    const duration = fc.constantFrom('10s', '24h', '30d', '1h30m', '500ms', '1.5h', '2w');
    const number = fc.constantFrom('0', '5', '100', '1.5', '2026');
    const date = fc.constantFrom('2026-10-20', '2026-11-11');
    const time = fc.constantFrom('09:00', '19:20', '9:00');
    const stringPart = fc.constantFrom(
      'a',
      '欢迎',
      ' ',
      '#',
      '/',
      '{member.name}',
      '{ missing }',
      '\\"',
      '\\\\',
      '\\n',
      '\\{',
      '\\}',
      '\\u4e2d',
      '\\u{1F389}',
      '「',
      '!',
      '🎉',
    );
    const string = fc.array(stringPart, { maxLength: 6 }).map((parts) => `"${parts.join('')}"`);
    const regexPart = fc.constantFrom('a', '中', '\\d', '\\s', '\\/', '[/]', '[^-\\s]', '+', '*', '?', '{4,}', '(', ')', '|', '^', '$', '.', '#', '"');
    // A pattern stands where the lexer reads one: after `matches`, `matches any`, `[` or a comma.
    const regex = fc
      .tuple(
        fc.constantFrom('matches', 'matches any', '[', ',', '，'),
        fc.array(regexPart, { minLength: 1, maxLength: 6 }),
        fc.constantFrom('', 'i', 'iu', 'ms'),
      )
      .map(([before, parts, flags]) => `${before} /${parts.join('')}/${flags}`);
    const symbol = fc.constantFrom(
      '{',
      '}',
      '(',
      ')',
      '[',
      ']',
      ',',
      ';',
      ':',
      '，',
      '、',
      '；',
      '：',
      '->',
      '→',
      '>=',
      '≥',
      '<=',
      '!=',
      '==',
      '=',
      '>',
      '<',
      '+',
      '-',
      '*',
      '×',
      '÷',
      '?',
    );
    const token = fc.oneof(name, event, keyword, duration, number, date, time, string, regex, symbol);
    const comment = fc.option(fc.constantFrom('# note', '#', '# "not a string" /not a regex/'), { nil: undefined });
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: 12 }), comment, (tokens, trailing) => {
        const line = tokens.join(' ') + (trailing ? ` ${trailing}` : '');
        expect(disagreements(line)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The grammar of test files (*.test.playbook, docs/testing.md)

type TestKind = 'string' | 'duration' | 'date' | 'time' | 'number' | 'word' | 'symbol';

function testGrammarKind(tok: Tok): TestKind | 'other' {
  if (has(tok, 'string.quoted')) return 'string';
  if (has(tok, 'constant.numeric.duration')) return 'duration';
  if (has(tok, 'constant.numeric.date')) return 'date';
  if (has(tok, 'constant.numeric.time')) return 'time';
  if (has(tok, 'constant.numeric')) return 'number';
  if (has(tok, 'invalid') || has(tok, 'comment')) return 'other';
  if (!/[\p{L}\p{N}_]/u.test(tok.text)) return 'symbol';
  return 'word';
}

const TEST_LEXER_KIND: Record<TestToken['kind'], TestKind | undefined> = {
  string: 'string',
  duration: 'duration',
  datetime: 'date',
  clock: 'time',
  number: 'number',
  word: 'word',
  lbrace: 'symbol',
  rbrace: 'symbol',
  lbracket: 'symbol',
  rbracket: 'symbol',
  comma: 'symbol',
  colon: 'symbol',
  newline: undefined,
  eof: undefined,
};

function testDisagreements(source: string): string[] {
  const problems: string[] = [];
  const tokens = lexTestFile(source, (d) => problems.push(`lexer: ${d.line}:${d.column} ${d.message}`));
  const lines = tokenize(source, testGrammar);
  for (const tok of tokens) {
    const want = TEST_LEXER_KIND[tok.kind];
    // `;` is a newline token to the lexer; the grammar calls it punctuation.
    if (!want) continue;
    const cover = lines[tok.line - 1]!.find((t) => t.start <= tok.column - 1 && tok.column - 1 < t.end);
    const got = cover ? testGrammarKind(cover) : 'other';
    if (got !== want) problems.push(`${tok.line}:${tok.column} ${JSON.stringify(tok.text)}: lexer ${want}, grammar ${got} (${cover?.scopes.join(' ')})`);
  }
  return problems;
}

describe('TextMate grammar of test files', () => {
  const corpusOfTests = [...testFiles.map((f) => ({ name: `examples/${f}`, source: example(f) })), ...docBlocks('docs/testing.md', 'playbook-test')];

  it('finds test files and documented tests', () => {
    expect(testFiles.length).toBeGreaterThanOrEqual(7);
    expect(corpusOfTests.length).toBeGreaterThan(testFiles.length);
  });

  it.each(corpusOfTests.map((c) => [c.name, c] as const))('%s: scoped throughout, as the test lexer reads it', (_name, c) => {
    const problems: string[] = [];
    tokenize(c.source, testGrammar).forEach((tokens, i) => {
      for (const t of tokens) {
        if (has(t, 'invalid')) problems.push(`${i + 1}:${t.start + 1} invalid ${JSON.stringify(t.text)}`);
        else if (t.scopes.length < 2 && t.text.replace(/[\s\u3000\uFEFF]/g, '') !== '')
          problems.push(`${i + 1}:${t.start + 1} no scope for ${JSON.stringify(t.text)}`);
      }
    });
    expect(problems).toEqual([]);
    expect(testDisagreements(c.source)).toEqual([]);
  });

  it('scopes the parts of a test', () => {
    const [header, join, post, expectLine, wait] = tokenize(
      'test "a second ad" for "no-ads.playbook" {\n  alice joins as "Alice"\n  +1m alice posts "加微信" id m1  # an ad\n  expect member.warn alice count 1 reason "发广告"\n  2026-03-09T09:00',
      testGrammar,
    );
    expect(header!.find((t) => t.text === 'test')?.scopes).toContain('storage.type.test.playbook-test');
    expect(header!.find((t) => t.text === 'for')?.scopes).toContain('keyword.control.playbook-test');
    expect(
      has(
        header!.find((t) => t.text === 'a second ad')!,
        'string.quoted.double',
      ),
    ).toBe(true);
    expect(join!.find((t) => t.text === 'joins')?.scopes).toContain('support.function.verb.playbook-test');
    expect(join!.find((t) => t.text === 'alice')?.scopes).toContain('variable.other.playbook-test');
    expect(post!.find((t) => t.text === '+1m')?.scopes).toContain('constant.numeric.duration.playbook-test');
    expect(
      has(
        post!.find((t) => t.text === ' an ad')!,
        'comment.line',
      ),
    ).toBe(true);
    expect(expectLine!.find((t) => t.text === 'member.warn')?.scopes).toContain('support.type.action.playbook-test');
    expect(expectLine!.find((t) => t.text === 'count')?.scopes).toContain('variable.other.property.playbook-test');
    expect(expectLine!.find((t) => t.text === '1')?.scopes).toContain('constant.numeric.playbook-test');
    expect(wait!.find((t) => t.text === '2026-03-09T09:00')?.scopes).toContain('constant.numeric.date.playbook-test');
    const custom = tokenize('+1m event quiz.answered alice score 95 tags [基础, 必修]', testGrammar)[0]!;
    expect(custom.find((t) => t.text === 'quiz.answered')?.scopes).toContain('support.type.event.playbook-test');
    const chinese = tokenize('alice posts “你好”', testGrammar)[0]!;
    expect(
      chinese
        .filter((t) => has(t, 'string.quoted'))
        .map((t) => t.text)
        .join(''),
    ).toBe('“你好”');
  });

  it('knows every action type, verb and statement word of the test language', () => {
    const single = (line: string, word: string) => tokenize(line, testGrammar)[0]!.find((t) => t.text === word);
    for (const type of Object.keys(ACTION_FIELDS)) expect(single(`expect ${type}`, type)?.scopes, type).toContain('support.type.action.playbook-test');
    for (const verb of Object.keys(VERBS)) expect(single(`alice ${verb}`, verb)?.scopes, verb).toContain('support.function.verb.playbook-test');
    for (const word of STATEMENT_WORDS) {
      const tok = single(`${word} x`, word)!;
      expect(has(tok, 'variable.other') || has(tok, 'invalid'), word).toBe(false);
    }
    for (const field of new Set(Object.values(ACTION_FIELDS).flat())) {
      expect(single(`expect message.send ${field} x`, field)?.scopes, field).toContain('variable.other.property.playbook-test');
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Snippets

interface Snippet {
  prefix: string | string[];
  body: string | string[];
  description?: string;
}

/**
 * Expands a VS Code snippet body as it reads before the user types anything: every placeholder
 * becomes its default (a choice its first option, a bare tab stop the default given for the same
 * number elsewhere, or nothing). Follows VS Code's escaping: `\` escapes `$`, `}` and `\` (and
 * `,` `|` inside a choice); any other backslash is literal.
 */
export function expandSnippet(body: string): string {
  const defaults = new Map<string, string>();
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`snippet syntax: ${what} at ${i} in ${JSON.stringify(body)}`);
  };
  const escapable = (ch: string | undefined, inChoice: boolean) => ch === '$' || ch === '}' || ch === '\\' || (inChoice && (ch === ',' || ch === '|'));
  function parse(inPlaceholder: boolean): string {
    let out = '';
    while (i < body.length) {
      const ch = body[i]!;
      if (ch === '\\' && escapable(body[i + 1], false)) {
        out += body[i + 1];
        i += 2;
      } else if (ch === '}' && inPlaceholder) {
        return out;
      } else if (ch === '$') {
        out += parseDollar();
      } else {
        out += ch;
        i++;
      }
    }
    if (inPlaceholder) fail('unclosed placeholder');
    return out;
  }
  function parseDollar(): string {
    i++; // $
    const bare = /^\d+/.exec(body.slice(i));
    if (bare) {
      i += bare[0].length;
      return mirror(bare[0]);
    }
    if (body[i] !== '{') fail('`$` that is neither a tab stop nor escaped (variables are not used)');
    i++;
    const id = /^\d+/.exec(body.slice(i))?.[0] ?? fail('placeholder without a number');
    i += id.length;
    if (body[i] === '}') {
      i++;
      return mirror(id);
    }
    if (body[i] === ':') {
      i++;
      const value = parse(true);
      i++; // }
      if (!defaults.has(id)) defaults.set(id, value);
      return value;
    }
    if (body[i] === '|') {
      i++;
      const options: string[] = [''];
      while (i < body.length && !(body[i] === '|' && body[i + 1] === '}')) {
        if (body[i] === '\\' && escapable(body[i + 1], true)) {
          options[options.length - 1] += body[i + 1]!;
          i += 2;
        } else if (body[i] === ',') {
          options.push('');
          i++;
        } else options[options.length - 1] += body[i++]!;
      }
      if (i >= body.length) fail('unclosed choice');
      i += 2;
      if (!defaults.has(id)) defaults.set(id, options[0]!);
      return options[0]!;
    }
    return fail('malformed placeholder');
  }
  // A bare `$2` before `${2:default}` gets filled in once the default is known.
  const MARK = '\u0000';
  function mirror(id: string): string {
    if (defaults.has(id)) return defaults.get(id)!;
    return `${MARK}${id}${MARK}`;
  }
  const text = parse(false);
  return text.replace(new RegExp(`${MARK}(\\d+)${MARK}`, 'g'), (_m, id: string) => defaults.get(id) ?? '');
}

describe('snippets', () => {
  const snippets = readJson(join(ext, 'snippets/playbook.code-snippets')) as unknown as Record<string, Snippet>;
  const bodyOf = (s: Snippet) => (Array.isArray(s.body) ? s.body.join('\n') : s.body);
  const expanded = Object.fromEntries(Object.entries(snippets).map(([name, s]) => [name, expandSnippet(bodyOf(s))]));
  const header = expanded['Playbook header']!;
  const errorsOf = (source: string, file: string) =>
    compile(source, { file })
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`);

  it('the expander follows the snippet syntax', () => {
    expect(expandSnippet('a ${1:x ${2:y}} $2 ${3|p,q|} \\$ {m\\} $0')).toBe('a x y y p $ {m} ');
    expect(expandSnippet('$1 then ${1:later}')).toBe('later then later');
    expect(expandSnippet('"\\n" and \\d stay')).toBe('"\\n" and \\d stay');
    expect(() => expandSnippet('${1:open')).toThrow(/unclosed/);
    expect(() => expandSnippet('$TM_FILENAME')).toThrow(/variables/);
  });

  it('has a prefix, a body and a description each, and no prefix twice', () => {
    const prefixes = Object.values(snippets).flatMap((s) => (Array.isArray(s.prefix) ? s.prefix : [s.prefix]));
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const [name, s] of Object.entries(snippets)) {
      expect(bodyOf(s).length, name).toBeGreaterThan(0);
      expect(s.description, name).toBeTruthy();
    }
  });

  it('covers every top-level construct', () => {
    const firstWords = new Set(Object.values(expanded).map((text) => /^\s*(\S+)/.exec(text)![1]));
    for (const construct of [
      'playbook',
      'rule',
      'ladder',
      'points',
      'levels',
      'ritual',
      'lifecycle',
      'schedule',
      'campaign',
      'segment',
      'job',
      'leaderboard',
      'badge',
      'every',
      'event',
      'template',
    ]) {
      expect(firstWords.has(construct), construct).toBe(true);
    }
  });

  it('the header snippet compiles on its own with no diagnostics at all', () => {
    expect(compile(header, { file: 'snippet:header' }).diagnostics).toEqual([]);
  });

  it.each(Object.keys(snippets).filter((n) => n !== 'Playbook header'))('%s expands to code that compiles after the header', (name) => {
    const source = `${header}\n${expanded[name]}`;
    expect(errorsOf(source, `snippet:${name}`)).toEqual([]);
    expect(compile(source).ir).toBeDefined();
  });

  it('all snippets together make one valid playbook', () => {
    const source = [
      header,
      ...Object.entries(expanded)
        .filter(([n]) => n !== 'Playbook header')
        .map(([, t]) => t),
    ].join('\n');
    expect(errorsOf(source, 'snippets')).toEqual([]);
  });

  it('the test-file snippets expand to test code without errors', () => {
    const testSnippets = readJson(join(ext, 'snippets/playbook-test.code-snippets')) as unknown as Record<string, Snippet>;
    const expandedTests = Object.entries(testSnippets).map(([name, s]) => [name, expandSnippet(bodyOf(s))] as const);
    expect(expandedTests.length).toBeGreaterThanOrEqual(3);
    const test = expandedTests.find(([name]) => name === 'Test')![1];
    const lines = expandedTests.filter(([name]) => name !== 'Test').map(([, text]) => `  ${text}`);
    const file = test.replace(/\n}$/, `\n${lines.join('\n')}\n}`);
    expect(parseTestFile(file).diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`)).toEqual([]);
    expect(
      tokenize(file, testGrammar)
        .flat()
        .filter((t) => has(t, 'invalid'))
        .map((t) => t.text),
    ).toEqual([]);
  });

  it('the expanded snippets are tokenized without invalid characters', () => {
    for (const [name, text] of Object.entries(expanded)) {
      const invalid = tokenize(text)
        .flat()
        .filter((t) => has(t, 'invalid'));
      expect(
        invalid.map((t) => t.text),
        name,
      ).toEqual([]);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The extension manifest and language configuration

describe('extension manifest', () => {
  const manifest = readJson(join(ext, 'package.json')) as {
    name: string;
    engines: { vscode: string };
    contributes: {
      languages: { id: string; extensions?: string[]; filenamePatterns?: string[]; configuration: string }[];
      grammars: { language: string; scopeName: string; path: string }[];
      snippets: { language: string; path: string }[];
      problemMatchers: {
        name: string;
        pattern: { regexp: string; file: number; line: number; column: number; severity: number; code: number; message: number };
      }[];
    };
  };
  const { languages, grammars, snippets, problemMatchers } = manifest.contributes;

  it('declares the language, grammar and snippets with paths that exist', () => {
    expect(manifest.name).toMatch(/^[a-z0-9-]+$/);
    expect(manifest.engines.vscode).toMatch(/^\^\d+\.\d+\.\d+$/);
    expect(languages.map((l) => l.id)).toEqual(['playbook', 'playbook-test']);
    expect(languages[0]!.extensions).toContain('.playbook');
    // VS Code prefers a file name pattern to an extension, so test files get their own grammar.
    expect(languages[1]!.filenamePatterns).toEqual(['*.test.playbook']);
    const paths = [...languages.map((l) => l.configuration), ...grammars.map((g) => g.path), ...snippets.map((s) => s.path)];
    for (const p of paths) {
      expect(p.startsWith('./'), p).toBe(true);
      expect(existsSync(join(ext, p)), p).toBe(true);
    }
    const ids = new Set(languages.map((l) => l.id));
    for (const g of [...grammars, ...snippets]) expect(ids.has(g.language), g.language).toBe(true);
    expect(new Set(grammars.map((g) => g.language)).size).toBe(languages.length);
  });

  it('names each grammar by the scope its file declares', () => {
    for (const g of grammars) {
      expect(readJson(join(ext, g.path))['scopeName']).toBe(g.scopeName);
      expect(GRAMMAR_FILES[g.scopeName]).toBe(g.path.slice(2));
    }
  });

  it('every file of the extension is valid JSON', () => {
    for (const p of [
      'package.json',
      'language-configuration.json',
      ...Object.values(GRAMMAR_FILES),
      'snippets/playbook.code-snippets',
      'snippets/playbook-test.code-snippets',
    ]) {
      expect(() => readJson(join(ext, p)), p).not.toThrow();
    }
  });

  it('its problem matcher reads the output of `playbook check`', () => {
    const source = 'playbook "x" { timezone "Asia/Shanghai" }\nrule r { on message.postd do delete message }\n';
    const result = compile(source, { file: 'club/bad.playbook' });
    const first = formatDiagnostic(result.diagnostics[0]!, source).split('\n')[0]!;
    const { pattern } = problemMatchers.find((m) => m.name === 'playbook')!;
    const m = new RegExp(pattern.regexp).exec(first);
    expect(m, first).not.toBeNull();
    expect(m![pattern.file]).toBe('club/bad.playbook');
    expect(m![pattern.line]).toBe('2');
    expect(m![pattern.column]).toBe('13');
    expect(m![pattern.severity]).toBe('error');
    expect(m![pattern.code]).toBe('E0201');
    expect(m![pattern.message]).toContain('message.postd');
  });
});

describe('language configuration', () => {
  const config = readJson(join(ext, 'language-configuration.json')) as {
    comments: { lineComment: string };
    brackets: [string, string][];
    autoClosingPairs: { open: string; close: string }[];
    wordPattern: { pattern: string; flags: string };
    indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
  };

  it('uses `#` for comments, like the grammar', () => {
    expect(config.comments.lineComment).toBe('#');
    expect(has(tokenize(`${config.comments.lineComment} x`)[0]![0]!, 'comment.line')).toBe(true);
  });

  it('auto-closes every bracket pair', () => {
    for (const [open, close] of config.brackets) {
      expect(
        config.autoClosingPairs.some((p) => p.open === open && p.close === close),
        open,
      ).toBe(true);
    }
  });

  it('selects whole event names, durations, dates and CJK names as words', () => {
    const word = new RegExp(config.wordPattern.pattern, `g${config.wordPattern.flags}`);
    expect('on message.posted within 1h30m from 2026-10-20 at 19:20 活跃'.match(word)).toEqual([
      'on',
      'message.posted',
      'within',
      '1h30m',
      'from',
      '2026-10-20',
      'at',
      '19:20',
      '活跃',
    ]);
  });

  it('indents after every line of the examples that opens a block, and outdents at a closing one', () => {
    const increase = new RegExp(config.indentationRules.increaseIndentPattern);
    const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
    for (const file of exampleFiles) {
      const lines = example(file).split('\n');
      lines.forEach((line, i) => {
        const next = lines[i + 1] ?? '';
        const indent = (s: string) => /^\s*/.exec(s)![0].length;
        // The examples are indented by hand: a line followed by a deeper one opens a block.
        if (line.trim() && !line.trim().startsWith('#') && next.trim() && indent(next) > indent(line))
          expect(increase.test(line), `${file}:${i + 1} ${line}`).toBe(true);
        if (/^\s*\}/.test(line)) expect(decrease.test(line), `${file}:${i + 1}`).toBe(true);
      });
    }
    expect(increase.test('rule x { on a do b }')).toBe(false);
    expect(increase.test('  say "{member.name}"')).toBe(false);
    expect(increase.test('  say "a {" {')).toBe(true);
    expect(increase.test('# rule {')).toBe(false);
  });
});
