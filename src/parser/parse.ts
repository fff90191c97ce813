import type { IRecognitionException, IToken } from 'chevrotain';
import type { Playbook, Span } from './ast.js';
import { emptyAst } from './empty-ast.js';
import { D } from './diagnostic-codes.js';
import { DiagnosticBag, spanFinder, spanOf, type Diagnostic } from './diagnostics.js';
import { PlaybookParser } from './grammar.js';
import { patternCanFollow, PlaybookLexer, Slash } from './lexer.js';
import { knownMistake } from './mistakes.js';
import { table } from '../stdlib/dict.js';

export interface ParseResult {
  ast: Playbook;
  diagnostics: Diagnostic[];
}

/** Lexing and parsing never throw; whatever is wrong comes back as diagnostics. */
let shared: PlaybookParser | undefined;
function parser(): PlaybookParser {
  if (!shared) {
    shared = new PlaybookParser();
    stopAfterTooManyErrors(shared);
  }
  return shared;
}

/**
 * Syntax errors kept before the parser stops. Each recovery may scan ahead to the next token that
 * can resume the rule, so on garbage (few such tokens) every error costs a pass over the rest of
 * the input; a bound on errors keeps parsing linear. Lexer errors are not bounded: they are cheap.
 */
export const MAX_SYNTAX_ERRORS = 100;

class TooManySyntaxErrors extends Error {}

/** Chevrotain records every syntax error through SAVE_ERROR; past the bound, stop parsing. */
function stopAfterTooManyErrors(p: PlaybookParser): void {
  const hooked = p as unknown as { SAVE_ERROR(e: Error): Error; syntaxErrorCount: number };
  const save = hooked.SAVE_ERROR.bind(p);
  hooked.syntaxErrorCount = 0;
  hooked.SAVE_ERROR = (e: Error) => {
    if (++hooked.syntaxErrorCount > MAX_SYNTAX_ERRORS) throw new TooManySyntaxErrors();
    return save(e);
  };
}

/** Larger inputs are rejected before lexing: nobody writes a 4 MB playbook by hand. */
export const MAX_SOURCE_BYTES = 4 * 1024 * 1024;

export function parsePlaybook(source: string, file = '<input>'): ParseResult {
  const bag = new DiagnosticBag(file);
  const text = source.replace(/^\uFEFF/, '');
  if (text.length > MAX_SOURCE_BYTES) {
    bag.report(D.E0001.tooLarge(text.length, MAX_SOURCE_BYTES), spanOf(text, 0, 1));
    return { ast: emptyAst(), diagnostics: bag.items };
  }
  if (text.includes('\uFFFD')) {
    const at = text.indexOf('\uFFFD');
    bag.report(D.E0002.notUtf8(), spanOf(text, at, at + 1), 'save the playbook as UTF-8');
  }
  const lexed = PlaybookLexer.tokenize(text);
  // One line index for every span: spanOf per diagnostic rescans the text (quadratic on garbage).
  const span = spanFinder(text);
  let lastLexLine = -1;
  for (const err of lexed.errors) {
    const errSpan = span(err.offset, err.offset + Math.max(1, err.length));
    if (errSpan.line === lastLexLine) continue; // one bad stretch per line is enough to fix it
    lastLexLine = errSpan.line;
    const ch = text[err.offset] ?? '';
    if (ch === '"') {
      bag.report(D.E0003.unterminatedString(), errSpan, 'close the string with `"` on the same line');
    } else if (ch === '/') {
      bag.report(D.E0004.unterminatedRegex(), errSpan, 'close the pattern with `/`');
    } else {
      // eslint-disable-next-line @typescript-eslint/no-misused-spread -- one code point at a time is what printable() shows (a lone control or format character, not a grapheme)
      const shown = [...text.slice(err.offset, err.offset + Math.min(err.length, 20))].map(printable).join('');
      bag.report(D.E0005.unexpectedCharacters(shown, err.length > 1), errSpan);
    }
  }
  // Where a pattern can stand, a `/` that lexed as a division is a pattern without its closing
  // `/`: reported as such and left out, as the lexer leaves out characters it cannot read.
  const tokens = lexed.tokens.filter((t, i) => {
    if (t.tokenType !== Slash || !patternCanFollow(lexed.tokens[i - 1])) return true;
    const errSpan = span(t.startOffset, t.startOffset + 1);
    if (errSpan.line !== lastLexLine) bag.report(D.E0004.unterminatedRegex(), errSpan, 'close the pattern with `/`');
    return false;
  });
  const p = parser();
  p.problems = [];
  p.clauses = [];
  (p as unknown as { syntaxErrorCount: number }).syntaxErrorCount = 0;
  p.input = tokens;
  (p as unknown as { partial: undefined }).partial = undefined;
  let ast: Playbook;
  try {
    ast = p.playbook() ?? emptyAst();
  } catch (e) {
    ast = emptyAst();
    if (e instanceof TooManySyntaxErrors) {
      const last = p.errors[p.errors.length - 1]?.token.startOffset ?? 0;
      const at = Number.isFinite(last) ? last : 0;
      bag.report(D.E0011.tooMany(MAX_SYNTAX_ERRORS), span(at, at + 1), 'fix the first errors and check again; is this file a playbook?');
    } else {
      // Recovery is on, so this only happens on a grammar bug; still never a stack trace.
      bag.report(D.E0099.parserGaveUp((e as Error).message), spanOf(text, 0, 1));
    }
  }
  ast.comments = (lexed.groups['comments'] ?? []).map((t: IToken) => ({
    text: t.image,
    span: span(t.startOffset, (t.endOffset ?? t.startOffset) + 1),
  }));
  // Recorded when each statement ends, so nested statements come first: sort by where they begin.
  ast.clauses = p.clauses.sort((a, b) => a.start - b.start || b.end - a.end);
  let lastParseLine = -1;
  for (const err of p.errors) {
    const d = syntaxDiagnostic(err, text, span, tokens);
    if (d.span.line === lastParseLine) continue;
    lastParseLine = d.span.line;
    bag.report(D.E0010.syntax(d.message), d.span, d.hint);
  }
  for (const prob of p.problems) bag.report(prob.diagnostic, prob.span, prob.hint);
  return { ast, diagnostics: bag.items };
}

function printable(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x20 || cp === 0x7f || cp === 0xfffd) return `\\u{${cp.toString(16)}}`;
  return ch;
}

function describe(tok: IToken): string {
  if (tok.tokenType.name === 'EOF') return 'end of file';
  const image = tok.image.length > 30 ? tok.image.slice(0, 30) + '…' : tok.image;
  return `\`${image}\``;
}

function syntaxDiagnostic(err: IRecognitionException, text: string, spanAt: (start: number, end: number) => Span, tokens: readonly IToken[]) {
  const tok = err.token;
  let start = tok.startOffset;
  let end = (tok.endOffset ?? tok.startOffset) + 1;
  if (tok.tokenType.name === 'EOF' || !Number.isFinite(start)) {
    // Point just past the last real token, not at a position beyond the file.
    const prev = (err as IRecognitionException & { previousToken?: IToken }).previousToken;
    if (prev && Number.isFinite(prev.endOffset)) {
      start = prev.endOffset! + 1;
    } else {
      start = Math.max(0, text.length - 1);
    }
    end = start + 1;
  }
  start = Math.min(Math.max(0, start), Math.max(0, text.length));
  const span = spanAt(start, Math.max(start + 1, end));
  const ruleStack = err.context.ruleStack;
  const where = ruleStack.length ? RULE_WORDS[ruleStack[ruleStack.length - 1]!] : undefined;
  let message: string;
  let hint: string | undefined;
  if (err.name === 'MismatchedTokenException') {
    const expected = /Expecting token of type --> (\w+) <--/.exec(err.message)?.[1];
    message = `expected ${tokenWords(expected)} but found ${describe(tok)}${where ? ` in ${where}` : ''}`;
    if (expected === 'RBrace') hint = 'a block opened with `{` is not closed, or a statement inside it is malformed';
  } else if (err.name === 'NotAllInputParsedException') {
    message = `unexpected ${describe(tok)} at the top level`;
    hint =
      'top-level items are: playbook, roles, event, template, segment, ritual, rule, ladder, points, levels, badge, leaderboard, lifecycle, schedule, job/every, campaign';
  } else if (err.name === 'EarlyExitException') {
    message = `expected more before ${describe(tok)}${where ? ` in ${where}` : ''}`;
  } else {
    message = `unexpected ${describe(tok)}${where ? ` in ${where}` : ''}`;
    if (where) hint = RULE_HINTS[ruleStack[ruleStack.length - 1]!];
  }
  const mistake = knownMistake(err, tokens);
  if (mistake) {
    message = mistake.message ?? message;
    hint = mistake.hint;
  }
  return { span, message, hint };
}

const TOKEN_WORDS = table<string>({
  RBrace: '`}`',
  LBrace: '`{`',
  LParen: '`(`',
  RParen: '`)`',
  LBracket: '`[`',
  RBracket: '`]`',
  Colon: '`:`',
  Comma: '`,`',
  Arrow: '`->`',
  StringLiteral: 'a quoted string',
  NumberLiteral: 'a number',
  DurationLiteral: 'a duration like `10m` or `24h`',
  DateLiteral: 'a date like 2026-11-01',
  TimeLiteral: 'a time like 09:00',
  Name: 'a name',
  Identifier: 'a name',
  RegexLiteral: 'a /pattern/',
});

function tokenWords(name: string | undefined): string {
  if (!name) return 'something else';
  if (TOKEN_WORDS[name]) return TOKEN_WORDS[name];
  if (name.startsWith('Kw_')) return `\`${name.slice(3)}\``;
  return name;
}

const RULE_WORDS = table<string>({
  header: 'the playbook header',
  roles: 'roles',
  eventDecl: 'an event declaration',
  fieldDecl: 'a field',
  ritual: 'a ritual',
  rule: 'a rule',
  ladder: 'a ladder',
  pointsBlock: 'points',
  pointsEntry: 'a points entry',
  levelsBlock: 'levels',
  badge: 'a badge',
  leaderboard: 'a leaderboard',
  lifecycle: 'a lifecycle',
  transition: 'a lifecycle transition',
  schedule: 'a schedule',
  job: 'a periodic job',
  campaign: 'a campaign',
  stage: 'a campaign stage',
  condition: 'a condition',
  andCondition: 'a condition',
  notCondition: 'a condition',
  atomCondition: 'a condition',
  predicate: 'a condition',
  operand: 'a value',
  action: 'an action',
  actionBlock: 'actions',
  lineActions: 'actions',
  actionList: 'actions',
  audience: 'a message target',
  calendar: 'a calendar',
  weekdays: 'weekdays',
  messageText: 'a message',
  eventPattern: 'an event',
  dottedName: 'a name',
  templateDecl: 'a template',
  segmentDecl: 'a segment',
  playbook: 'the playbook',
});

const RULE_HINTS = table<string>({
  action:
    'actions are: say, notify admins, delete message, warn member … on ladder L, mute member D, remove member, remove members where …, tag/untag member "t", award N points',
  operand: 'a value is a number, a "string", a field like `amount`, `count(E by member within D)` or `absences(schedule, D)`',
  atomCondition: 'a condition compares values (`amount >= 5`), matches text (`text matches /re/`), or tests the member (`member has role admin`)',
  predicate: 'a condition compares values (`amount >= 5`), matches text (`text matches /re/`), or tests the member (`member has role admin`)',
  calendar: 'write a calendar like `mon-fri 19:20`, `day at 09:00` or `month on 15 at 10:00`',
});

/**
 * What the grammar accepts next after `prefix`, the start of a playbook up to a cursor: token type
 * names (`Kw_rule`, `Name`, `DurationLiteral`, …) with the grammar rules they would be read in.
 * Editors complete from it (src/language-service/completion.ts). Never throws.
 */
export function nextTokens(prefix: string): { tokenType: string; ruleStack: string[] }[] {
  try {
    const tokens = PlaybookLexer.tokenize(prefix).tokens;
    return parser()
      .computeContentAssist('playbook', tokens)
      .map((s) => ({ tokenType: s.nextTokenType.name, ruleStack: s.ruleStack }));
  } catch {
    return [];
  }
}
