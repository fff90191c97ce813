/**
 * String literal escapes: \" \\ \n \t \r \{ \} and \u{XXXX} / \uXXXX. `\{` keeps a brace
 * literal in a message so it is not read as a placeholder; it is stored as the private marker
 * characters of stdlib/templates.ts (private-use, so never a brace) and turned back into a brace when the message is rendered.
 */
import { LITERAL_CLOSE_BRACE, LITERAL_OPEN_BRACE, literalText } from '../stdlib/templates.js';

export { LITERAL_CLOSE_BRACE, LITERAL_OPEN_BRACE, literalText };

export function unescapeString(image: string): string {
  const body = image.slice(1, -1);
  return body.replace(/\\(u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|.)/g, (_m, esc: string) => {
    switch (esc[0]) {
      case 'n':
        return esc.length === 1 ? '\n' : esc;
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case '{':
        return LITERAL_OPEN_BRACE;
      case '}':
        return LITERAL_CLOSE_BRACE;
      case 'u': {
        if (esc.length === 1) return 'u';
        const hex = esc.startsWith('u{') ? esc.slice(2, -1) : esc.slice(1);
        const cp = parseInt(hex, 16);
        return cp <= 0x10ffff ? String.fromCodePoint(cp) : '\uFFFD';
      }
      default:
        return esc;
    }
  });
}

/** The inverse of unescapeString, for the formatter. */
export function escapeString(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === LITERAL_OPEN_BRACE) out += '\\{';
    else if (ch === LITERAL_CLOSE_BRACE) out += '\\}';
    else if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch.charCodeAt(0) < 0x20) out += '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0');
    else out += ch;
  }
  return `"${out}"`;
}
