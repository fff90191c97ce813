/**
 * Splits a playbook into its top-level items without running the lexer, so that an edit re-parses
 * only the item it touches (document.ts). Lexing a 1,000-rule file alone takes longer than a
 * keystroke may (docs/performance.md, "Editor keystrokes").
 *
 * An item starts at a line whose first column holds a word that begins a top-level item
 * (`rule`, `ladder`, `on`, …) while no `{` is open. Strings, comments and patterns are skipped as
 * the lexer reads them (src/parser/lexer.ts), so a `{` or `#` inside them counts for nothing. The
 * split is only ever at places the grammar would also start an item; a `{` left open keeps the
 * rest of the file in one piece, which parses exactly as the whole file would.
 */

/** The words a top-level item starts with (the alternatives of the grammar's `playbook` rule). */
export const TOP_LEVEL_WORDS: ReadonlySet<string> = new Set([
  'playbook',
  'roles',
  'event',
  'template',
  'segment',
  'ritual',
  'rule',
  'ladder',
  'points',
  'levels',
  'badge',
  'leaderboard',
  'lifecycle',
  'schedule',
  'job',
  'every',
  'campaign',
  'agenda',
  'on',
  'direct',
  'endpoint',
]);

/** After these a `/` starts a pattern, as in the lexer's `patternCanFollow`. */
const BEFORE_PATTERN = new Set(['matches', 'any', '[', ',', '\uFF0C', '\u3001']);
const REGEX_BODY = /\/(?:[^/\\\n[]|\\[^\n]|\[(?:[^\]\\\n]|\\[^\n])*\])+\/[a-z]*/y;
const WORD = /[\p{L}_][\p{L}\p{N}_]*/uy;
const NUMBER_LIKE = /[\p{N}][\p{L}\p{N}_.]*/uy;

/** Offsets where top-level items start; the first is always 0. */
export function chunkStarts(text: string): number[] {
  return [0, ...scanStarts(text, 0).starts];
}

/**
 * The item starts after `from` (itself an item start or 0), in order. With `stop`, scanning ends at
 * the first start it accepts: from an item start on, the split depends only on the text that follows,
 * so past an edit the split of the old text holds again from the first start both texts share.
 */
export function scanStarts(text: string, from: number, stop?: (at: number) => boolean): { starts: number[]; stoppedAt?: number } {
  const starts: number[] = [];
  let depth = 0;
  let previous = '';
  let lineStart = true;
  let i = from;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      lineStart = true;
      i++;
      continue;
    }
    const atColumnZero = lineStart;
    lineStart = false;
    if (c === 32 || c === 9 || c === 0x3000 || c === 0xfeff) {
      i++;
      continue;
    }
    if (c === 35 /* # */) {
      while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      continue;
    }
    if (c === 34 /* " */) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 10) break;
        i++;
        if (d === 92 /* \ */ && i < n && text.charCodeAt(i) !== 10) i++;
        else if (d === 34) break;
      }
      previous = 'value';
      continue;
    }
    if (c === 47 /* / */ && BEFORE_PATTERN.has(previous)) {
      REGEX_BODY.lastIndex = i;
      const m = REGEX_BODY.exec(text);
      i += m ? m[0].length : 1;
      previous = 'value';
      continue;
    }
    WORD.lastIndex = i;
    const word = WORD.exec(text);
    if (word) {
      if (atColumnZero && depth === 0 && i > from && TOP_LEVEL_WORDS.has(word[0])) {
        if (stop?.(i)) return { starts, stoppedAt: i };
        starts.push(i);
      }
      previous = word[0];
      i += word[0].length;
      continue;
    }
    NUMBER_LIKE.lastIndex = i;
    const num = NUMBER_LIKE.exec(text);
    if (num) {
      previous = 'value';
      i += num[0].length;
      continue;
    }
    if (c === 123 /* { */) depth++;
    else if (c === 125 /* } */) depth = Math.max(0, depth - 1);
    previous = text[i]!;
    i++;
  }
  return { starts };
}
