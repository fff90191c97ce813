import type { IToken } from 'chevrotain';
import type { Playbook, Span } from '../parser/ast.js';
import { PlaybookLexer } from '../parser/lexer.js';

/** Tokens `first..last` (indexes into `Source.tokens`, both included). */
export interface Range {
  first: number;
  last: number;
}

/** What an action node's `kind` may be (src/parser/ast.ts, `Action`); no other node uses these. */
const ACTION_KINDS = new Set([
  'say',
  'notify',
  'deleteMessage',
  'warn',
  'mute',
  'remove',
  'removeMembers',
  'tag',
  'untag',
  'tagMembers',
  'award',
  'awardBadge',
  'forgive',
  'forEach',
  'draw',
  'role',
  'unmute',
  'ban',
  'pin',
  'reply',
  'join',
  'webhook',
]);
/** Actions that hold actions (`for each member: …`, `draw … as NAME: …`): printed whole, as one line. */
const NESTING_KINDS = new Set(['forEach', 'draw']);

/**
 * The text being formatted, lexed once, with the parser's tree laid over it: the statement spans
 * the grammar recorded (`Playbook.clauses`) and the spans of every action. A node's tokens are
 * found by binary search on offsets, so the printer takes each word as the author wrote it.
 */
export class Source {
  readonly tokens: IToken[];
  readonly comments: IToken[];
  private readonly commentStarts: number[];
  private readonly clauses: Span[];
  private readonly actions: Span[] = [];

  constructor(text: string, ast: Playbook) {
    const lexed = PlaybookLexer.tokenize(text);
    this.tokens = lexed.tokens;
    this.comments = lexed.groups['comments'] ?? [];
    this.commentStarts = this.comments.map((c) => c.startOffset);
    this.clauses = ast.clauses;
    collectActions(ast, this.actions);
    this.actions.sort((a, b) => a.start - b.start);
  }

  start(i: number): number {
    return this.tokens[i]!.startOffset;
  }

  /** Offset just past token `i`. */
  end(i: number): number {
    const t = this.tokens[i]!;
    return (t.endOffset ?? t.startOffset) + 1;
  }

  /** Index of the first token that starts at or after `offset` (`tokens.length` if none). */
  indexAt(offset: number): number {
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokens[mid]!.startOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The tokens of a span. */
  range(span: Span): Range {
    return { first: this.indexAt(span.start), last: this.indexAt(span.end) - 1 };
  }

  /** Index of the first token in `first..last` that passes `test`, or -1. */
  find(first: number, last: number, test: (t: IToken) => boolean): number {
    for (let i = first; i <= last; i++) if (test(this.tokens[i]!)) return i;
    return -1;
  }

  /**
   * The statements directly inside the tokens strictly between `open` and `close` (the braces of
   * a block; -1 and `tokens.length` for the top level), in source order. A statement nested in
   * one of them (a rule inside a stage) belongs to that one.
   */
  clausesBetween(open: number, close: number): Range[] {
    const from = open < 0 ? -1 : this.start(open);
    const to = close >= this.tokens.length ? Infinity : this.start(close);
    const out: Range[] = [];
    let k = lowerBound(this.clauses, from + 1);
    let coveredTo = -1;
    for (; k < this.clauses.length && this.clauses[k]!.start < to; k++) {
      const c = this.clauses[k]!;
      if (c.start < coveredTo) continue;
      out.push(this.range(c));
      coveredTo = c.end;
    }
    return out;
  }

  /** The actions that begin in `first..last`, each as its tokens. */
  actionsIn(first: number, last: number): Range[] {
    if (first > last) return [];
    const from = this.start(first);
    const to = this.start(last);
    const out: Range[] = [];
    for (let k = lowerBound(this.actions, from); k < this.actions.length && this.actions[k]!.start <= to; k++) {
      out.push(this.range(this.actions[k]!));
    }
    return out;
  }

  /** Is any comment strictly between these two source offsets? */
  commentsBetween(from: number, to: number): boolean {
    const starts = this.commentStarts;
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= from) lo = mid + 1;
      else hi = mid;
    }
    return lo < starts.length && starts[lo]! < to;
  }
}

/** Index of the first span starting at or after `offset`. */
function lowerBound(spans: Span[], offset: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]!.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Every action node of the tree, wherever it sits (rituals, rules, ladders, hooks, stages…). */
function collectActions(node: unknown, out: Span[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collectActions(item, out);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as { kind?: unknown; span?: Span };
  if (typeof record.kind === 'string' && ACTION_KINDS.has(record.kind) && record.span) {
    out.push(record.span);
    if (NESTING_KINDS.has(record.kind)) return;
  }
  for (const [key, value] of Object.entries(node)) {
    if (key !== 'span' && key !== 'comments' && key !== 'clauses' && typeof value === 'object') collectActions(value, out);
  }
}
