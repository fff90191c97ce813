import { createToken, Lexer, type IToken, type TokenType } from 'chevrotain';

/**
 * Tokens of the playbook language.
 *
 * Keywords are "soft": every keyword also belongs to the `Name` category, so an operator may
 * call a lifecycle `member`, a state `done` or a level `start` and the grammar still accepts it
 * wherever a name is expected.
 */

export const Name = createToken({ name: 'Name', pattern: Lexer.NA });

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\r\n\u3000\uFEFF]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n]*/, group: 'comments' });

export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /"(?:[^"\\\n]|\\.)*"/,
});
const REGEX_BODY = /\/(?:[^/\\\n[]|\\[^\n]|\[(?:[^\]\\\n]|\\[^\n])*\])+\/[a-z]*/y;
/** The words after which a pattern can stand: `matches /…/`, `matches any [/…/, /…/]`. */
const BEFORE_PATTERN = new Set(['Kw_matches', 'Kw_any', 'LBracket', 'Comma']);

/** Can a pattern start after this token? (There, a lone `/` is a pattern left open.) */
export function patternCanFollow(token: IToken | undefined): boolean {
  // By token type, declared further down: `，` is a comma too.
  return token !== undefined && BEFORE_PATTERN.has(token.tokenType.name);
}

/**
 * `/.../flags`: a slash inside a character class does not end the literal. A slash is a
 * pattern only where a pattern can stand (after `matches`, `any`, `[` or `,`); elsewhere it
 * divides (`amount / 2`), so `a / 2 > b / 4` is arithmetic, not the pattern `/ 2 > b /`.
 */
export const RegexLiteral = createToken({
  name: 'RegexLiteral',
  pattern: (text: string, offset: number, matched: IToken[]): RegExpExecArray | null => {
    if (!patternCanFollow(matched[matched.length - 1])) return null;
    REGEX_BODY.lastIndex = offset;
    return REGEX_BODY.exec(text);
  },
  start_chars_hint: ['/'],
  line_breaks: false,
});
export const DateLiteral = createToken({ name: 'DateLiteral', pattern: /\d{4}-\d{2}-\d{2}/ });
export const TimeLiteral = createToken({ name: 'TimeLiteral', pattern: /\d{1,2}:\d{2}(?::\d{2})?/ });
/**
 * chevrotain rebuilds regex patterns with its own flags and drops `u`, so patterns that need
 * Unicode classes are written as matcher functions around a sticky Unicode regex.
 */
function unicodeMatcher(re: RegExp) {
  const sticky = new RegExp(re.source, 'uy');
  return (text: string, offset: number): RegExpExecArray | null => {
    sticky.lastIndex = offset;
    return sticky.exec(text);
  };
}

/**
 * A duration: `10s`, `1h30m`, or the ISO-8601 form actions print (`PT5M`, `P1D`). A number glued
 * to any other word (`10x`, `5days`) is read as a duration too, which the grammar then reports as
 * not one with the unit it probably meant (E0006), instead of a syntax error that would hide the
 * rest of the line.
 */
export const DurationLiteral = createToken({
  name: 'DurationLiteral',
  pattern: unicodeMatcher(
    /(?:(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+|P(?:\d+(?:\.\d+)?[YMWD])+(?:T(?:\d+(?:\.\d+)?[HMS])+)?|PT(?:\d+(?:\.\d+)?[HMS])+|\d+(?:\.\d+)?[\p{L}_][\p{L}\p{N}_]*)(?![\p{L}\p{N}_])/u,
  ),
  start_chars_hint: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'P'],
  line_breaks: false,
});
export const NumberLiteral = createToken({ name: 'NumberLiteral', pattern: /\d+(?:\.\d+)?/ });

export const Identifier = createToken({
  name: 'Identifier',
  pattern: unicodeMatcher(/[\p{L}_][\p{L}\p{N}_]*/u),
  categories: [Name],
  line_breaks: false,
});

const keywordTokens: { word: string; tok: TokenType }[] = [];
const keywordsByImage = new Map<string, TokenType>();
function keyword(word: string): TokenType {
  const tok = createToken({
    name: `Kw_${word}`,
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: [Name],
    // Said here, chevrotain need not parse the pattern to find out (about half of building the
    // lexer, which every start of the CLI pays: docs/performance.md, "Start-up").
    start_chars_hint: [word[0]!],
    line_breaks: false,
  });
  keywordTokens.push({ word, tok });
  keywordsByImage.set(word, tok);
  return tok;
}

export const Kw = {
  playbook: keyword('playbook'),
  timezone: keyword('timezone'),
  locale: keyword('locale'),
  description: keyword('description'),
  horizon: keyword('horizon'),
  roles: keyword('roles'),
  event: keyword('event'),
  ritual: keyword('ritual'),
  starts: keyword('starts'),
  on: keyword('on'),
  where: keyword('where'),
  step: keyword('step'),
  remind: keyword('remind'),
  after: keyword('after'),
  deadline: keyword('deadline'),
  cancel: keyword('cancel'),
  done: keyword('done'),
  rule: keyword('rule'),
  when: keyword('when'),
  unless: keyword('unless'),
  priority: keyword('priority'),
  exclusive: keyword('exclusive'),
  forgive: keyword('forgive'),
  do: keyword('do'),
  ladder: keyword('ladder'),
  expire: keyword('expire'),
  points: keyword('points'),
  cooldown: keyword('cooldown'),
  cap: keyword('cap'),
  per: keyword('per'),
  levels: keyword('levels'),
  at: keyword('at'),
  badge: keyword('badge'),
  streak: keyword('streak'),
  leaderboard: keyword('leaderboard'),
  top: keyword('top'),
  by: keyword('by'),
  every: keyword('every'),
  lifecycle: keyword('lifecycle'),
  without: keyword('without'),
  initial: keyword('initial'),
  schedule: keyword('schedule'),
  until: keyword('until'),
  start: keyword('start'),
  end: keyword('end'),
  job: keyword('job'),
  campaign: keyword('campaign'),
  stage: keyword('stage'),
  from: keyword('from'),
  to: keyword('to'),
  goal: keyword('goal'),
  enter: keyword('enter'),
  exit: keyword('exit'),
  segment: keyword('segment'),
  template: keyword('template'),
  say: keyword('say'),
  delete: keyword('delete'),
  message: keyword('message'),
  warn: keyword('warn'),
  mute: keyword('mute'),
  remove: keyword('remove'),
  tag: keyword('tag'),
  untag: keyword('untag'),
  award: keyword('award'),
  deduct: keyword('deduct'),
  notify: keyword('notify'),
  admins: keyword('admins'),
  member: keyword('member'),
  members: keyword('members'),
  reason: keyword('reason'),
  silent: keyword('silent'),
  tagged: keyword('tagged'),
  has: keyword('has'),
  role: keyword('role'),
  and: keyword('and'),
  or: keyword('or'),
  not: keyword('not'),
  matches: keyword('matches'),
  any: keyword('any'),
  contains: keyword('contains'),
  count: keyword('count'),
  sum: keyword('sum'),
  distinct: keyword('distinct'),
  within: keyword('within'),
  absences: keyword('absences'),
  attended: keyword('attended'),
  in: keyword('in'),
  true: keyword('true'),
  false: keyword('false'),
  days: keyword('days'),
  of: keyword('of'),
  once: keyword('once'),
  attendance: keyword('attendance'),
  channel: keyword('channel'),
  unmultiplied: keyword('unmultiplied'),
  between: keyword('between'),
  draw: keyword('draw'),
  for: keyword('for'),
  agenda: keyword('agenda'),
  direct: keyword('direct'),
  quiet: keyword('quiet'),
  most: keyword('most'),
  // Platform actions and webhooks (docs/language.md, "Platform actions").
  grant: keyword('grant'),
  revoke: keyword('revoke'),
  unmute: keyword('unmute'),
  ban: keyword('ban'),
  pin: keyword('pin'),
  reply: keyword('reply'),
  approve: keyword('approve'),
  reject: keyword('reject'),
  call: keyword('call'),
  endpoint: keyword('endpoint'),
  across: keyword('across'),
  all: keyword('all'),
  groups: keyword('groups'),
} as const;

export const LBrace = createToken({ name: 'LBrace', pattern: /\{/ });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/ });
export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/ });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/ });
export const Comma = createToken({ name: 'Comma', pattern: /[,\uFF0C\u3001]/ });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /[;\uFF1B]/ });
export const Colon = createToken({ name: 'Colon', pattern: /[:\uFF1A]/ });
export const Arrow = createToken({ name: 'Arrow', pattern: /->|→/ });
export const Dot = createToken({ name: 'Dot', pattern: /\./ });
export const Question = createToken({ name: 'Question', pattern: /\?/ });
export const GreaterEq = createToken({ name: 'GreaterEq', pattern: />=|≥/ });
export const LessEq = createToken({ name: 'LessEq', pattern: /<=|≤/ });
export const NotEq = createToken({ name: 'NotEq', pattern: /!=|≠/ });
export const EqEq = createToken({ name: 'EqEq', pattern: /==?/ });
export const Greater = createToken({ name: 'Greater', pattern: />/ });
export const Less = createToken({ name: 'Less', pattern: /</ });
export const Plus = createToken({ name: 'Plus', pattern: /\+/ });
export const Minus = createToken({ name: 'Minus', pattern: /-/ });
export const Star = createToken({ name: 'Star', pattern: /[*×]/ });
/** `chance 10%` (also the full-width `％`). */
export const Percent = createToken({ name: 'Percent', pattern: /[%\uFF05]/ });
/** Division in values (`amount / 100`); a pattern's slash is a RegexLiteral (see there). */
export const Slash = createToken({ name: 'Slash', pattern: /[/÷]/ });

export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  StringLiteral,
  RegexLiteral,
  DateLiteral,
  TimeLiteral,
  DurationLiteral,
  NumberLiteral,
  Arrow,
  GreaterEq,
  LessEq,
  NotEq,
  EqEq,
  Greater,
  Less,
  // Longest first, so `members` is not read as the keyword `member` plus a stray `s`.
  ...[...keywordTokens].sort((a, b) => b.word.length - a.word.length).map((k) => k.tok),
  Identifier,
  Name,
  LBrace,
  RBrace,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Semicolon,
  Colon,
  Dot,
  Question,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
];

export const keywordWords: readonly string[] = [...keywordsByImage.keys()];

export const PlaybookLexer = new Lexer(allTokens, {
  ensureOptimizations: false,
  positionTracking: 'full',
  skipValidations: true,
});
