import type { IToken } from 'chevrotain';
import { Kw } from '../parser/lexer.js';
import { actionClause } from './actions.js';
import { block, hasBraces, line, type Printer } from './blocks.js';
import { calendarItem } from './calendars.js';
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
    case Kw.endpoint:
      return block(p, r, (c) => line(src, c), { whenEmpty: 'braces' });
    case Kw.levels:
      return block(p, r, (c) => line(src, c), { whenEmpty: 'braces', collapseWith: ';' });
    case Kw.badge:
      return actionClause(src, r, { style: 'colon', optional: true });
    case Kw.leaderboard:
      return actionClause(src, r, { style: 'colon', optional: false });
    case Kw.job:
    case Kw.every:
    case Kw.schedule:
    case Kw.agenda:
    case Kw.on:
      return calendarItem(p, r) ?? unexpected(first);
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
    case Kw.direct:
      // One clause a line, as the rules read best (docs/language.md, "Direct messages").
      return block(p, r, (c) => line(src, c), { whenEmpty: 'braces' });
    default:
      return unexpected(first);
  }
}

function unexpected(first: IToken): never {
  throw new FormatBug(`unexpected \`${first.image}\` at the top level, line ${first.startLine}`);
}
