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

/** Terminal columns: East Asian wide characters and emoji take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += isWide(ch.codePointAt(0)!) ? 2 : 1;
  return width;
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}
