/**
 * Escaping for the HTML report. Member names, message texts and event payloads are user input,
 * so every string that reaches the page goes through one of these.
 */

import { table } from '../stdlib/dict.js';

const HTML_ESCAPES = table({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' });

/**
 * A value of an action's or event's field as text, as String() writes it. The runtime types those
 * fields `unknown`; they hold strings, numbers and booleans.
 */
export function fieldText(value: unknown): string {
  return String(value);
}

/** Text or attribute value (quoted with either quote) inside HTML. */
export function escapeHtml(value: unknown): string {
  return fieldText(value ?? '').replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!);
}

/**
 * JSON to embed in `<script type="application/json">`. `<` becomes `\u003c`, so neither `</script`
 * nor `<!--` can end or confuse the element; U+2028/U+2029 are escaped too, so the text is also
 * valid if someone pastes it into JavaScript. All three escapes are plain JSON, so `JSON.parse`
 * of the element's text gives the value back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Third-party JavaScript to inline in `<script>`: a literal `</script` or `<!--` in it would end or
 * derail the element, so the `<` is written as the string escape `<\/` / `\x3c!--`. Chart.js has
 * neither today; this keeps a future version from breaking the page silently. The source map
 * comment is dropped because the map is not shipped with the report.
 */
export function inlineScriptSource(source: string): string {
  return source
    .replace(/^\/\/# sourceMappingURL=.*$/gm, '')
    .replace(/<\/(script)/gi, '<\\/$1')
    .replace(/<!--/g, '\\x3c!--');
}
