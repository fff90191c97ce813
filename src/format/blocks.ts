import { LBrace, RBrace } from '../parser/lexer.js';
import { FormatBug, type Stmt } from './layout.js';
import type { Range, Source } from './source.js';
import { canonicalText } from './text.js';
import { words } from './words.js';

/** What every printer needs: the source, and a counter that tells lifecycles apart for alignment. */
export interface Printer {
  src: Source;
  lifecycles: number;
}

export interface BlockOptions {
  whenEmpty: 'braces' | 'omit';
  collapseWith?: ',' | ';';
}

/**
 * A construct with a body in braces (docs/formatting.md, "Blocks"): its head is everything before
 * `{`, its statements are the clauses the parser recorded between the braces, each printed by
 * `statement`.
 */
export function block(p: Printer, r: Range, statement: (clause: Range) => Stmt, options: BlockOptions): Stmt {
  const { src } = p;
  const open = src.find(r.first, r.last, (t) => t.tokenType === LBrace);
  if (open < 0 || src.tokens[r.last]!.tokenType !== RBrace) {
    throw new FormatBug(`expected a block at line ${src.tokens[r.first]!.startLine}`);
  }
  const stmt: Stmt = {
    k: 'block',
    head: words(src, r.first, open - 1),
    open: { text: canonicalText(src.tokens[open]!), tok: open, space: true },
    close: { text: canonicalText(src.tokens[r.last]!), tok: r.last, space: true },
    body: src.clausesBetween(open, r.last).map(statement),
    whenEmpty: options.whenEmpty,
  };
  if (options.collapseWith) stmt.collapseWith = options.collapseWith;
  return stmt;
}

/** A clause printed as one line, its words as written. */
export function line(src: Source, r: Range): Stmt {
  return { k: 'line', frag: words(src, r.first, r.last) };
}

/** Does the clause's body have braces (a stage or a header may leave them out)? */
export function hasBraces(src: Source, r: Range): boolean {
  return src.find(r.first, r.last, (t) => t.tokenType === LBrace) >= 0;
}
