import { literalText, unescapeString } from '../parser/strings.js';
import { parseDurationText } from '../stdlib/durations.js';
import { table } from '../stdlib/dict.js';
import { D } from '../parser/diagnostic-codes.js';
import { instantHint } from './clock.js';
import type { Span, TestDiagnostic } from './syntax.js';

/**
 * Tokens of a test file (`*.test.playbook`). The format is line-oriented: a newline (or `;`)
 * ends a statement, so newlines are tokens. Positions are UTF-16 offsets like the playbook
 * parser's, so `formatDiagnostic` puts the caret in the same place.
 */

export type TokenKind =
  | 'word'
  | 'string'
  | 'number'
  /** `+90s`, `+1h30m`: a wait. */
  | 'duration'
  /** `2026-03-02`, `2026-03-02T10:00`, `2026-03-02 10:00`, `2026-03-02T02:00Z`, `2026-03-02T10:00:00+08:00`. */
  | 'datetime'
  /** `19:20` or `19:20:30`: a local time of day. */
  | 'clock'
  | 'lbrace'
  | 'rbrace'
  | 'lbracket'
  | 'rbracket'
  | 'comma'
  | 'colon'
  | 'newline'
  | 'eof';

export interface Token extends Span {
  kind: TokenKind;
  /** The source text of the token. */
  text: string;
  /** Strings: the unescaped text; numbers: the value; durations: milliseconds. */
  value?: string | number;
}

const DATETIME = /\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?(?![\p{L}\p{N}_])/uy;
/** What an operator may mean as a date and time; when it is longer than a DATETIME, it is a mistake. */
const DATE_LIKE = /\d{4}[-/]\d{1,2}[-/]\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-][\d:]+)?/uy;
const CLOCK = /\d{1,2}:\d{2}(?::\d{2})?(?![\p{L}\p{N}_:])/uy;
const NUMBER = /-?\d+(?:\.\d+)?(?![\p{L}\p{N}_.-])/uy;
const WORD = /[\p{L}\p{N}_][\p{L}\p{M}\p{N}_.-]*/uy;
const DURATION = /\+([\p{L}\p{N}_.]*)/uy;

/** Full-width punctuation typed with a Chinese input method means the same as the ASCII one. */
const PUNCTUATION = table<TokenKind>({
  '{': 'lbrace',
  '}': 'rbrace',
  '[': 'lbracket',
  ']': 'rbracket',
  ',': 'comma',
  '，': 'comma',
  '、': 'comma',
  ':': 'colon',
  '：': 'colon',
  ';': 'newline',
  '；': 'newline',
});

export function lexTestFile(source: string, report: (d: TestDiagnostic) => void): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const span = (start: number, end: number): Span => ({ start, end, line, column: start - lineStart + 1 });
  const push = (kind: TokenKind, start: number, end: number, value?: string | number) => {
    const t: Token = { kind, text: source.slice(start, end), ...span(start, end) };
    if (value !== undefined) t.value = value;
    tokens.push(t);
  };
  const at = (re: RegExp): RegExpExecArray | null => {
    re.lastIndex = i;
    return re.exec(source);
  };

  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\n' || ch === '\r') {
      push('newline', i, i + 1);
      i += ch === '\r' && source[i + 1] === '\n' ? 2 : 1;
      line++;
      lineStart = i;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\u3000' || ch === '\uFEFF') {
      i++;
      continue;
    }
    if (ch === '#') {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i++;
      continue;
    }
    const punct = PUNCTUATION[ch];
    if (punct) {
      push(punct, i, i + 1);
      i++;
      continue;
    }
    if (ch === '"' || ch === '\u201C') {
      i = lexString(source, i, span, push, report);
      continue;
    }
    if (ch === '+') {
      const m = at(DURATION)!;
      const ms = parseDurationText(m[1]!);
      if (ms === undefined) {
        const problem = m[1] ? D.T0005.notAWait(m[0]) : D.T0005.plusWithoutWait();
        report({
          severity: problem.severity,
          code: problem.code,
          message: problem.message,
          hint: 'write a number and a unit: `+90s`, `+10m`, `+12h`, `+3d`, `+1w` or combined like `+1h30m`',
          ...span(i, i + Math.max(1, m[0].length)),
        });
      } else push('duration', i, i + m[0].length, ms);
      i += Math.max(1, m[0].length);
      continue;
    }
    if (/\d/.test(ch) || (ch === '-' && /\d/.test(source[i + 1] ?? ''))) {
      const dt = at(DATETIME);
      const dateLike = at(DATE_LIKE);
      if (dateLike && ch !== '-' && dateLike[0].length > (dt?.[0].length ?? 0)) {
        const problem = D.T0005.notADateTime(dateLike[0]);
        report({
          severity: problem.severity,
          code: problem.code,
          message: problem.message,
          hint: instantHint(dateLike[0]),
          ...span(i, i + dateLike[0].length),
        });
        i += dateLike[0].length;
        continue;
      }
      if (dt && ch !== '-') {
        push('datetime', i, i + dt[0].length);
        i += dt[0].length;
        continue;
      }
      const clock = at(CLOCK);
      if (clock && ch !== '-') {
        push('clock', i, i + clock[0].length);
        i += clock[0].length;
        continue;
      }
      const num = at(NUMBER);
      if (num) {
        push('number', i, i + num[0].length, Number(num[0]));
        i += num[0].length;
        continue;
      }
    }
    const word = at(WORD);
    if (word) {
      push('word', i, i + word[0].length);
      i += word[0].length;
      continue;
    }
    const cp = source.codePointAt(i)!;
    const char = String.fromCodePoint(cp);
    const problem = D.T0002.unexpectedCharacter(char);
    report({
      severity: problem.severity,
      code: problem.code,
      message: problem.message,
      hint: char === '\u201D' || char === "'" ? 'text goes in straight double quotes: "like this"' : 'quote text that contains symbols: "like this"',
      ...span(i, i + char.length),
    });
    i += char.length;
  }
  push('eof', i, i);
  return tokens;
}

/** A quoted string on one line; `“…”` (typed with a Chinese input method) works like `"…"`. */
function lexString(
  source: string,
  start: number,
  span: (s: number, e: number) => Span,
  push: (kind: TokenKind, s: number, e: number, value?: string) => void,
  report: (d: TestDiagnostic) => void,
): number {
  const close = source[start] === '"' ? '"' : '\u201D';
  let j = start + 1;
  while (j < source.length && source[j] !== close && source[j] !== '\n' && source[j] !== '\r') {
    j += source[j] === '\\' && j + 1 < source.length && source[j + 1] !== '\n' ? 2 : 1;
  }
  if (source[j] !== close) {
    const problem = D.T0001.noClosingQuote();
    report({
      severity: problem.severity,
      code: problem.code,
      message: problem.message,
      hint: 'text in quotes must end on the same line: "like this"',
      ...span(start, j),
    });
    // Still a string to the parser, so the unclosed quote is the only error on this line.
    push('string', start, j, unescapeString('"' + source.slice(start + 1, j) + '"'));
    return j;
  }
  const image = '"' + source.slice(start + 1, j) + '"';
  // Tests compare with rendered messages, in which an escaped brace is just a brace.
  const value = literalText(unescapeString(image));
  push('string', start, j + 1, value);
  return j + 1;
}
