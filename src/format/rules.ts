import { Kw, NumberLiteral } from '../parser/lexer.js';
import { actionClause } from './actions.js';
import { block, line, type Printer } from './blocks.js';
import type { Stmt } from './layout.js';
import type { Range } from './source.js';

/** Rules and ladders (docs/language.md): a rule's clauses in the order written, a ladder's steps. */

/** `rule NAME { on …; when …; unless …; priority …; once per …; do … }`. */
export function rule(p: Printer, r: Range): Stmt {
  const { src } = p;
  return block(p, r, (c) => (src.tokens[c.first]!.tokenType === Kw.do ? actionClause(src, c, { style: 'do', optional: false }) : line(src, c)), {
    whenEmpty: 'braces',
  });
}

/** `ladder NAME { expire D; 1: …; 2 { … } }`. */
export function ladder(p: Printer, r: Range): Stmt {
  const { src } = p;
  return block(p, r, (c) => (src.tokens[c.first]!.tokenType === NumberLiteral ? actionClause(src, c, { style: 'colon', optional: false }) : line(src, c)), {
    whenEmpty: 'braces',
  });
}
