import { table } from './dict.js';

/**
 * Syntax of other regex dialects (PCRE, POSIX) that JavaScript would read as something else, and
 * what to write instead; regex-syntax.ts refuses them with these hints (E0508).
 */

/** Anchors of other dialects that JavaScript reads as letters (docs/language.md, E0508). */
export const FOREIGN_ANCHORS = table<{ means: string; instead: string }>({
  A: { means: 'the start of the text', instead: 'write `^` for the start of the text (without the `m` flag)' },
  Z: { means: 'the end of the text', instead: 'write `$` for the end of the text (without the `m` flag)' },
  z: { means: 'the end of the text', instead: 'write `$` for the end of the text (without the `m` flag)' },
  G: { means: 'where the previous match ended', instead: 'leave it out: a playbook tests each text once, from the start' },
});

/** POSIX classes (`[[:alpha:]]`) and what to write for them in JavaScript's syntax. */
export const POSIX_CLASSES = table<string>({
  alpha: '`\\p{L}` (any letter) or `A-Za-z`',
  digit: '`\\d`',
  alnum: '`\\p{L}\\p{N}` or `A-Za-z0-9`',
  upper: '`\\p{Lu}` or `A-Z`',
  lower: '`\\p{Ll}` or `a-z`',
  space: '`\\s`',
  blank: '` \\t`',
  punct: '`\\p{P}`',
  word: '`\\w`',
  xdigit: '`0-9A-Fa-f`',
  cntrl: '`\\x00-\\x1f`',
});
