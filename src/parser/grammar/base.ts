import { EmbeddedActionsParser, EOF, type IRuleConfig, type IToken, type ParserMethod, type TokenType } from 'chevrotain';
import type * as A from '../ast.js';
import { D, type DiagnosticMessage } from '../diagnostic-codes.js';
import { badDurationHint } from '../duration-hints.js';
import { allTokens, Comma, Semicolon } from '../lexer.js';
import { parseDurationText } from '../../stdlib/durations.js';
import { unescapeString } from '../strings.js';
import { CachedLookahead, type LookaheadData } from './lookahead-cache.js';
import { LOOKAHEAD_DATA } from './lookahead-data.js';

/** The tokens the lookahead store names (scripts/grammar-cache.mjs writes it for these). */
export const grammarTokens: readonly TokenType[] = [...allTokens, EOF];

/**
 * Two tokens of lookahead decide every choice of the grammar (gates decide the rest, and the
 * validations in the tests prove no choice needs more). Chevrotain computes the lookahead of every
 * alternative when the parser is built, and with 4 that took tens of seconds once the clock
 * conditions and parenthesised values shared their first tokens with other conditions.
 */
export const MAX_LOOKAHEAD = 2;

/** A problem found while building the tree from tokens (not a syntax error of chevrotain's). */
export interface ShapeProblem {
  diagnostic: DiagnosticMessage;
  span: A.Span;
  hint?: string;
}

/**
 * The grammar's base: chevrotain's set-up (tokens, recovery, lookahead) and the helpers every rule
 * uses to build the tree (spans, names, strings, numbers, durations, shape problems).
 *
 * The grammar is one chevrotain parser split by inheritance, one class per file, each rule calling
 * rules of its own class or of earlier ones: base.ts, values.ts, clock.ts, conditions.ts, audiences.ts, platform-actions.ts, actions.ts, declarations.ts,
 * rules.ts, calendars.ts, leaderboards.ts, machines.ts, direct-messages.ts, then PlaybookParser (../grammar.ts), whose constructor runs
 * performSelfAnalysis once every rule is defined.
 */
export abstract class GrammarBase extends EmbeddedActionsParser {
  problems: ShapeProblem[] = [];
  /** The span of every top-level item and of every statement inside a block (see `Playbook.clauses`). */
  clauses: A.Span[] = [];

  /** Where the lookahead came from: the store of lookahead-data.ts, or chevrotain's own analysis. */
  readonly lookaheadStore: CachedLookahead;

  /**
   * chevrotain's grammar validations (ambiguities, left recursion, unreachable alternatives) cost
   * about a third of a short `check`'s start-up, and the grammar is the same on every run: they run
   * in test/grammar-validation.test.ts, which builds the parser with `validate: true`, and are
   * skipped otherwise (docs/performance.md, "Start-up"). The lookahead comes from the store unless
   * `storedLookahead` is false (or other data: the tests) or the store was computed from another grammar (lookahead-cache.ts).
   */
  constructor(options: { validate?: boolean; storedLookahead?: LookaheadData | false } = {}) {
    const stored = options.storedLookahead ?? (JSON.parse(LOOKAHEAD_DATA) as LookaheadData);
    const lookaheadStore = new CachedLookahead(grammarTokens, MAX_LOOKAHEAD, stored === false ? undefined : stored);
    super(allTokens, { recoveryEnabled: true, maxLookahead: MAX_LOOKAHEAD, skipValidations: options.validate !== true, lookaheadStrategy: lookaheadStore });
    this.lookaheadStore = lookaheadStore;
  }

  /**
   * chevrotain's RULE, typed as a call of the rule behaves. With recovery on, a rule that a syntax
   * error aborts and that resynchronises returns its recovery value, by default `undefined`, to the
   * SUBRULE that called it, whatever the implementation's return type says; so every rule's result
   * is `R | undefined`. Callers that can do without the result check it (`?? []`, `if (p)`, `push`);
   * where the tree needs it, `!` keeps the reading the grammar always had: a hole in the tree at a
   * syntax error, which compile() copes with (if checking trips on it, it checks again without the
   * declarations that hold syntax errors). During the recording phase SUBRULE
   * returns a placeholder object instead; those results are thrown away.
   */
  protected declareRule<ARGS extends unknown[], R>(
    name: string,
    implementation: (...args: ARGS) => R,
    config?: IRuleConfig<R>,
  ): ParserMethod<ARGS, R | undefined> {
    return this.RULE(name, implementation, config);
  }

  protected span(first: IToken, last?: IToken): A.Span {
    const end = last ?? first;
    return {
      start: first.startOffset,
      end: Number.isFinite(end.endOffset) ? (end.endOffset ?? end.startOffset) + 1 : first.startOffset + 1,
      line: Number.isFinite(first.startLine) ? first.startLine! : 1,
      column: Number.isFinite(first.startColumn) ? first.startColumn! : 1,
    };
  }

  protected spanFrom(first: IToken): A.Span {
    return this.span(first, this.LA(0));
  }

  /**
   * Record the statement that began at `first` and ended at the last token consumed. A lone `;`
   * or `,` between statements is a separator, not a statement, and is not recorded.
   */
  protected endClause(first: IToken): void {
    if (this.RECORDING_PHASE || first.tokenType === Semicolon || first.tokenType === Comma) return;
    this.clauses.push(this.spanFrom(first));
  }

  protected ident(tok: IToken): A.Ident {
    return { name: tok.image, span: this.span(tok) };
  }

  protected problem(diagnostic: DiagnosticMessage, span: A.Span, hint?: string): void {
    this.problems.push(hint ? { diagnostic, span, hint } : { diagnostic, span });
  }

  protected str(tok: IToken): A.StringLit {
    if (tok.isInsertedInRecovery || tok.image === '') return { value: '', span: this.span(tok) };
    return { value: unescapeString(tok.image), span: this.span(tok) };
  }

  protected num(tok: IToken): number {
    const n = Number(tok.image);
    return Number.isFinite(n) ? n : 0;
  }

  /**
   * A duration token. One the lexer read but that is not a duration (`10x`, `5days`, `P1M`) is
   * reported here (E0006), not as a syntax error, so the rest of its line is still checked; it
   * becomes a duration of 0, which the checker leaves alone (the problem is reported once). A token
   * inserted by recovery has the text '' (a syntax error was reported for it).
   */
  protected duration(tok: IToken): A.Duration {
    if (tok.isInsertedInRecovery) return { ms: 0, text: '', span: this.span(tok) };
    const ms = parseDurationText(tok.image);
    const span = this.span(tok);
    if (ms === undefined && !this.RECORDING_PHASE) this.problem(D.E0006.notADuration(tok.image), span, badDurationHint(tok.image));
    return { ms: ms ?? 0, text: tok.image, span };
  }

  protected nextOnSameLine(): boolean {
    const prev = this.LA(0);
    const next = this.LA(1);
    if (prev.tokenType === Semicolon) return true;
    return next.tokenType !== EOF && next.startLine === prev.endLine;
  }
}

/** During chevrotain's recording phase sub-rules return a placeholder; only arrays are merged. */
export function pushAll<T>(list: T[], items: T[] | undefined): void {
  if (Array.isArray(items)) list.push(...items);
}

export function push<T>(list: T[], item: T | undefined): void {
  if (item !== undefined && item !== null) list.push(item);
}
