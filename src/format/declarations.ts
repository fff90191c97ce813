import { Kw } from '../parser/lexer.js';
import { actionClause } from './actions.js';
import { block, hasBraces, line, type Printer } from './blocks.js';
import { FormatBug, type Stmt } from './layout.js';
import { campaign, lifecycle, ritual } from './machines.js';
import { ladder, rule } from './rules.js';
import type { Range } from './source.js';
import { fieldWords, segmentWords, templateWords } from './words.js';

/**
 * Top-level items (docs/formatting.md, "Top-level items"): which of the grammar's alternatives a
 * recorded item is shows in its first word, and each is printed from its clauses and nodes.
 */
export function topLevelItem(p: Printer, r: Range): Stmt {
  const { src } = p;
  const first = src.tokens[r.first]!;
  switch (first.tokenType) {
    case Kw.playbook:
      // The header's empty braces are dropped.
      return hasBraces(src, r) ? block(p, r, (c) => line(src, c), { whenEmpty: 'omit' }) : line(src, r);
    case Kw.roles:
      return line(src, r);
    case Kw.event:
      return block(p, r, (c) => ({ k: 'line', frag: fieldWords(src, c) }), { whenEmpty: 'braces', collapseWith: ',' });
    case Kw.template:
      return { k: 'line', frag: templateWords(src, r) };
    case Kw.segment:
      return { k: 'line', frag: segmentWords(src, r) };
    case Kw.points:
      return block(p, r, (c) => line(src, c), { whenEmpty: 'braces' });
    case Kw.levels:
      return block(p, r, (c) => line(src, c), { whenEmpty: 'braces', collapseWith: ';' });
    case Kw.badge:
      return actionClause(src, r, { style: 'colon', optional: true });
    case Kw.leaderboard:
    case Kw.job:
    case Kw.every:
      return actionClause(src, r, { style: 'colon', optional: false });
    case Kw.schedule:
      return block(p, r, (c) => scheduleHook(p, c), { whenEmpty: 'braces' });
    case Kw.ritual:
      return ritual(p, r);
    case Kw.rule:
      return rule(p, r);
    case Kw.ladder:
      return ladder(p, r);
    case Kw.lifecycle:
      return lifecycle(p, r);
    case Kw.campaign:
      return campaign(p, r);
    default:
      throw new FormatBug(`unexpected \`${first.image}\` at the top level, line ${first.startLine}`);
  }
}

/** `at start + 20m: …`, `at end: …`. */
function scheduleHook(p: Printer, r: Range): Stmt {
  if (p.src.tokens[r.first]!.tokenType !== Kw.at) throw new FormatBug(`unexpected token in a schedule at line ${p.src.tokens[r.first]!.startLine}`);
  return actionClause(p.src, r, { style: 'colon', optional: false });
}
