import type { TokenType } from 'chevrotain';
import { Colon, Kw, LBrace, RBrace } from '../parser/lexer.js';
import { FormatBug, FormatRefusal, type Actions, type Align, type Piece, type Stmt } from './layout.js';
import type { Range, Source } from './source.js';
import { canonicalText } from './text.js';
import { words } from './words.js';

/**
 * Clauses that end in actions: ritual clauses, ladder steps, schedule hooks, jobs, badges,
 * leaderboards, goals, stage `on enter`/`on exit`, a rule's `do` and a lifecycle transition's
 * `{ … }` (docs/formatting.md, "Actions"). The actions themselves are the parser's action nodes
 * found inside the clause; the rest of the clause before `{` or `:` is its head.
 */

const ACTION_STARTS = new Set<TokenType>([
  Kw.say,
  Kw.notify,
  Kw.delete,
  Kw.warn,
  Kw.mute,
  Kw.remove,
  Kw.tag,
  Kw.untag,
  Kw.award,
  Kw.deduct,
  Kw.forgive,
  Kw.grant,
  Kw.revoke,
  Kw.unmute,
  Kw.ban,
  Kw.pin,
  Kw.reply,
  Kw.approve,
  Kw.reject,
  Kw.call,
]);

export interface ActionClauseOptions {
  style: 'colon' | 'brace' | 'do';
  /** The actions may be left out altogether when there are none (badges, goals, transitions). */
  optional: boolean;
  align?: Align;
}

/**
 * Heads hold no `{` or `:` (a time like `9:00` is one token), and neither do actions, so the
 * first of them in the clause is what introduces its actions.
 */
export function actionClause(src: Source, r: Range, options: ActionClauseOptions): Stmt {
  const firstAction = src.actionsIn(r.first + 1, r.last)[0]?.first ?? r.last + 1;
  // Only before the first action: `draw … as NAME: …` and `for each member: …` hold a `:` of their own.
  const opener = src.find(r.first + 1, Math.min(r.last, firstAction - 1), (t) => t.tokenType === LBrace || t.tokenType === Colon);
  const headEnd = opener >= 0 ? opener : firstAction;
  const head = words(src, r.first, headEnd - 1);
  const acts: Actions = { list: [] };
  let bodyFrom = headEnd;
  let bodyTo = r.last;
  if (opener >= 0 && src.tokens[opener]!.tokenType === Colon) {
    acts.colon = piece(src, opener);
    bodyFrom = opener + 1;
  }
  if (bodyFrom <= r.last && src.tokens[bodyFrom]!.tokenType === LBrace) {
    const close = src.find(bodyFrom + 1, r.last, (t) => t.tokenType === RBrace);
    if (close < 0) throw new FormatBug(`unclosed actions at line ${src.tokens[bodyFrom]!.startLine}`);
    acts.open = piece(src, bodyFrom);
    acts.close = piece(src, close);
    if (acts.colon && ACTION_STARTS.has(src.tokens[close + 1]?.tokenType as TokenType)) {
      // The action after the braces is a statement of its own (src/parser/grammar/actions.ts,
      // actionBlock), but earlier versions of the parser read it in place of the braces' actions:
      // the file is left alone rather than laid out in a way those versions would misread.
      throw new FormatRefusal(
        'an action follows `: { … }`, which earlier versions of playbook read in place of the actions in the braces; remove the `:` before `{`',
        src.tokens[opener]!.startLine ?? 1,
      );
    }
    bodyFrom++;
    bodyTo = close - 1;
  }
  acts.list = src.actionsIn(bodyFrom, bodyTo).map((a) => words(src, a.first, a.last));
  const stmt: Stmt = { k: 'actions', head, acts, style: options.style, optional: options.optional };
  if (options.align) stmt.align = options.align;
  return stmt;
}

function piece(src: Source, i: number): Piece {
  return { text: canonicalText(src.tokens[i]!), tok: i, space: true };
}
