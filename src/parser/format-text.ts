import { displayWidth } from '../stdlib/text-width.js';
import { escapeString, unescapeString } from './strings.js';

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

/** Terminal columns (stdlib/text-width.ts), re-exported for this module's users. */
export { displayWidth };
