import type { IToken, TokenType } from 'chevrotain';
import { Arrow, Colon, Comma, EqEq, Greater, GreaterEq, Identifier, Kw, Less, LessEq, NotEq, Semicolon, Star, StringLiteral } from '../parser/lexer.js';
import { escapeString, unescapeString } from '../parser/strings.js';
import { displayWidth } from '../stdlib/text-width.js';

/**
 * Text helpers of the formatter: the one spelling of each token (docs/formatting.md, "One
 * spelling for punctuation" and "Strings") and the width of a line in terminal columns.
 */

/**
 * Characters written as `\uXXXX` even though the lexer would accept them raw: the replacement
 * character and lone surrogates cannot survive a trip through a UTF-8 file (the parser reports a
 * raw U+FFFD as invalid UTF-8), and invisible controls or bidirectional overrides would make the
 * text on screen differ from the text sent.
 */
const INVISIBLE =
  /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The canonical spelling of a string literal: the same value, escaped one way only. */
export function canonicalStringLiteral(image: string): string {
  const escaped = escapeString(unescapeString(image));
  return escaped.replace(INVISIBLE, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'));
}

const KEYWORD_TYPES = new Set<TokenType>(Object.values(Kw));

/** Comparison operators; `=`, `≥`, `≤` and `≠` are lexed as the same tokens as their ASCII forms. */
const COMPARE_TEXT = new Map<TokenType, string>([
  [GreaterEq, '>='],
  [LessEq, '<='],
  [NotEq, '!='],
  [EqEq, '=='],
  [Greater, '>'],
  [Less, '<'],
]);

/** Canonical spelling of punctuation that has a full-width or Unicode twin (`，` `：` `→` `×` …). */
const PUNCT_TEXT = new Map<TokenType, string>([[Comma, ','], [Semicolon, ';'], [Colon, ':'], [Arrow, '->'], [Star, '*'], ...COMPARE_TEXT]);

/** Keywords are soft (src/parser/lexer.ts): any of them may also be a name. */
export function isNameToken(t: IToken | undefined): boolean {
  return t !== undefined && (t.tokenType === Identifier || KEYWORD_TYPES.has(t.tokenType));
}

/** A token as the formatter writes it: words as the author wrote them, punctuation and strings canonical. */
export function canonicalText(t: IToken): string {
  if (t.tokenType === StringLiteral) return canonicalStringLiteral(t.image);
  return PUNCT_TEXT.get(t.tokenType) ?? t.image;
}

/** Terminal columns (stdlib/text-width.ts), re-exported for this module's users. */
export { displayWidth };
