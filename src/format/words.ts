import type { IToken, TokenType } from 'chevrotain';
import {
  Colon,
  Comma,
  Dot,
  DurationLiteral,
  EqEq,
  Identifier,
  Kw,
  LBracket,
  LParen,
  Minus,
  NumberLiteral,
  Percent,
  Plus,
  Question,
  RBracket,
  RParen,
  Semicolon,
  StringLiteral,
} from '../parser/lexer.js';
import { WEEKDAYS } from '../parser/grammar/calendars.js';
import { hasKey } from '../stdlib/dict.js';
import { glue, type Frag, type Piece } from './layout.js';
import type { Range, Source } from './source.js';
import { canonicalText, isNameToken } from './text.js';

/**
 * The words of one line: the tokens of a node, each as the author wrote it (canonical
 * punctuation and strings, text.ts), with the spacing of docs/formatting.md, "Spacing". The
 * spacing depends only on neighbouring tokens, so conditions, calendars, event patterns and
 * actions all go through `words`.
 */

/** No space before these: `,` `;` `:` `?` `)` `]`, the `.` of a dotted name and the `%` of `chance 10%`. */
const TIGHT_BEFORE = new Set<TokenType>([Comma, Semicolon, Colon, Question, RParen, RBracket, Dot, Percent]);
/** No space after these: `(`, `[` and the `.` of a dotted name. */
const TIGHT_AFTER = new Set<TokenType>([LParen, LBracket, Dot]);
/** `count(`, `sum(`, `absences(`, `attended(`: the function's parenthesis sticks to its name. */
const CALLS = new Set<TokenType>([Kw.count, Kw.sum, Kw.absences, Kw.attended]);

function tokenPiece(src: Source, i: number, space: boolean, text?: string): Piece {
  return { text: text ?? canonicalText(src.tokens[i]!), tok: i, space };
}

const isWeekday = (t: IToken | undefined): boolean => t !== undefined && isNameToken(t) && hasKey(WEEKDAYS, t.image.toLowerCase());

/** `mon-fri`: a dash between two weekday names is a range (between other names it subtracts). */
function isRangeDash(tokens: IToken[], i: number): boolean {
  return tokens[i]?.tokenType === Minus && isWeekday(tokens[i - 1]) && isWeekday(tokens[i + 1]);
}

/** Tokens a value can end with: after one of these, `-` and `+` subtract and add. */
const VALUE_END = new Set<TokenType>([NumberLiteral, DurationLiteral, StringLiteral, Identifier, RParen]);

/** Does token `i` follow the one before it without a space? */
function tight(tokens: IToken[], i: number): boolean {
  const t = tokens[i]!;
  const prev = tokens[i - 1]!;
  if (TIGHT_BEFORE.has(t.tokenType) || TIGHT_AFTER.has(prev.tokenType)) return true;
  // `count(`, `min(`: a function's parenthesis sticks to its name.
  if (t.tokenType === LParen && (CALLS.has(prev.tokenType) || prev.tokenType === Identifier)) return true;
  // A sign sticks to its number (`-10`, `+5`); an offset keeps its spaces (`at start + 20m`), and
  // so does arithmetic (`amount - 100`).
  const beforeSign = tokens[i - 2];
  const unary = beforeSign === undefined || !VALUE_END.has(beforeSign.tokenType);
  if (unary && t.tokenType === NumberLiteral && (prev.tokenType === Minus || prev.tokenType === Plus)) return true;
  // A points entry's sign sticks to a computed amount too: `order.paid: +amount / 100`.
  if (beforeSign?.tokenType === Colon && (prev.tokenType === Minus || prev.tokenType === Plus)) return true;
  return isRangeDash(tokens, i) || isRangeDash(tokens, i - 1);
}

/**
 * The tokens `first..last` as one line. `rename` gives some tokens another text (`segment s =`
 * becomes `segment s where`); `drop` leaves some out (`template t: "…"` loses its `:`).
 */
export function words(src: Source, first: number, last: number, rename?: Map<number, string>, drop?: Set<number>): Frag {
  const frag: Frag = [];
  for (let i = first; i <= last; i++) {
    if (drop?.has(i)) continue;
    // The first word keeps its space: the frag may follow others on the line (`do` + an action).
    frag.push(tokenPiece(src, i, i === first || !tight(src.tokens, i), rename?.get(i)));
  }
  return frag;
}

/** `template NAME "…"`: the optional `:` or `=` before the text is dropped. */
export function templateWords(src: Source, r: Range): Frag {
  const sep = r.first + 2;
  const kind = src.tokens[sep]?.tokenType;
  return words(src, r.first, r.last, undefined, kind === Colon || kind === EqEq ? new Set([sep]) : undefined);
}

/** `segment NAME where …`: `=` and `:` are spelled `where`. */
export function segmentWords(src: Source, r: Range): Frag {
  const frag = words(src, r.first, r.last, new Map([[r.first + 2, 'where']]));
  frag[2] = { ...frag[2]!, space: true };
  return frag;
}

/**
 * `name?: type[]`: one `?`, after the name, however many the author wrote and wherever
 * (docs/formatting.md: an optional field is marked once, after its name).
 */
export function fieldWords(src: Source, r: Range): Frag {
  const is = (i: number, type: TokenType) => i <= r.last && src.tokens[i]!.tokenType === type;
  let i = r.first;
  const name = tokenPiece(src, i++, true);
  const before = is(i, Question) ? tokenPiece(src, i++, false) : undefined;
  const colon = tokenPiece(src, i++, false);
  const type = tokenPiece(src, i++, true);
  const list = is(i, LBracket) ? [tokenPiece(src, i++, false), tokenPiece(src, i++, false)] : [];
  const after = is(i, Question) ? tokenPiece(src, i, false) : undefined;
  const mark = before ?? after;
  return [name, ...(mark ? [glue(mark)] : []), colon, type, ...list];
}
