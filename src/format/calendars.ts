import { DateLiteral, Kw } from '../parser/lexer.js';
import { actionClause } from './actions.js';
import { block, type Printer } from './blocks.js';
import { FormatBug, type Stmt } from './layout.js';
import type { Range } from './source.js';

/**
 * What runs on dates and calendars, at the top level or inside a stage: `schedule` (its hooks),
 * `agenda` (its timed steps), jobs (`every …`, `job NAME every …`) and one-offs (`on DATE at TIME: …`).
 * Returns undefined for a clause that is none of these.
 */
export function calendarItem(p: Printer, r: Range): Stmt | undefined {
  const { src } = p;
  const first = src.tokens[r.first]!.tokenType;
  switch (first) {
    case Kw.schedule:
      return block(p, r, (c) => scheduleHook(p, c), { whenEmpty: 'braces' });
    case Kw.agenda:
      return block(p, r, (c) => actionClause(src, c, { style: 'colon', optional: false }), { whenEmpty: 'braces' });
    case Kw.job:
    case Kw.every:
      return actionClause(src, r, { style: 'colon', optional: false });
    case Kw.on:
      return src.tokens[r.first + 1]?.tokenType === DateLiteral ? actionClause(src, r, { style: 'colon', optional: false }) : undefined;
    default:
      return undefined;
  }
}

/** `at start + 20m: …`, `at end: …`. */
function scheduleHook(p: Printer, r: Range): Stmt {
  if (p.src.tokens[r.first]!.tokenType !== Kw.at) throw new FormatBug(`unexpected token in a schedule at line ${p.src.tokens[r.first]!.startLine}`);
  return actionClause(p.src, r, { style: 'colon', optional: false });
}
