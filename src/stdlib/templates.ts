/**
 * A brace the author escaped (`\{`, `\}`) is stored in a message as these private-use
 * characters, so it is never read as a placeholder; rendering turns them back into braces.
 * The parser writes them (parser/strings.ts); they are defined here because the stdlib imports
 * nothing of the project.
 */
export const LITERAL_OPEN_BRACE = '\uE000';
export const LITERAL_CLOSE_BRACE = '\uE001';

/** `{member.name}` placeholders in message templates. */
export interface Placeholder {
  name: string;
  /** Offset of `{` inside the message text. */
  offset: number;
}

const PLACEHOLDER = /\{\s*([\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)*)\s*\}/gu;

export function placeholders(text: string): Placeholder[] {
  const out: Placeholder[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) out.push({ name: m[1]!, offset: m.index });
  return out;
}

/** Fill placeholders; unknown ones stay as written so a typo is visible, not silent. */
export function renderTemplate(text: string, lookup: (name: string) => string | number | undefined): string {
  const filled = text.replace(PLACEHOLDER, (whole, name: string) => {
    const v = lookup(name);
    return v === undefined ? whole : String(v);
  });
  return literalText(filled);
}

/**
 * Escaped braces back as braces: in a rendered message, and in a string compared as written (a
 * condition's text, a tested tag, a value), which nothing renders.
 */
export function literalText(value: string): string {
  return value.includes(LITERAL_OPEN_BRACE) || value.includes(LITERAL_CLOSE_BRACE)
    ? value.replaceAll(LITERAL_OPEN_BRACE, '{').replaceAll(LITERAL_CLOSE_BRACE, '}')
    : value;
}
