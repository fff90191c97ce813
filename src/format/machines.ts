import { Arrow, Colon, Dot, Kw, LBrace } from '../parser/lexer.js';
import { actionClause } from './actions.js';
import { block, hasBraces, line, type Printer } from './blocks.js';
import { calendarItem } from './calendars.js';
import type { Align, Stmt } from './layout.js';
import { rule } from './rules.js';
import type { Range } from './source.js';

/** The constructs that run as state machines: rituals, lifecycles, campaigns and their stages. */

/** Ritual clauses that end in actions; the others (`starts on`, `step`, `cancel on`, a bare action) are one line each. */
const RITUAL_ACTION_CLAUSES = new Set([Kw.remind, Kw.deadline, Kw.done]);

export function ritual(p: Printer, r: Range): Stmt {
  const { src } = p;
  return block(
    p,
    r,
    (c) => (RITUAL_ACTION_CLAUSES.has(src.tokens[c.first]!.tokenType) ? actionClause(src, c, { style: 'colon', optional: false }) : line(src, c)),
    { whenEmpty: 'braces' },
  );
}

/**
 * A lifecycle's transitions line up in columns (docs/formatting.md, "Lifecycles"); an `initial`
 * line ends a run of them.
 */
export function lifecycle(p: Printer, r: Range): Stmt {
  const { src } = p;
  const group = ++p.lifecycles;
  return block(
    p,
    r,
    (c) => {
      const isInitial = src.tokens[c.first]!.tokenType === Kw.initial && src.tokens[c.first + 1]?.tokenType !== Arrow;
      if (isInitial) return { ...line(src, c), align: { group, role: 'break' } };
      return transition(p, c, group);
    },
    { whenEmpty: 'braces' },
  );
}

/** `from -> to when …`, with optional `{ actions }`; the head's first and third words are the columns. */
function transition(p: Printer, r: Range, group: number): Stmt {
  const { src } = p;
  const braces = src.find(r.first, r.last, (t) => t.tokenType === LBrace) >= 0;
  const stmt = braces ? actionClause(src, r, { style: 'brace', optional: true }) : line(src, r);
  const head = stmt.k === 'actions' ? stmt.head : stmt.k === 'line' ? stmt.frag : [];
  const align: Align = { group, role: 'head', from: head[0]!, to: head[2]! };
  return { ...stmt, align };
}

export function campaign(p: Printer, r: Range): Stmt {
  const { src } = p;
  return block(
    p,
    r,
    (c) => {
      const kind = src.tokens[c.first]!.tokenType;
      if (kind === Kw.stage) return stage(p, c);
      return actionClause(src, c, { style: 'colon', optional: true });
    },
    { whenEmpty: 'braces' },
  );
}

/** A stage: its empty braces are dropped; inside, multipliers, `on enter`/`on exit`, rules and points entries. */
function stage(p: Printer, r: Range): Stmt {
  const { src } = p;
  if (!hasBraces(src, r)) return line(src, r);
  return block(
    p,
    r,
    (c) => {
      const first = src.tokens[c.first]!.tokenType;
      const second = src.tokens[c.first + 1]?.tokenType;
      if (first === Kw.on && (second === Kw.enter || second === Kw.exit)) return actionClause(src, c, { style: 'colon', optional: false });
      if (first === Kw.rule && src.tokens[c.first + 2]?.tokenType === LBrace) return rule(p, c);
      // A points entry may start with the same word (`every.x: +1`, `job: +1`): its second token tells.
      const isPoints = second === Colon || second === Dot || second === Kw.where;
      return (isPoints ? undefined : calendarItem(p, c)) ?? line(src, c);
    },
    { whenEmpty: 'omit' },
  );
}
